"""A reader's way through the site in a real browser: the front page, a click, an article.

Screenshots land in tests/artifacts/ (front.png, article.png, front-phone.png, article-phone.png).
"""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import make_article, make_author, make_image, make_section

# The live server answers from another thread, so the content must be committed (transaction=True);
# serialized_rollback restores the home page and site that migrations create, which the flush
# after each transactional test would otherwise leave missing for the next one.
pytestmark = [
    pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("search_index_not_kept"),
]

STRIKE = "Harbour cranes fall silent as dockers strike"
STRIKE_CREDIT = "Photo: Lindenport Port Authority"
UNION = "Dockers' union sets its terms for a return to work"
TRAFFIC = "Port traffic falls to its lowest level in a decade"
FERRY = "Council votes to bring back the night ferry"
THEATRE = "The Old Customs House theatre reopens after the fire"


@pytest.fixture
def newsroom():
    """Three sections; the strike story shares tags with one story in News and one in Economy."""
    news, economy, culture = make_section("News"), make_section("Economy"), make_section("Culture")
    irina, tomasz = make_author("Irina Volkova"), make_author("Tomasz Nowak")
    make_article(news, FERRY, tags=["council", "ferry"], authors=[tomasz], minutes_ago=30,
                 image=make_image("Ferry at the quay", colour=(20, 60, 110)), lead_image_credit="Photo: Ana Ruiz")
    strike = make_article(news, STRIKE, tags=["port", "strike"], authors=[irina, tomasz], minutes_ago=90,
                          image=make_image("Idle cranes", colour=(120, 60, 30)),
                          lead_image_caption="The container terminal on Monday morning.",
                          lead_image_credit=STRIKE_CREDIT)
    make_article(news, UNION, tags=["strike"], authors=[irina], minutes_ago=120,
                 image=make_image("Union hall", colour=(60, 120, 60)), lead_image_credit="Photo: Irina Volkova")
    make_article(economy, TRAFFIC, tags=["port"], authors=[tomasz], minutes_ago=150,
                 image=make_image("Empty berths", colour=(90, 90, 90)), lead_image_credit="Photo: Port Authority")
    make_article(culture, THEATRE, tags=["theatre"], authors=[irina], minutes_ago=180,
                 image=make_image("Theatre facade", colour=(150, 30, 60)), lead_image_credit="Photo: Tomasz Nowak")
    return {"strike": strike}


def assert_nothing_went_wrong(reader):
    assert reader.problems() == {
        "requests to other hosts": [],
        "error responses": [],
        "failed requests": [],
        "console errors": [],
        "page errors": [],
    }


def test_reader_clicks_from_the_front_page_to_an_article_and_sees_it_whole(newsroom, reader):
    page = reader.page
    reader.open("/")
    expect(page.get_by_role("region", name="Lead story").get_by_role("link", name=FERRY)).to_be_visible()
    # The site's stylesheet arrived and applies: the header's double rule comes from site.css.
    assert any(url.endswith("/static/core/site.css") for url in reader.requests)
    assert page.locator(".site-header").evaluate("el => getComputedStyle(el).borderBottomStyle") == "double"
    reader.screenshot("front.png")

    page.get_by_role("link", name=STRIKE, exact=True).click()
    page.wait_for_url(reader.server_url + newsroom["strike"].url)

    expect(page).to_have_title(re.compile(re.escape(STRIKE)))
    expect(page.get_by_role("heading", level=1, name=STRIKE)).to_be_visible()
    expect(page.locator(".byline")).to_be_visible()
    expect(page.locator(".byline")).to_contain_text("Irina Volkova")
    expect(page.locator(".byline")).to_contain_text("Tomasz Nowak")
    expect(page.locator(".byline").get_by_role("link", name="Irina Volkova")).to_have_attribute("href", "/authors/irina-volkova/")

    lead_image = page.locator("figure.lead-image img")
    expect(lead_image).to_be_visible()
    assert lead_image.evaluate("img => img.complete && img.naturalWidth > 0"), "the lead image did not load"
    credit = page.locator("figure.lead-image figcaption").get_by_text(STRIKE_CREDIT)
    expect(credit).to_be_visible()
    # On a desktop screen the header spans the page and the lead picture fills its column.
    header_width = page.locator(".site-header .wrap").evaluate("el => el.getBoundingClientRect().width")
    assert header_width > 1000, f"the header is squeezed into {header_width}px"
    figure_width = page.locator("figure.lead-image").evaluate("el => el.getBoundingClientRect().width")
    image_width = lead_image.evaluate("img => img.getBoundingClientRect().width")
    assert image_width >= figure_width - 1, f"the lead picture is {image_width}px in a {figure_width}px figure"

    read_more = page.get_by_role("region", name="Read more")
    expect(read_more).to_be_visible()
    expect(read_more.get_by_role("link", name=UNION)).to_be_visible()
    expect(read_more.get_by_role("link", name=TRAFFIC)).to_be_visible()
    expect(read_more.get_by_role("link", name=STRIKE)).to_have_count(0)
    reader.screenshot("article.png")

    assert_nothing_went_wrong(reader)


def test_front_page_and_article_fit_a_phone_screen_without_sideways_scrolling(newsroom, phone_reader):
    page = phone_reader.page
    for path, name in [("/", "front-phone.png"), (newsroom["strike"].url, "article-phone.png")]:
        phone_reader.open(path)
        page.wait_for_load_state("load")
        width = page.evaluate("document.documentElement.scrollWidth")
        phone_reader.screenshot(name)
        assert width <= 375 + 1, f"{path} is {width}px wide on a 375px screen: readers must scroll sideways"
    expect(page.get_by_role("heading", level=1, name=STRIKE)).to_be_visible()
    expect(page.locator("figure.lead-image figcaption").get_by_text(STRIKE_CREDIT)).to_be_visible()
    assert_nothing_went_wrong(phone_reader)
