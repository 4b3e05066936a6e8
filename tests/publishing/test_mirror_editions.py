"""`samizdat mirror build --edition`: a mirror of one edition holds that edition only, at the
addresses the main site gives it, and links to the editions it lacks are dropped."""

from io import StringIO
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.core.management.base import CommandError

from samizdat.publishing.mirror import build_mirror
from samizdat.publishing.rebuild import rebuild_site
from tests.factories import make_article, make_section, translate_home

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_index_not_kept")]

MIRROR = "https://mirror.example"


@pytest.fixture
def published(public, settings):
    settings.PUBLISHING_ENABLED = False
    settings.SITE_URL = "https://news.example"
    make_article(make_section("News"), "Cranes fall silent")
    make_article(make_section("Новости", slug="novosti", home=translate_home("ru")), "Краны остановились", slug="krany")
    rebuild_site()
    return public


def soup_of(path):
    return BeautifulSoup(Path(path).read_text(encoding="utf-8"), "html.parser")


def test_a_mirror_of_the_russian_edition_holds_it_alone_with_a_front_door(published, tmp_path):
    out = StringIO()
    call_command("mirror", "build", str(tmp_path / "ru"), "--base-url", MIRROR, "--edition", "ru", stdout=out)
    mirror = tmp_path / "ru"
    assert (mirror / "ru/novosti/krany/index.html").is_file()
    assert not (mirror / "news").exists() and not (mirror / "rss.xml").exists()
    assert (mirror / "robots.txt").is_file()
    # The root leads to the edition it holds.
    door = soup_of(mirror / "index.html")
    assert door.find("a")["href"] == "ru/index.html" and door.find("a").get_text() == "Русский"
    # Nothing links to a page the mirror doesn't have.
    article = soup_of(mirror / "ru/novosti/krany/index.html")
    for link in article.find_all(["a", "link"], href=True):
        if link.get("rel") == ["canonical"] or link["href"].startswith(("http", "#", "mailto:", "data:")):
            continue
        target = (mirror / "ru/novosti/krany" / link["href"].split("#")[0].split("?")[0]).resolve()
        assert target.is_file(), link


def test_a_mirror_of_the_first_edition_drops_the_russian_pages_and_links_to_them(published, tmp_path):
    build_mirror(tmp_path / "en", MIRROR, languages=["en-gb"])
    mirror = tmp_path / "en"
    assert (mirror / "news/cranes-fall-silent/index.html").is_file()
    assert not (mirror / "ru").exists()
    robots = (mirror / "robots.txt").read_text()
    assert "/ru/" not in robots
    for path in mirror.rglob("*.html"):
        assert 'href="ru/' not in path.read_text() and "/ru/" not in path.read_text().replace("https://news.example/ru/", ""), path


def test_a_mirror_of_every_edition_is_the_default(published, tmp_path):
    build_mirror(tmp_path / "all", MIRROR)
    assert (tmp_path / "all/ru/novosti/krany/index.html").is_file()
    assert (tmp_path / "all/news/cranes-fall-silent/index.html").is_file()


def test_an_edition_the_site_does_not_have_is_a_clear_error(published, tmp_path):
    with pytest.raises(CommandError, match="No edition fr: the editions are en-gb, ru"):
        call_command("mirror", "build", str(tmp_path / "x"), "--base-url", MIRROR, "--edition", "fr")
