# The reader's dates in English: "5 December 2026" (Django's en says "Dec. 5, 2026"). Templates
# name these formats (date:"DATE_FORMAT"), so each language reads its own way.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
