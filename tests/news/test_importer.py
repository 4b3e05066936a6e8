"""`samizdat import markdown DIR`: Markdown files with front matter become articles."""

import os
import subprocess
import sys
from datetime import date, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from PIL import Image as PILImage
from taggit.models import Tag
from wagtail.images.models import Image

from samizdat.news.importing import import_directory
from samizdat.news.models import ArticlePage, Author, SectionPage
from tests.factories import make_author, make_section

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_index_not_kept")]

FULL_ARTICLE = """\
---
title: Water prices rise for the third time this year
slug: water-prices-rise-third-time
standfirst: The city utility says the increase covers pipe repairs; residents say they were not asked.
section: News
authors: [Irina Volkova, Tomas Brandt]
date: 2026-01-20T09:30:00+03:00
updated: 2026-01-20T14:05:00+03:00
dateline: Lindenport
tags: [utilities, city council, prices]
image: images/water-prices.jpg
image_caption: A repair crew on Harbour Street on Tuesday.
image_credit: Lindenport City Utility
credit_line: Northwind Wire contributed reporting to this article.
corrections:
  - date: 2026-01-21
    text: An earlier version of this article misstated the date of the council vote.
draft: false
---

The utility raised prices by **eight per cent**, its [statement](https://example.org/statement) said.

- Households pay more from March.
- Businesses from April.

## What the council said

> We were told the pipes would last another decade.
> — Marta Koenig, councillor

{{< pullquote >}}Nobody asked *us* what we could afford.{{< /pullquote >}}

{{< figure src="images/pipes.jpg" caption="Old pipes awaiting replacement." attr="Anna Lind" alt="Rusty pipes stacked on a pavement" >}}

https://example.org/council-meeting-recording

The vote is on Thursday.<script>alert("x")</script>
"""


def write(folder, name, text):
    path = Path(folder) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def picture(folder, name, colour=(200, 80, 40)):
    path = Path(folder) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    PILImage.new("RGB", (640, 360), colour).save(path, "JPEG")
    return path


def article(title="Ferry timetable changes", section="News", extra="", body="The ferry leaves earlier.\n"):
    return f"---\ntitle: {title}\nsection: {section}\ndate: 2026-01-10T08:00\n{extra}---\n\n{body}"


@pytest.fixture
def newsroom_files(tmp_path):
    folder = tmp_path / "import"
    write(folder, "water-prices.md", FULL_ARTICLE)
    picture(folder, "images/water-prices.jpg", (20, 90, 160))
    picture(folder, "images/pipes.jpg", (120, 60, 30))
    return folder


def statuses(report):
    return {result.name: result.status for result in report.results}


def test_every_field_of_a_full_article_lands_on_the_page(newsroom_files, client):
    report = import_directory(newsroom_files)

    assert statuses(report) == {"water-prices.md": "created"}
    page = ArticlePage.objects.get(slug="water-prices-rise-third-time")
    assert page.live and page.title == "Water prices rise for the third time this year"
    assert page.standfirst.startswith("The city utility says")
    assert page.section.title == "News"
    assert [author.name for author in page.authors] == ["Irina Volkova", "Tomas Brandt"]
    assert page.dateline == "Lindenport"
    assert page.published_at == timezone.datetime.fromisoformat("2026-01-20T09:30:00+03:00")
    assert page.updated_at == timezone.datetime.fromisoformat("2026-01-20T14:05:00+03:00")
    assert sorted(tag.name for tag in page.tags.all()) == ["city council", "prices", "utilities"]
    assert page.lead_image.width == 640
    assert page.lead_image_caption == "A repair crew on Harbour Street on Tuesday."
    assert page.lead_image_credit == "Lindenport City Utility"
    assert page.agency_credit == "Northwind Wire contributed reporting to this article."
    [correction] = page.corrections.all()
    assert correction.date == date(2026, 1, 21) and "misstated the date" in correction.text

    blocks = [(block.block_type, block.value) for block in page.body]
    assert [kind for kind, _ in blocks] == [
        "paragraph",
        "heading",
        "quote",
        "pull_quote",
        "image",
        "embed",
        "paragraph",
    ]
    first_paragraph = blocks[0][1].source
    assert "<strong>eight per cent</strong>" in first_paragraph
    assert '<a href="https://example.org/statement">statement</a>' in first_paragraph
    assert "<li>Businesses from April.</li>" in first_paragraph
    assert blocks[1][1] == "What the council said"
    assert blocks[2][1]["text"] == "We were told the pipes would last another decade."
    assert blocks[2][1]["attribution"] == "Marta Koenig, councillor"
    assert blocks[3][1]["text"] == "Nobody asked us what we could afford."
    figure = blocks[4][1]
    assert (figure["caption"], figure["credit"], figure["alt"]) == (
        "Old pipes awaiting replacement.",
        "Anna Lind",
        "Rusty pipes stacked on a pavement",
    )
    assert figure["image"].pk != page.lead_image.pk
    assert blocks[5][1]["url"] == "https://example.org/council-meeting-recording"
    assert "script" not in blocks[6][1].source and "The vote is on Thursday." in blocks[6][1].source

    html = client.get(page.url).content.decode()
    assert 'By <a rel="author" href="/authors/irina-volkova/">Irina Volkova</a> and' in html
    assert "Marta Koenig, councillor" in html and "Anna Lind" in html
    assert 'href="https://example.org/council-meeting-recording"' in html
    assert "alert(" not in html
    assert "Northwind Wire contributed reporting to this article." in html


def test_missing_section_is_created_published_and_in_the_menu(tmp_path, client):
    write(tmp_path, "review.md", article("A quiet triumph at the Opera", section="Arts & Life"))
    import_directory(tmp_path)
    section = SectionPage.objects.get(title="Arts & Life")
    assert section.live and section.show_in_menus and section.slug == "arts-and-life"
    assert client.get("/arts-and-life/a-quiet-triumph-at-the-opera/").status_code == 200
    assert 'href="/arts-and-life/"' in client.get("/").content.decode()


def test_existing_section_and_authors_are_reused_whatever_their_case(tmp_path):
    news = make_section("News")
    author = make_author("Irina Volkova", role="City reporter")
    write(tmp_path, "a.md", article(section="news", extra="authors: irina volkova\n"))
    import_directory(tmp_path)
    page = ArticlePage.objects.get()
    assert page.get_parent().pk == news.pk
    assert page.authors == [author] and Author.objects.count() == 1


def test_tags_may_be_a_comma_separated_string(tmp_path):
    write(tmp_path, "a.md", article(extra="tags: harbour, ferries ,  night services\n"))
    import_directory(tmp_path)
    assert sorted(t.name for t in ArticlePage.objects.get().tags.all()) == [
        "ferries",
        "harbour",
        "night services",
    ]


def test_a_bad_date_rejects_that_file_by_name_and_field_and_the_others_still_import(tmp_path):
    write(tmp_path, "bad-date.md", article("Council meets").replace("2026-01-10T08:00", '"31/02/2026"'))
    write(tmp_path, "good.md", article("Ferry timetable changes"))

    report = import_directory(tmp_path)

    assert [result.line() for result in report.results] == [
        'bad-date.md: rejected: date: "31/02/2026" is not a date (use 2026-11-20 or 2026-11-20T09:30)',
        "good.md: created",
    ]
    assert report.summary() == "1 created, 0 updated, 0 unchanged, 1 rejected"
    assert list(ArticlePage.objects.values_list("title", flat=True)) == ["Ferry timetable changes"]


def test_an_impossible_calendar_date_is_rejected_not_a_crash(tmp_path):
    write(tmp_path, "feb.md", article().replace("2026-01-10T08:00", "2026-02-31"))
    [result] = import_directory(tmp_path).results
    assert result.reason == 'date: "2026-02-31" is not a date (use 2026-11-20 or 2026-11-20T09:30)'


@pytest.mark.parametrize(
    ("front_matter", "reason"),
    [
        ("section: News\ndate: 2026-01-10\n", "title: is missing or empty"),
        ("title: '   '\nsection: News\ndate: 2026-01-10\n", "title: is missing or empty"),
        ("title: Harbour news\ndate: 2026-01-10\n", "section: is missing or empty"),
        ("title: Harbour news\nsection: News\n", "date: is missing (use 2026-11-20 or 2026-11-20T09:30)"),
        ("title: '???'\nsection: News\ndate: 2026-01-10\n", 'slug: the title "???" has no letters or digits'),
        ("title: [a, b]\nsection: News\ndate: 2026-01-10\n", "title: must be text, not a list"),
        ("title: T\nsection: News\ndate: 2026-01-10\ndraft: maybe\n", 'draft: "maybe" must be true or false'),
        (
            "title: T\nsection: News\ndate: 2026-01-10\nauthors: {name: x}\n",
            "authors: must be a list of names",
        ),
        ("title: T\nsection: News\ndate: 2026-01-10\ncorrections: fixed\n", "corrections: must be a list"),
        (
            "title: T\nsection: News\ndate: 2026-01-10\ncorrections:\n  - text: Fixed a name.\n",
            "corrections entry 1: has no date",
        ),
    ],
)
def test_missing_or_mistyped_fields_reject_the_file_with_the_reason(tmp_path, front_matter, reason):
    write(tmp_path, "story.md", f"---\n{front_matter}---\nBody.\n")
    [result] = import_directory(tmp_path).results
    assert result.status == "rejected"
    assert result.reason.startswith(reason)
    assert not ArticlePage.objects.exists()


def test_missing_lead_image_or_figure_image_is_rejected(tmp_path):
    write(tmp_path, "lead.md", article("Lead", extra="image: images/missing.jpg\n"))
    write(tmp_path, "figure.md", article("Figure", body='Intro.\n\n{{< figure src="nowhere.png" >}}\n'))
    figure, lead = import_directory(tmp_path).results
    assert lead.reason.startswith('image: "images/missing.jpg" not found (looked for ')
    assert figure.reason.startswith('body line 9, figure src: "nowhere.png" not found')
    assert not ArticlePage.objects.exists() and not Image.objects.exists()


def test_a_file_that_is_not_an_image_is_rejected(tmp_path):
    (tmp_path / "fake.jpg").write_text("not really a picture")
    write(tmp_path, "a.md", article(extra="image: fake.jpg\n"))
    [result] = import_directory(tmp_path).results
    assert result.reason == 'image: "fake.jpg" is not an image file that can be opened'


def test_image_paths_may_not_leave_the_import_folder(tmp_path):
    folder = tmp_path / "import"
    picture(tmp_path, "secret.jpg")
    write(folder, "escape.md", article("Escape", extra="image: ../secret.jpg\n"))
    write(folder, "deep.md", article("Deep", body='{{< figure src="../../../../etc/passwd" >}}\n'))
    deep, escape = import_directory(folder).results
    assert escape.reason == 'image: "../secret.jpg" is outside the import folder'
    assert deep.reason == 'body line 7, figure src: "../../../../etc/passwd" is outside the import folder'
    assert not Image.objects.exists()


def test_a_leading_slash_means_the_import_folder(tmp_path):
    picture(tmp_path, "static/harbour.jpg")
    write(tmp_path, "posts/a.md", article(extra="image: /static/harbour.jpg\n"))
    [result] = import_directory(tmp_path).results
    assert result.status == "created" and ArticlePage.objects.get().lead_image is not None


def test_two_files_with_one_slug_reject_the_second_naming_the_first(tmp_path):
    write(tmp_path, "a-first.md", article("Harbour reopens"))
    write(tmp_path, "b-second.md", article("Harbour Reopens!", section="Business"))
    first, second = import_directory(tmp_path).results
    assert first.status == "created"
    assert (
        second.line()
        == 'b-second.md: rejected: slug: "harbour-reopens" is also the slug of a-first.md in this import'
    )
    assert ArticlePage.objects.count() == 1


def test_reimport_updates_article_by_slug_without_duplicating(newsroom_files, client):
    import_directory(newsroom_files)
    page = ArticlePage.objects.get()
    url, pk = page.url, page.pk

    changed = FULL_ARTICLE.replace("for the third time this year", "again").replace(
        "[utilities, city council, prices]", "[utilities, City Council]"
    )
    write(newsroom_files, "water-prices.md", changed)
    report = import_directory(newsroom_files)

    assert statuses(report) == {"water-prices.md": "updated"}
    page = ArticlePage.objects.get()
    assert (page.pk, page.url) == (pk, url)
    assert page.title == "Water prices rise again"
    assert sorted(tag.name for tag in page.tags.all()) == ["city council", "utilities"]
    assert Author.objects.count() == 2 and Image.objects.count() == 2
    assert Tag.objects.filter(name__iexact="city council").count() == 1
    assert SectionPage.objects.count() == 1
    assert page.revisions.count() == 2  # the admin history shows both imports
    assert "Water prices rise again" in client.get(url).content.decode()


def test_reimporting_an_unchanged_file_changes_nothing(newsroom_files):
    import_directory(newsroom_files)
    page = ArticlePage.objects.get()
    report = import_directory(newsroom_files)
    assert [result.line() for result in report.results] == ["water-prices.md: unchanged"]
    assert page.revisions.count() == 1


def test_reimport_with_a_new_section_moves_the_article_and_the_old_address_redirects(tmp_path, client):
    write(tmp_path, "a.md", article("Shipyard hires", section="News"))
    import_directory(tmp_path)
    pk = ArticlePage.objects.get().pk
    write(tmp_path, "a.md", article("Shipyard hires", section="Business"))

    assert statuses(import_directory(tmp_path)) == {"a.md": "updated"}
    page = ArticlePage.objects.get()
    assert page.pk == pk and page.section.title == "Business"
    assert client.get("/business/shipyard-hires/").status_code == 200
    assert client.get("/news/shipyard-hires/").status_code == 301


def test_draft_is_saved_unpublished_and_invisible_to_readers(tmp_path, client):
    write(tmp_path, "draft.md", article("Secret budget leaked", extra="draft: true\n"))
    assert statuses(import_directory(tmp_path)) == {"draft.md": "created"}
    page = ArticlePage.objects.get()
    assert not page.live and page.revisions.count() == 1
    assert client.get("/news/secret-budget-leaked/").status_code == 404
    assert "Secret budget leaked" not in client.get("/").content.decode()
    assert "Secret budget leaked" not in client.get("/rss.xml").content.decode()


def test_marking_a_published_article_as_draft_takes_it_down(tmp_path, client):
    write(tmp_path, "a.md", article("Harbour reopens"))
    import_directory(tmp_path)
    write(tmp_path, "a.md", article("Harbour reopens", extra="draft: true\n"))
    assert statuses(import_directory(tmp_path)) == {"a.md": "updated"}
    assert client.get("/news/harbour-reopens/").status_code == 404


def test_future_date_is_scheduled_and_goes_live_when_publish_scheduled_runs(tmp_path, client):
    go_live = (timezone.now() + timedelta(hours=2)).replace(microsecond=0)
    text = article("Night ferry resumes").replace("2026-01-10T08:00", go_live.isoformat())
    write(tmp_path, "ferry.md", text)

    assert statuses(import_directory(tmp_path)) == {"ferry.md": "created"}
    page = ArticlePage.objects.get()
    assert not page.live and page.go_live_at == go_live
    assert page.scheduled_revision is not None
    assert client.get("/news/night-ferry-resumes/").status_code == 404
    assert "Night ferry resumes" not in client.get("/").content.decode()
    call_command("publish_scheduled")  # not due yet
    assert client.get("/news/night-ferry-resumes/").status_code == 404

    # Time passes: move the stored go-live moment into the past instead of waiting two hours.
    past = timezone.now() - timedelta(minutes=1)
    revision = page.scheduled_revision
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save()
    ArticlePage.objects.filter(pk=page.pk).update(go_live_at=past)
    call_command("publish_scheduled")

    assert client.get("/news/night-ferry-resumes/").status_code == 200
    assert "Night ferry resumes" in client.get("/").content.decode()


def test_a_scheduled_article_marked_draft_no_longer_goes_live(tmp_path, client):
    soon = (timezone.now() + timedelta(hours=1)).replace(microsecond=0).isoformat()
    write(tmp_path, "a.md", article("Embargoed report").replace("2026-01-10T08:00", soon))
    import_directory(tmp_path)
    write(
        tmp_path, "a.md", article("Embargoed report", extra="draft: true\n").replace("2026-01-10T08:00", soon)
    )
    assert statuses(import_directory(tmp_path)) == {"a.md": "updated"}

    page = ArticlePage.objects.get()
    assert page.scheduled_revision is None
    # Time passes: anything still scheduled is moved into the past, so publish_scheduled would take it.
    page.revisions.filter(approved_go_live_at__isnull=False).update(approved_go_live_at=timezone.now())
    call_command("publish_scheduled")
    assert client.get("/news/embargoed-report/").status_code == 404


def test_a_date_without_offset_is_in_the_newsrooms_time_zone(tmp_path, settings):
    settings.TIME_ZONE = "Europe/Berlin"
    write(tmp_path, "a.md", article())  # 2026-01-10T08:00, winter time in Berlin is UTC+1
    import_directory(tmp_path)
    assert ArticlePage.objects.get().published_at == timezone.datetime.fromisoformat(
        "2026-01-10T07:00:00+00:00"
    )


def test_malformed_yaml_is_rejected_with_its_line(tmp_path):
    write(
        tmp_path,
        "broken.md",
        "---\ntitle: Harbour\nsection: News\ntags: [port, ships\ndate: 2026-01-10\n---\nBody\n",
    )
    [result] = import_directory(tmp_path).results
    assert result.reason.startswith("front matter: is not valid YAML on line 5")


def test_a_file_without_front_matter_is_rejected(tmp_path):
    write(tmp_path, "notes.md", "# Just some notes\n")
    [result] = import_directory(tmp_path).results
    assert result.reason.startswith("front matter: the file must start with a line '---'")


def test_a_file_that_is_not_utf8_is_rejected(tmp_path):
    (tmp_path / "latin1.md").write_bytes(article("Café reopens").encode("latin-1"))
    [result] = import_directory(tmp_path).results
    assert result.reason == "file: is not UTF-8 text (byte 0xe9 on line 2); save it as UTF-8"


def test_unknown_shortcodes_and_inline_images_are_refused(tmp_path):
    picture(tmp_path, "p.jpg")
    write(tmp_path, "a.md", article("A", body="Intro.\n\n{{< youtube abc >}}\n"))
    write(tmp_path, "b.md", article("B", body="Text with ![a picture](p.jpg) inside.\n"))
    a, b = import_directory(tmp_path).results
    assert a.reason == 'body line 9: unknown shortcode "youtube"; use pullquote or figure'
    assert b.reason == 'body: the image "p.jpg" sits inside text; give it a paragraph of its own'


def test_a_markdown_image_alone_in_its_paragraph_becomes_an_image_block(tmp_path):
    picture(tmp_path, "p.jpg")
    write(tmp_path, "a.md", article(body='![Cranes at dusk](p.jpg "The port at night")\n'))
    import_directory(tmp_path)
    [block] = ArticlePage.objects.get().body
    assert block.block_type == "image"
    assert (block.value["alt"], block.value["caption"]) == ("Cranes at dusk", "The port at night")


def test_one_image_used_by_two_articles_is_stored_once(tmp_path):
    picture(tmp_path, "harbour.jpg")
    write(tmp_path, "a.md", article("A", extra="image: harbour.jpg\n"))
    write(tmp_path, "b.md", article("B", body='{{< figure src="harbour.jpg" caption="Harbour" >}}\n'))
    import_directory(tmp_path)
    assert Image.objects.count() == 1


def test_hidden_files_and_hugo_index_files_are_skipped(tmp_path):
    write(tmp_path, "_index.md", "---\ntitle: News\n---\n")
    write(tmp_path, ".drafts/a.md", article("Hidden"))
    write(tmp_path, "2026/01/story.md", article("Visible"))
    assert statuses(import_directory(tmp_path)) == {"2026/01/story.md": "created"}


def test_unknown_fields_are_reported_but_do_not_block_the_import(tmp_path):
    write(tmp_path, "a.md", article(extra="standfrist: Typo.\n"))
    [result] = import_directory(tmp_path).results
    assert result.line() == "a.md: created (ignored unknown fields: standfrist)"


def test_command_prints_a_line_per_file_and_a_summary(newsroom_files):
    out = StringIO()
    call_command("import_markdown", str(newsroom_files), stdout=out)
    assert out.getvalue().splitlines() == [
        "water-prices.md: created",
        "1 created, 0 updated, 0 unchanged, 0 rejected",
    ]


def test_command_fails_with_exit_code_1_when_a_file_is_rejected(tmp_path):
    write(tmp_path, "good.md", article("Good"))
    write(tmp_path, "bad.md", article("Bad").replace("section: News\n", ""))
    out = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_markdown", str(tmp_path), stdout=out)
    assert failure.value.returncode == 1
    assert out.getvalue().splitlines() == [
        "bad.md: rejected: section: is missing or empty",
        "good.md: created",
        "1 created, 0 updated, 0 unchanged, 1 rejected",
    ]


def test_command_refuses_a_folder_that_does_not_exist(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("import_markdown", str(tmp_path / "nowhere"))


@pytest.mark.own_sqlite_site
def test_samizdat_import_markdown_on_the_command_line(tmp_path, migrated_database):
    """The real command, in its own process and database, the way a newsroom runs it."""
    var = migrated_database.copy_to(tmp_path / "var")
    env = {**os.environ, "SAMIZDAT_VAR_DIR": str(var), "MEDIA_ROOT": str(tmp_path / "media")}
    env.pop("DATABASE_URL", None)
    samizdat = Path(sys.executable).parent / "samizdat"
    subprocess.run([samizdat, "migrate", "--noinput", "-v", "0"], env=env, check=True, capture_output=True)
    write(tmp_path / "in", "good.md", article("Good"))
    write(tmp_path / "in", "bad.md", article("Bad").replace("title: Bad\n", ""))

    run = subprocess.run(
        [samizdat, "import", "markdown", str(tmp_path / "in")], env=env, capture_output=True, text=True
    )

    assert run.returncode == 1
    assert "bad.md: rejected: title: is missing or empty" in run.stdout
    assert "good.md: created" in run.stdout
    assert "1 created, 0 updated, 0 unchanged, 1 rejected" in run.stdout
    assert "1 file(s) rejected" in run.stderr
