"""The amounts the donate form suggests, per currency and frequency, as staff write them:

    EUR once: 10, 25, 50, 100
    EUR monthly: 5, 10, 20
"""

from .money import AmountError, is_known_currency, parse_amount

FREQUENCIES = ("once", "monthly", "annual")
FALLBACK = {"once": ["10", "25", "50"], "monthly": ["5", "10", "20"], "annual": ["50", "100", "200"]}


def parse_suggestions(text):
    """{('EUR', 'monthly'): [500, 1000, 2000], ...}; ValueError naming the line that is wrong."""
    found = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        head, colon, amounts = line.partition(":")
        words = head.split()
        if not colon or len(words) != 2:
            raise ValueError(f"Line {number}: write it as 'EUR monthly: 5, 10, 20'.")
        currency, frequency = words[0].upper(), words[1].lower()
        if not is_known_currency(currency):
            raise ValueError(f"Line {number}: {currency} is not a currency we know.")
        if frequency not in FREQUENCIES:
            raise ValueError(f"Line {number}: the frequency is once, monthly or annual, not '{words[1]}'.")
        try:
            values = [parse_amount(part, currency) for part in amounts.split(",") if part.strip()]
        except AmountError as error:
            raise ValueError(f"Line {number}: {error}") from None
        found[(currency, frequency)] = values
    return found


def suggested(text, currency, frequency):
    """The suggestions for one currency and frequency; a sensible default when staff gave none."""
    try:
        table = parse_suggestions(text)
    except ValueError:
        table = {}
    if (currency, frequency) in table:
        return table[(currency, frequency)]
    return [parse_amount(value, currency) for value in FALLBACK[frequency]]
