"""/support/ and the appeals file are published as files like every public page: no cookie, no
CSRF token, rewritten when staff change what they show."""

import json

import pytest
from bs4 import BeautifulSoup

from samizdat.publishing.rebuild import rebuild_site
from samizdat.support.models import Appeal, support_settings
from tests.factories import make_article, make_section

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_index_not_kept")]


def test_the_support_page_and_the_appeals_file_are_published_as_files(public):
    rebuild_site()
    assert public.has("/support/") and public.has("/support/appeals.json")
    form = BeautifulSoup(public.text("/support/"), "html.parser").select_one("main form.donate-form")
    assert form["action"] == "/support/donate/"
    assert "csrfmiddlewaretoken" not in public.text("/support/")
    assert json.loads(public.text("/support/appeals.json"))["appeals"] == []


def test_every_page_links_to_the_support_page_and_articles_have_an_appeal_slot(public, settings):
    settings.PUBLISHING_ENABLED = False
    article = make_article(make_section("News"), "Night ferry returns")
    rebuild_site()
    soup = BeautifulSoup(public.text(article.url), "html.parser")
    assert soup.select_one("#support-site a.support-link")["href"] == "/support/"
    assert soup.select_one("article ~ [data-support-slot=article]") is not None
    assert soup.select_one("script[src*='support/appeals']") is not None
    front = BeautifulSoup(public.text("/"), "html.parser")
    assert front.select_one("[data-support-slot=banner]") is not None
    assert front.select_one("[data-support-slot=article]") is None


def test_an_appeal_saved_in_the_admin_rewrites_the_appeals_file_only(public):
    rebuild_site()
    support_page = public.file("/support/").stat().st_mtime_ns
    Appeal.objects.create(name="Winter", heading="A message from the newsroom", body="<p>We need you.</p>")
    data = json.loads(public.text("/support/appeals.json"))
    assert [(a["heading"], a["body"], a["placement"]) for a in data["appeals"]] == [
        ("A message from the newsroom", "<p>We need you.</p>", "article")]
    assert public.file("/support/").stat().st_mtime_ns == support_page


def test_new_suggested_amounts_rewrite_the_support_page(public):
    rebuild_site()
    staff = support_settings()
    staff.suggested_amounts = "EUR once: 12, 24"
    staff.snooze_days = 3
    staff.save()
    assert "€12" in public.text("/support/") and "€24" in public.text("/support/")
    assert json.loads(public.text("/support/appeals.json"))["snoozeDays"] == 3


def test_switched_off_the_site_carries_no_support_link_and_no_script(client, settings):
    settings.SUPPORT_ENABLED = False
    article = make_article(make_section("News"), "Night ferry returns")
    html = client.get(article.url).content.decode()
    assert "support-link" not in html and "appeals" not in html and "data-support-slot" not in html
    assert client.get("/support/appeals.json").json()["appeals"] == []


def test_on_a_mirror_donations_are_sent_where_the_app_answers(public, settings, tmp_path):
    from samizdat.publishing.mirror import build_mirror

    settings.PUBLISHING_ENABLED = False
    article = make_article(make_section("News"), "Night ferry returns")
    rebuild_site()
    build_mirror(tmp_path / "mirror", "https://mirror.example", api_origin="https://api.example")
    support = BeautifulSoup((tmp_path / "mirror/support/index.html").read_text(), "html.parser")
    assert support.select_one("main form.donate-form")["action"] == "https://api.example/support/donate/"
    story = BeautifulSoup((tmp_path / "mirror" / article.url.strip("/") / "index.html").read_text(), "html.parser")
    # The appeals script sends appeal forms where the page's own endpoint form points.
    assert story.select_one("form.support-endpoint")["action"] == "https://api.example/support/donate/"
    assert story.select_one("a.support-link")["href"] == "../../support/index.html"
    assert (tmp_path / "mirror/support/appeals.json").is_file()


def test_with_appeals_switched_off_pages_carry_no_script_but_keep_the_support_link(client, settings):
    settings.SUPPORT_APPEALS_ENABLED = False
    article = make_article(make_section("News"), "Night ferry returns")
    soup = BeautifulSoup(client.get(article.url).content, "html.parser")
    assert [s for s in soup.find_all("script") if s.get("src")] == []
    assert soup.select_one("a.support-link")["href"] == "/support/"
    assert soup.select_one("[data-support-slot]") is None
