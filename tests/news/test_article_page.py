"""What a reader sees on an article page, top to bottom."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from samizdat.news.models import Agency, Correction
from tests.factories import make_article, make_author, make_image, make_section
from tests.news.conftest import built_once, render_once, soup

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_index_not_kept")]

EMBED_URL = "https://video.example.org/watch/4411"


def build_story():
    news = make_section("News")
    irina = make_author("Irina Volkova", role="Port correspondent")
    tomas = make_author("Tomas Brandt")
    reuters = Agency.objects.create(name="Reuters")
    published = timezone.now().replace(microsecond=0) - timedelta(hours=5)
    story = make_article(
        news,
        "Harbour cranes fall silent",
        standfirst="Dockers walk out over night shifts.",
        authors=[irina, tomas],
        dateline="Lindenport",
        published_at=published,
        updated_at=published + timedelta(hours=2),
        image=make_image("Cranes at dusk"),
        lead_image_caption="The cranes at Pier 4 stood idle on Monday.",
        lead_image_credit="Lindenport Port Authority",
        agency=reuters,
        tags=["port", "strike"],
        body=[
            ("paragraph", "<p>Not a single container moved on Monday.</p>"),
            ("heading", "What the union wants"),
            ("quote", {"text": "We will not work nights for day wages.", "attribution": "Ana Ruiz, shop steward"}),
            ("pull_quote", {"text": "Nothing moves until we are heard."}),
            ("image", {"image": make_image("Picket line", colour=(120, 30, 30)), "alt": "Dockers at the gate",
                       "caption": "The picket at gate 2.", "credit": "Marta Lenz"}),
            ("embed", {"url": EMBED_URL, "title": "Watch the walkout"}),
            ("paragraph", "<p>Talks resume on Thursday.</p>"),
        ],
        corrections=[
            Correction(kind=Correction.CORRECTION, date=date(2026, 3, 2), text="An earlier version misnamed the pier."),
            Correction(kind=Correction.EDITORS_NOTE, date=date(2026, 3, 3),
                       text="This story has been updated with the union's demands."),
        ],
    )
    render_once(story.url)
    return {"story": story, "news": news}


@pytest.fixture(scope="module")
def newsroom(django_db_setup, django_db_blocker, shared_media):
    with built_once(django_db_blocker, shared_media):
        yield build_story()


@pytest.fixture(autouse=True)
def media_in_tmp(settings, shared_media):
    settings.MEDIA_ROOT = shared_media


@pytest.fixture
def page(client, newsroom):
    return soup(client.get(newsroom["story"].url))


@pytest.fixture
def article(page):
    return page.find("article", class_="article")


def test_article_parts_come_in_reading_order(article):
    parts = [
        article.find("h1"),
        article.find(class_="standfirst"),
        article.find(class_="byline"),
        article.find(class_="dateline"),
        article.find("time", class_="published"),
        article.find(class_="updated"),
        article.find("figure", class_="lead-image"),
        article.find(class_="article-body"),
        article.find(class_="agency-credit"),
        article.find(class_="corrections"),
        article.find(class_="tags"),
    ]
    assert all(parts), [i for i, part in enumerate(parts) if part is None]
    order = list(article.descendants)
    positions = [order.index(part) for part in parts]
    assert positions == sorted(positions)


def test_section_kicker_links_to_the_section_above_the_headline(article):
    kicker = article.find(class_="kicker")
    assert kicker.get_text(strip=True) == "News"
    assert kicker.a["href"] == "/news/"
    assert kicker.find_next("h1") is article.find("h1")


def test_there_is_one_headline_and_it_is_the_h1(page):
    assert [h1.get_text() for h1 in page.find_all("h1")] == ["Harbour cranes fall silent"]
    assert page.title.get_text().startswith("Harbour cranes fall silent |")


def test_each_byline_links_to_the_authors_page(article):
    byline = article.find(class_="byline")
    assert byline.get_text(" ", strip=True) == "By Irina Volkova and Tomas Brandt"
    assert [(a["href"], a["rel"]) for a in byline.find_all("a")] == [
        ("/authors/irina-volkova/", ["author"]),
        ("/authors/tomas-brandt/", ["author"]),
    ]


def test_dateline_published_and_updated_times_are_shown_and_machine_readable(article, newsroom):
    story = newsroom["story"]
    assert article.find(class_="dateline").get_text() == "Lindenport"
    published = article.find("time", class_="published")
    assert published["datetime"] == story.published_at.isoformat()
    assert published.get_text() == story.published_at.strftime("%-d %B %Y, %H:%M")
    updated = article.find(class_="updated")
    assert updated.get_text(" ", strip=True).startswith("Updated ")
    assert updated.time["datetime"] == story.updated_at.isoformat()


def test_updated_time_is_hidden_when_the_story_did_not_change_after_publication(client, newsroom):
    published = timezone.now() - timedelta(hours=3)
    unchanged = make_article(newsroom["news"], "Ferry timetable unchanged",
                             published_at=published, updated_at=published)
    article = soup(client.get(unchanged.url)).find("article")
    assert article.find("time", class_="published")
    assert article.find(class_="updated") is None
    assert "Updated" not in article.get_text()


def test_lead_image_is_a_figure_with_caption_and_credit_and_loads_at_once(article):
    figure = article.find("figure", class_="lead-image")
    img = figure.img
    assert img["alt"] == "The cranes at Pier 4 stood idle on Monday."
    assert "loading" not in img.attrs  # the first thing a reader sees is never lazy
    assert img["width"] and img["height"]
    assert len(img["srcset"].split(",")) >= 3
    assert all("/media/images/" in src for src in img["srcset"].split(","))
    caption = figure.figcaption
    assert caption.find(class_="caption").get_text() == "The cranes at Pier 4 stood idle on Monday."
    assert caption.find(class_="credit").get_text() == "Lindenport Port Authority"


def test_body_shows_paragraphs_subheadings_and_quotes(article):
    body = article.find(class_="article-body")
    assert body.find("p").get_text() == "Not a single container moved on Monday."
    assert body.find("h2").get_text() == "What the union wants"
    quote = body.find("blockquote")
    assert "We will not work nights for day wages." in quote.get_text()
    assert quote.find("cite").get_text() == "Ana Ruiz, shop steward"
    assert body.find(class_="pull-quote").get_text(strip=True) == "Nothing moves until we are heard."
    assert body.get_text().index("Not a single container") < body.get_text().index("Talks resume on Thursday")


def test_inline_image_carries_its_own_credit_and_loads_lazily(article):
    figure = article.find(class_="article-body").find("figure")
    img = figure.img
    assert img["alt"] == "Dockers at the gate"
    assert img["loading"] == "lazy"
    assert img["width"] and img["height"] and img["srcset"]
    assert figure.figcaption.find(class_="caption").get_text() == "The picket at gate 2."
    assert figure.figcaption.find(class_="credit").get_text() == "Marta Lenz"


def test_embeds_are_plain_links_and_nothing_is_loaded_from_the_service(page):
    body = page.find(class_="article-body")
    link = body.find("a", href=EMBED_URL)
    assert link.get_text() == "Watch the walkout"
    loaded = page.find_all(["iframe", "script", "object", "embed", "video"], src=True)
    assert [tag for tag in loaded if not tag.get("src", "").startswith("/static/support/appeals.")] == []  # first-party appeals only
    assert "video.example.org" not in str(page).replace(f'href="{EMBED_URL}"', "")


def test_agency_credit_line_follows_the_body(article):
    assert article.find(class_="agency-credit").get_text() == "Reuters contributed reporting to this article."


def test_an_articles_own_credit_line_overrides_the_agencys(client, newsroom):
    reuters = Agency.objects.get(name="Reuters")
    story = make_article(newsroom["news"], "Grain prices climb", agency=reuters,
                         credit_line="Reuters and AFP contributed reporting to this article.")
    credit = soup(client.get(story.url)).find(class_="agency-credit")
    assert credit.get_text() == "Reuters and AFP contributed reporting to this article."


def test_an_article_without_an_agency_has_no_credit_line(client, newsroom):
    story = make_article(newsroom["news"], "Council meets")
    assert soup(client.get(story.url)).find(class_="agency-credit") is None


def test_corrections_and_editors_notes_show_their_dates(article):
    notes = article.find(class_="corrections").find_all(class_="correction")
    assert [note.strong.get_text() for note in notes] == ["Correction", "Editor's note"]
    assert [note.time["datetime"] for note in notes] == ["2026-03-02", "2026-03-03"]
    assert notes[0].time.get_text() == "2 March 2026"
    assert "An earlier version misnamed the pier." in notes[0].get_text()
    assert "updated with the union's demands" in notes[1].get_text()


def test_tags_link_to_their_tag_pages(article):
    links = article.find(class_="tags").find_all("a")
    assert sorted((a.get_text(), a["href"]) for a in links) == [("port", "/tags/port/"), ("strike", "/tags/strike/")]


def test_a_headline_full_of_markup_characters_is_shown_as_text(client, newsroom):
    title = 'Mayor says "<b>no</b>" & </script> to tolls'
    story = make_article(newsroom["news"], title, body=[("paragraph", "<p>Tolls stay.</p>")])
    page = soup(client.get(story.url))
    assert page.h1.get_text() == title
    assert page.find("b") is None


def test_a_lost_image_file_costs_the_picture_not_the_page(client, newsroom, shared_media):
    image = make_image("Lost negative")
    story = make_article(newsroom["news"], "Archive photo goes missing", image=image)
    (shared_media / image.file.name).unlink()
    response = client.get(story.url)
    assert response.status_code == 200
    assert soup(response).h1.get_text() == "Archive photo goes missing"
