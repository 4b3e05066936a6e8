"""The reader's pages: the signup block where it belongs, /newsletter/, the archive and the preview,
as Django renders them and as files the publisher writes."""

import pytest
from bs4 import BeautifulSoup
from wagtail.models import Site

from samizdat.core.models import NewsroomSettings, StandardPage
from samizdat.newsletter.models import Edition, EditionArticle
from samizdat.newsletter.schedule import finish_if_done
from tests.factories import home_page, make_article, make_section

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_index_not_kept")]


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def newsroom(the_week):
    section = make_section("News")
    article = make_article(section, "Council approves the tram line", standfirst="Kessel Quay gets its tram by 2029.")
    privacy = StandardPage(title="Privacy policy", slug="privacy")
    home_page().add_child(instance=privacy)
    privacy.save_revision().publish()
    settings = NewsroomSettings.for_site(Site.objects.get(is_default_site=True))
    settings.privacy_policy_page = privacy
    settings.save()
    return {"article": article, "privacy": privacy}


def sent_edition(newsletter, article, subject="Tram news and more"):
    edition = Edition.objects.create(newsletter=newsletter, subject=subject, intro="Hello readers.", status=Edition.SENDING)
    EditionArticle.objects.create(edition=edition, article=article, blurb="Our pick of the week.")
    finish_if_done(edition.pk)
    edition.refresh_from_db()
    return edition


def assert_signup_block(soup, newsletter):
    block = soup.select_one("section.newsletter-signup")
    assert block is not None
    assert "Sign up for our free weekly newsletter" in block.get_text()
    assert newsletter.description in block.get_text()
    form = block.select_one("form")
    assert form["action"] == "/newsletter/signup/" and form["method"] == "post"
    assert form.select_one("input[type=email][name=email][required]") is not None
    assert not form.select("input[name=csrfmiddlewaretoken]")  # a public file can't carry one
    assert block.find("a", string="Preview")["href"] == "/newsletter/the-week/preview/"
    assert block.find("a", string="Privacy Policy")["href"] == "/privacy/"
    assert "Subscribers agree to the" in block.get_text()


def test_the_signup_block_is_on_articles_the_front_page_and_the_newsletter_page(client, newsroom, the_week):
    for url in ("/", newsroom["article"].url, "/newsletter/"):
        assert_signup_block(page(client, url), the_week)


def test_the_signup_block_can_be_switched_off(client, newsroom, settings):
    settings.NEWSLETTER_SIGNUP_ENABLED = False
    assert page(client, newsroom["article"].url).select_one(".newsletter-signup") is None
    assert page(client, "/").select_one(".newsletter-signup") is None


def test_the_preview_is_a_sample_before_the_first_send_then_the_latest_edition(client, newsroom, the_week):
    sample = page(client, "/newsletter/the-week/preview/")
    assert "No edition has been sent yet" in sample.get_text()
    assert "Council approves the tram line" in sample.get_text()
    edition = sent_edition(the_week, newsroom["article"])
    latest = page(client, "/newsletter/the-week/preview/")
    assert latest.h1.get_text() == "Tram news and more"
    assert "Our pick of the week." in latest.get_text()
    assert "No edition has been sent yet" not in latest.get_text()
    assert latest.select_one("link[rel=canonical]")["href"].endswith(edition.get_absolute_url())


def test_the_archive_lists_sent_editions_only(client, newsroom, the_week):
    Edition.objects.create(newsletter=the_week, subject="A draft nobody may see")
    edition = sent_edition(the_week, newsroom["article"])
    archive = page(client, "/newsletter/the-week/archive/")
    assert [a.get_text() for a in archive.select(".newsletter-editions a")] == ["Tram news and more"]
    draft = Edition.objects.get(subject="A draft nobody may see")
    page(client, f"/newsletter/the-week/archive/{draft.pk}/", status=404)
    page(client, edition.get_absolute_url())
    page(client, "/newsletter/nothing-here/archive/", status=404)
    page(client, "/newsletter/the-week/archive/99999999999999999999/", status=404)


def test_newsletter_pages_are_published_as_files_without_cookies(client, newsroom, the_week, public):
    from samizdat.publishing.rebuild import rebuild_site

    rebuild_site()
    for url in ("/newsletter/", "/newsletter/the-week/archive/", "/newsletter/the-week/preview/"):
        assert public.has(url), url
    assert "newsletter-signup" in public.text(newsroom["article"].url)
    assert "csrfmiddlewaretoken" not in public.text("/newsletter/")

    edition = sent_edition(the_week, newsroom["article"])  # sending finishes: the archive changes
    assert public.has(edition.get_absolute_url())
    assert "Tram news and more" in public.text("/newsletter/the-week/archive/")
    assert "Tram news and more" in public.text("/newsletter/the-week/preview/")


def test_before_the_first_send_the_sample_preview_follows_the_newest_stories(newsroom, the_week, public):
    from samizdat.publishing.rebuild import rebuild_site

    rebuild_site()
    assert "Council approves the tram line" in public.text("/newsletter/the-week/preview/")
    ferry = make_article(newsroom["article"].get_parent(), "Night ferry returns in March")
    assert "Night ferry returns in March" in public.text("/newsletter/the-week/preview/")
    ferry.unpublish()
    assert "Night ferry returns in March" not in public.text("/newsletter/the-week/preview/")
    # Once an edition has gone out the Preview is that edition, and new stories leave it alone.
    sent_edition(the_week, newsroom["article"])
    make_article(newsroom["article"].get_parent(), "Harbour cranes repainted")
    preview = public.text("/newsletter/the-week/preview/")
    assert "Tram news and more" in preview and "Harbour cranes repainted" not in preview


def test_renaming_a_newsletter_republishes_its_pages(newsroom, the_week, public):
    from samizdat.publishing.rebuild import rebuild_site

    rebuild_site()
    the_week.description = "Now every Saturday."
    the_week.save()  # in the block on every article: the whole site is rebuilt
    assert "Now every Saturday." in public.text("/newsletter/")
    assert "Now every Saturday." in public.text(newsroom["article"].url)


def test_on_a_mirror_the_signup_form_posts_to_the_api_origin(newsroom, public, tmp_path):
    from samizdat.publishing.mirror import build_mirror
    from samizdat.publishing.rebuild import rebuild_site

    rebuild_site()
    build_mirror(tmp_path / "mirror", "https://mirror.example", api_origin="https://api.courier.example")
    folder = tmp_path / "mirror" / newsroom["article"].url.strip("/")
    soup = BeautifulSoup((folder / "index.html").read_text(), "html.parser")
    form = soup.select_one(".newsletter-signup form")
    assert form["action"] == "https://api.courier.example/newsletter/signup/"
    script = folder / soup.select_one(".newsletter-signup script[src]")["src"]  # a file on the mirror
    assert "fetch(form.action" in script.read_text()  # the script posts wherever the form does
