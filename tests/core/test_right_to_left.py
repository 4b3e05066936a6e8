"""Right-to-left languages (Persian, Arabic, Hebrew) need no stylesheet of their own: the page says
its direction, and our CSS speaks of start and end, never of left and right."""

import re
from pathlib import Path

import pytest

import samizdat

SRC = Path(samizdat.__file__).parent
PHYSICAL = re.compile(
    r"\b(?:margin|padding|border)-(?:left|right)\b"
    r"|(?<![-\w])(?:left|right)\s*:"
    r"|\b(?:float|clear|text-align)\s*:\s*(?:left|right)\b"
    r"|\bborder-(?:top|bottom)-(?:left|right)-radius\b"
)


@pytest.mark.no_database
def test_our_stylesheets_use_logical_properties_only():
    sheets = sorted(SRC.glob("*/static/**/*.css"))
    assert sheets, "no stylesheets found"
    physical = [
        f"{sheet.relative_to(SRC)}:{number}: {line.strip()}"
        for sheet in sheets
        for number, line in enumerate(sheet.read_text(encoding="utf-8").splitlines(), 1)
        if PHYSICAL.search(line)
    ]
    assert not physical, "left/right in our CSS; use inline-start/inline-end:\n" + "\n".join(physical)


@pytest.mark.django_db
@pytest.mark.parametrize("language, html", [
    ("en-gb", '<html lang="en-gb" dir="ltr">'),
    ("ru", '<html lang="ru" dir="ltr">'),
    ("fa", '<html lang="fa" dir="rtl">'),
])
def test_the_page_says_its_language_and_direction(client, settings, language, html):
    settings.LANGUAGE_CODE = language
    assert html in client.get("/").content.decode()
    assert html in client.get("/no-such-page/").content.decode()
