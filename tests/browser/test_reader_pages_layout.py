"""How the reader's pages are laid out in a real browser: listings on a desktop and a phone, a story
on paper, and an appeal banner that fills in without moving the page.

Screenshots: tests/artifacts/listing-author-desktop.png, listing-author-phone.png, print-article.png.
"""

import pytest

from tests.factories import make_article, make_author, make_image, make_section
from tests.reader_pages import appeals_and_signup

pytestmark = [
    pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("search_index_not_kept"),
]

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
STORY = "Harbour cranes fall silent as dockers strike"

# Each teaser picture's shown box, the rendition the browser chose for it, and the headline's box.
TEASER_BOXES = """() => [...document.querySelectorAll('.teasers .teaser')].map(teaser => {
  const img = teaser.querySelector('.teaser-image img'), head = teaser.querySelector('.teaser-headline');
  const box = img.getBoundingClientRect(), text = head.getBoundingClientRect();
  return {shown: box.width, chosen: img.naturalWidth, left: box.left, top: box.top, bottom: box.bottom,
          textRight: text.right, textTop: text.top, src: img.currentSrc};
})"""

# Cumulative layout shift as Chromium counts it (shifts after the reader's own input left out).
WATCH_LAYOUT_SHIFT = """window.layoutShift = 0;
new PerformanceObserver(list => { for (const entry of list.getEntries()) {
  if (!entry.hadRecentInput) window.layoutShift += entry.value; } }).observe({type: 'layout-shift', buffered: true});"""


def load_every_picture(page):
    """Teaser pictures load lazily: bring each into view, as a reader scrolling down would."""
    for picture in page.locator(".teaser-image img").all():
        picture.scroll_into_view_if_needed()
        picture.evaluate("img => img.decode()")
    page.evaluate("window.scrollTo(0, 0)")


@pytest.fixture
def author_with_ten_stories():
    news, irina = make_section("News"), make_author("Irina Volkova", role="Port correspondent")
    for number in range(10):
        make_article(news, f"Dockers' story number {number + 1}", authors=[irina], minutes_ago=30 + number,
                     image=make_image(f"Picture {number}", colour=(20 * number, 60, 110)))
    return irina


def test_a_listing_on_desktop_shows_each_picture_beside_its_text_no_wider_than_its_rendition(author_with_ten_stories, reader):
    page = reader.page
    page.set_viewport_size(DESKTOP)
    reader.open("/authors/irina-volkova/")
    load_every_picture(page)
    reader.screenshot("listing-author-desktop.png")
    teasers = page.evaluate(TEASER_BOXES)
    assert len(teasers) == 10
    for teaser in teasers:
        assert teaser["shown"] <= teaser["chosen"], f"{teaser['src']} stretched to {teaser['shown']} px"
        assert teaser["left"] >= teaser["textRight"], "the picture is not beside the headline"
        assert 250 <= teaser["shown"] <= 400
    # Ten stories, each a row as tall as its picture: 8,342 px when pictures ran the column's width.
    assert page.evaluate("document.documentElement.scrollHeight") < 3200


def test_a_listing_on_a_phone_keeps_each_picture_above_its_text_across_the_screen(author_with_ten_stories, phone_reader):
    page = phone_reader.page
    page.set_viewport_size(PHONE)
    phone_reader.open("/authors/irina-volkova/")
    load_every_picture(page)
    phone_reader.screenshot("listing-author-phone.png")
    for teaser in page.evaluate(TEASER_BOXES):
        assert teaser["shown"] > 0.85 * PHONE["width"]
        assert teaser["shown"] <= teaser["chosen"], f"{teaser['src']} stretched to {teaser['shown']} px"
        assert teaser["bottom"] <= teaser["textTop"], "the picture is not above the headline"


@pytest.fixture
def story_with_appeals(settings):
    appeals_and_signup(settings)
    news = make_section("News")
    make_article(news, "Dockers' union sets its terms", minutes_ago=120)
    return make_article(news, STORY, authors=[make_author("Irina Volkova")],
                        image=make_image("Idle cranes", colour=(120, 60, 30)), lead_image_credit="Port Authority",
                        body=[("paragraph", "<p>The container terminal stood still on Monday.</p>")])


def test_printing_a_story_prints_the_story_alone(story_with_appeals, reader):
    page = reader.page
    reader.open(story_with_appeals.url)
    page.locator(".support-appeal-banner").wait_for()
    page.locator(".support-appeal-article").wait_for()
    page.emulate_media(media="print")
    for part in (".support-strip", ".support-appeal-banner", ".support-appeal-article", ".newsletter-signup",
                 ".donate-form", ".site-nav", ".site-search", ".site-footer", ".read-more", ".skip-link"):
        assert page.locator(part).evaluate_all("els => els.every(el => !el.checkVisibility())"), f"{part} prints"
    for part in (".headline", ".standfirst", ".byline", ".lead-image img", ".article-body"):
        assert page.locator(part).first.is_visible(), f"{part} does not print"
    assert "The container terminal stood still on Monday." in page.locator("main").inner_text()
    reader.screenshot("print-article.png")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_appeal_banner_fills_its_space_without_moving_the_page(story_with_appeals, reader, viewport):
    page = reader.page
    page.set_viewport_size(viewport)
    page.add_init_script(WATCH_LAYOUT_SHIFT)
    for path in ("/", story_with_appeals.url):
        reader.open(path)
        page.locator(".support-appeal-banner").wait_for()
        page.wait_for_timeout(300)  # the observer reports a frame after the shift
        shift = page.evaluate("window.layoutShift")
        assert shift < 0.1, f"{path}: cumulative layout shift {shift:.3f}"
