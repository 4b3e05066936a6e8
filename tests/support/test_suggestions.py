"""Suggested amounts as staff write them in Settings → Reader revenue, and what they are told
when a line is wrong."""

import pytest
from django.core.exceptions import ValidationError

from samizdat.support.models import SupportSettings
from samizdat.support.suggestions import parse_suggestions, suggested


def test_staff_write_one_line_per_currency_and_frequency():
    table = parse_suggestions("EUR monthly: 5, 10, 20\n\nusd ONCE: 12.50, 25\nJPY annual: 5000")
    assert table == {("EUR", "monthly"): [500, 1000, 2000], ("USD", "once"): [1250, 2500], ("JPY", "annual"): [5000]}


@pytest.mark.parametrize(
    "text, message",
    [("EUR monthly 5, 10", "Line 1: write it as 'EUR monthly: 5, 10, 20'."),
     ("EUR\nXYZ once: 5", "Line 1: write it as 'EUR monthly: 5, 10, 20'."),
     ("EUR once: 5\nXYZ once: 5", "Line 2: XYZ is not a currency we know."),
     ("EUR weekly: 5", "Line 1: the frequency is once, monthly or annual, not 'weekly'."),
     ("EUR once: 5, lots", "Line 1: Please give the amount as a number, like 25 or 12.50.")],
)
def test_a_wrong_line_is_named_with_what_is_wrong(text, message):
    with pytest.raises(ValueError) as error:
        parse_suggestions(text)
    assert str(error.value) == message
    with pytest.raises(ValidationError) as invalid:
        SupportSettings(suggested_amounts=text).clean()
    assert invalid.value.message_dict == {"suggested_amounts": [message]}


def test_without_a_line_for_a_currency_the_form_still_suggests_amounts():
    assert suggested("EUR once: 7", "GBP", "monthly") == [500, 1000, 2000]
    assert suggested("not valid at all", "EUR", "once") == [1000, 2500, 5000]
    assert suggested("EUR once: 7", "EUR", "once") == [700]
