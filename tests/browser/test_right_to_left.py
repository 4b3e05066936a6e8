"""A right-to-left language turns the page without a stylesheet of its own: with Persian (no
catalogue, Django's LANGUAGES_BIDI alone) the newsroom's name moves to the right edge and the
search form to the left, as a Persian reader expects."""

import pytest

pytestmark = [
    pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("search_index_not_kept"),
]


@pytest.mark.parametrize("language, direction", [("en-gb", "ltr"), ("fa", "rtl")])
def test_the_header_mirrors_in_a_right_to_left_language(reader, settings, language, direction):
    settings.LANGUAGE_CODE = language
    reader.open("/")
    page = reader.page
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == direction
    name = page.locator(".site-name").bounding_box()
    search = page.locator(".site-search").bounding_box()
    width = page.viewport_size["width"]
    if direction == "ltr":
        assert name["x"] < search["x"] and name["x"] < width / 2
    else:
        assert name["x"] > search["x"] and name["x"] + name["width"] > width / 2
    reader.screenshot(f"front-{direction}.png")
    assert not any(reader.problems().values()), reader.problems()
