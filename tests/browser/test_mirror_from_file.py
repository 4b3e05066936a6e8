"""A mirror opened straight from disk (file://), as from a USB stick: pages, links and pictures work."""

import pytest
from playwright.sync_api import expect

from samizdat.publishing.mirror import build_mirror, verify_mirror
from samizdat.publishing.rebuild import rebuild_site
from tests.factories import make_article, make_author, make_image, make_section

pytestmark = [
    pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("search_index_not_kept"),
]

STORY = "Harbour cranes fall silent as dockers strike"


def test_a_mirror_reads_from_a_usb_stick(reader, public, settings, tmp_path):
    settings.PUBLISHING_ENABLED = False
    news = make_section("News")
    make_article(news, STORY, tags=["port"], authors=[make_author("Irina Volkova")],
                 image=make_image("Idle cranes", colour=(120, 60, 30)), lead_image_credit="Port Authority")
    make_article(news, "Dockers' union sets its terms", tags=["port"], minutes_ago=120)
    rebuild_site()
    build_mirror(tmp_path / "usb", "https://mirror.example")
    assert verify_mirror(tmp_path / "usb").ok

    page = reader.page
    page.goto((tmp_path / "usb/index.html").as_uri())
    page.get_by_role("link", name=STORY, exact=True).first.click()
    expect(page.get_by_role("heading", level=1, name=STORY)).to_be_visible()
    assert page.url.endswith("/usb/news/harbour-cranes-fall-silent-as-dockers-strike/index.html")
    picture = page.locator("figure.lead-image img")
    expect(picture).to_be_visible()
    assert picture.evaluate("img => img.complete && img.naturalWidth > 0"), "the picture did not load"
    assert page.locator(".site-header").evaluate("el => getComputedStyle(el).borderBottomStyle") == "double"
    page.get_by_role("link", name="Irina Volkova").first.click()
    expect(page.get_by_role("heading", level=1, name="Irina Volkova")).to_be_visible()
    reader.screenshot("mirror-from-file.png")
    assert [url for url in reader.requests if not url.startswith(("file://", "data:"))] == []
    assert reader.console_errors == [] and reader.page_errors == []
