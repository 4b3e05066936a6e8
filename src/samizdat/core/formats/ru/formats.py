# The reader's dates in Russian: "5 декабря 2026" (E is the month in the genitive; Django's own ru
# format adds "г.", which a newsroom's pages don't).
DATE_FORMAT = "j E Y"
DATETIME_FORMAT = "j E Y, H:i"
SHORT_DATE_FORMAT = "d.m.Y"
