"""`samizdat mirror build` and `verify`: a copy of the public site anyone can host, checked by hash."""

import json
import subprocess
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.core.management.base import CommandError

from samizdat.publishing.mirror import MANIFEST, MirrorError, build_mirror, verify_mirror
from samizdat.publishing.rebuild import rebuild_site
from tests.factories import make_article, make_author, make_image, make_section

pytestmark = pytest.mark.django_db

MIRROR = "https://mirror.example"


@pytest.fixture
def published(public, settings):
    settings.PUBLISHING_ENABLED = False
    settings.SITE_URL = "https://news.example"
    news = make_section("News")
    make_article(news, "Harbour cranes fall silent", tags=["port"], authors=[make_author("Irina Volkova")],
                 image=make_image("Cranes"), lead_image_credit="Port Authority")
    make_article(news, "Ferry returns", tags=["port"], minutes_ago=120)
    rebuild_site()
    return public


def soup_of(path):
    return BeautifulSoup(Path(path).read_text(encoding="utf-8"), "html.parser")


def test_a_mirror_links_between_its_own_pages_and_keeps_canonical_on_the_main_site(published, tmp_path):
    report = build_mirror(tmp_path / "mirror", MIRROR)
    mirror = tmp_path / "mirror"
    article = soup_of(mirror / "news/harbour-cranes-fall-silent/index.html")
    assert article.find("link", rel="canonical")["href"] == "https://news.example/news/harbour-cranes-fall-silent/"
    links = {a["href"] for a in article.find_all("a", href=True)}
    assert "../../index.html" in links  # the front page, relative and explicit
    assert "../../authors/irina-volkova/index.html" in links
    assert not any(link.startswith("/") for link in links), links
    picture = article.select_one("figure.lead-image img")
    assert picture["src"].startswith("../../media/images/")
    assert (mirror / "news/harbour-cranes-fall-silent" / picture["src"]).resolve().is_file()
    stylesheet = article.find("link", rel="stylesheet")["href"]
    assert (mirror / "news/harbour-cranes-fall-silent" / stylesheet).resolve().is_file()
    assert report.pages > 10 and not report.missing_assets


def test_a_mirrors_feeds_and_sitemaps_carry_its_own_address(published, tmp_path):
    build_mirror(tmp_path / "mirror", MIRROR)
    feed = (tmp_path / "mirror/rss.xml").read_text()
    assert f"{MIRROR}/news/harbour-cranes-fall-silent/" in feed
    assert "https://news.example/news/" not in feed
    assert f"{MIRROR}/sitemap-articles.xml" in (tmp_path / "mirror/sitemap.xml").read_text()
    assert f"Sitemap: {MIRROR}/sitemap.xml" in (tmp_path / "mirror/robots.txt").read_text()


def links_to(site, folder):
    """Every place a file of `folder` names `site`'s host, canonical links apart: attributes of
    every HTML element, structured data, and every text and attribute of the XML files."""
    host = urlsplit(site).netloc
    found = []
    for path in sorted(Path(folder).rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.suffix == ".html":
            for tag in soup_of(path).find_all(True):
                if tag.name == "link" and "canonical" in tag.get("rel", []):
                    continue
                values = [" ".join(v) if isinstance(v, list) else v for v in tag.attrs.values()]
                if tag.name == "script":
                    values.append(tag.string or "")
                found += [f"{name}: <{tag.name}> {value[:100]}" for value in values if host in value]
        elif path.suffix == ".xml":
            for element in ElementTree.parse(path).iter():
                values = [element.text or "", *element.attrib.values()]
                found += [f"{name}: <{element.tag}> {value[:100]}" for value in values if host in value]
        elif path.suffix == ".txt" and host in path.read_text(encoding="utf-8"):
            found.append(name)
    return found


def test_nothing_in_a_mirror_leads_back_to_the_main_site_but_its_canonical_links(published, tmp_path, settings):
    """A reader who can't reach the main site must not be sent there: not by the masthead, a form,
    a link preview, structured data, a feed or a sitemap. Built from a shell whose SITE_URL is not
    the one the site was published with, as `samizdat mirror build` often is."""
    settings.MIRROR_URLS = [MIRROR]
    rebuild_site()
    settings.SITE_URL = "http://127.0.0.1:8000"
    mirror = tmp_path / "mirror"
    build_mirror(mirror, MIRROR)
    assert links_to("https://news.example", mirror) == []
    assert links_to("http://127.0.0.1:8000", mirror) == []
    article = soup_of(mirror / "news/harbour-cranes-fall-silent/index.html")
    assert article.find("link", rel="canonical")["href"] == "https://news.example/news/harbour-cranes-fall-silent/"
    assert article.find("meta", property="og:url")["content"] == f"{MIRROR}/news/harbour-cranes-fall-silent/"
    assert article.find("meta", property="og:image")["content"].startswith(f"{MIRROR}/media/images/")
    data = json.loads(article.find("script", type="application/ld+json").string)
    assert data["url"] == f"{MIRROR}/news/harbour-cranes-fall-silent/"
    assert data["publisher"]["url"] == f"{MIRROR}/"
    assert article.find("a", class_="site-name")["href"] == "../../index.html"


def test_forms_on_a_mirror_without_the_app_are_switched_off_and_say_so(published, tmp_path):
    build_mirror(tmp_path / "mirror", MIRROR)
    form = soup_of(tmp_path / "mirror/index.html").find("form", role="search")
    assert not form.has_attr("action")
    assert form.find("fieldset").has_attr("disabled")
    assert "works only on the newsroom's own site" in form.get_text()
    assert form.find("a") is None


def test_forms_post_to_the_api_origin_when_one_is_given(published, tmp_path):
    build_mirror(tmp_path / "mirror", MIRROR, api_origin="https://api.example")
    form = soup_of(tmp_path / "mirror/index.html").find("form", role="search")
    assert form["action"] == "https://api.example/search/"
    assert "main site" not in form.get_text()


def mirror_policy(path):
    meta = soup_of(path).find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    return {part.split()[0]: part.split()[1:] for part in meta["content"].split(";") if part.strip()}


def test_a_mirrors_pages_carry_the_readers_policy_with_the_api_origin_allowed_for_their_forms(published, tmp_path):
    build_mirror(tmp_path / "mirror", MIRROR, api_origin="https://api.example")
    policy = mirror_policy(tmp_path / "mirror/news/harbour-cranes-fall-silent/index.html")
    assert policy["script-src"] == ["'self'"] and policy["default-src"] == ["'self'"]
    assert policy["form-action"] == ["'self'", "https://api.example"]
    assert policy["connect-src"] == ["'self'", "https://api.example"]  # the signup sent in place
    assert "frame-ancestors" not in policy  # browsers ignore it in <meta>, and complain


def test_a_mirror_without_the_app_allows_no_other_address(published, tmp_path):
    build_mirror(tmp_path / "mirror", MIRROR)
    policy = mirror_policy(tmp_path / "mirror/index.html")
    assert policy["form-action"] == ["'self'"] and policy["connect-src"] == ["'self'"]


def test_verify_names_missing_extra_and_changed_files(published, tmp_path):
    mirror = tmp_path / "mirror"
    build_mirror(mirror, MIRROR)
    assert verify_mirror(mirror).ok
    # The manifest is in the format sha256sum reads.
    assert subprocess.run(["sha256sum", "--quiet", "-c", MANIFEST], cwd=mirror).returncode == 0
    (mirror / "rss.xml").unlink()
    (mirror / "news/index.html").write_text("<h1>Defaced</h1>")
    (mirror / "planted.html").write_text("<script>evil()</script>")
    result = verify_mirror(mirror)
    assert result.missing == ["rss.xml"]
    assert result.changed == ["news/index.html"]
    assert result.extra == ["planted.html"]
    out = StringIO()
    with pytest.raises(CommandError, match="1 missing, 1 extra, 1 changed"):
        call_command("mirror", "verify", str(mirror), stdout=out)
    assert "changed: news/index.html" in out.getvalue()


def test_mirror_commands_refuse_bad_input_clearly(published, tmp_path):
    with pytest.raises(CommandError, match="--base-url must be an http"):
        call_command("mirror", "build", str(tmp_path / "m"), "--base-url", "mirror dot example")
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy/thesis.odt").write_text("not mine to delete")
    with pytest.raises(CommandError, match="not empty"):
        call_command("mirror", "build", str(tmp_path / "busy"), "--base-url", MIRROR)
    assert (tmp_path / "busy/thesis.odt").exists()
    with pytest.raises(CommandError, match="no MANIFEST"):
        call_command("mirror", "verify", str(tmp_path / "busy"))
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / MANIFEST).write_text("not a manifest line\n")
    with pytest.raises(MirrorError, match="line 1"):
        verify_mirror(tmp_path / "bad")


def test_rebuilding_a_mirror_replaces_it(published, tmp_path):
    mirror = tmp_path / "mirror"
    call_command("mirror", "build", str(mirror), "--base-url", MIRROR, stdout=StringIO())
    (mirror / "stale.html").write_text("old")
    call_command("mirror", "build", str(mirror), "--base-url", MIRROR, stdout=StringIO())
    assert not (mirror / "stale.html").exists()
    call_command("mirror", "verify", str(mirror), stdout=StringIO())


def test_nothing_published_yet_is_a_clear_error(public, tmp_path):
    with pytest.raises(MirrorError, match="publish --all"):
        build_mirror(tmp_path / "mirror", MIRROR)


def test_the_mirrors_page_lists_the_other_addresses_and_the_footer_links_it(client, settings):
    settings.MIRROR_URLS = ["https://mirror.example", "http://courierabcdefgh.onion"]
    page = BeautifulSoup(client.get("/mirrors/").content, "html.parser")
    assert [a["href"] for a in page.select(".mirror-list a")] == settings.MIRROR_URLS
    footer = BeautifulSoup(client.get("/search/").content, "html.parser").find("footer")
    assert footer.find("a", href="/mirrors/") is not None


def test_without_mirrors_the_page_says_so_and_the_footer_has_no_link(client, settings):
    settings.MIRROR_URLS = []
    assert "not listed any mirrors" in client.get("/mirrors/").content.decode()
    footer = BeautifulSoup(client.get("/search/").content, "html.parser").find("footer")
    assert footer.find("a", href="/mirrors/") is None
