"""`samizdat import wordpress EXPORT.xml`: a WordPress site's archive becomes samizdat's articles."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from taggit.models import Tag
from wagtail.images.models import Image
from wagtail.models import PageViewRestriction

from samizdat.core.models import StandardPage
from samizdat.migrating.models import ImportedItem
from samizdat.news.models import ArticlePage, Author, HomePage, SectionPage
from tests.factories import make_section

from .wxr import attachment, author, category, item, tag, upload, write_export

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_index_not_kept")]


def run(export, *options):
    out = StringIO()
    try:
        call_command("import_wordpress", str(export), "--no-progress", *options, stdout=out)
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


def test_published_post_becomes_a_live_article_with_its_original_date_section_tags_and_author(tmp_path):
    make_section("News")
    export = write_export(
        tmp_path,
        author("irina", "Irina Volkova", email="irina@private.example"),
        category("local-news", "Local news"),
        category("weather", "Weather"),
        tag("harbour", "Harbour"),
        item(
            7,
            "Water prices rise",
            name="water-prices-rise",
            content="The utility raised prices.\n\nResidents were not asked.",
            excerpt="<p>The city utility says the increase covers <em>pipe</em> repairs.</p>",
            categories=[("local-news", "Local news"), ("weather", "Weather")],
            tags=[("harbour", "Harbour")],
        ),
    )
    output, error = run(export, "--sections", "local-news=News")
    assert error is None, output
    article = ArticlePage.objects.get(slug="water-prices-rise")
    assert article.live and article.get_parent().title == "News"
    assert article.published_at == datetime(2024, 3, 5, 9, 30, tzinfo=UTC)
    assert article.standfirst == "The city utility says the increase covers pipe repairs."
    assert sorted(t.name for t in article.tags.all()) == ["Harbour", "Weather"]
    assert [a.author.name for a in article.article_authors.all()] == ["Irina Volkova"]
    assert [b.block_type for b in article.body] == ["paragraph"]
    assert "Residents were not asked." in str(article.body[0].value)
    assert 'post 7 "Water prices rise": created' in output
    assert 'category "Local news" -> section "News"' in output
    assert 'category "Weather" -> tag' in output
    assert "private.example" not in output


def test_login_email_never_reaches_the_article_page(client, tmp_path):
    export = write_export(
        tmp_path,
        author("reporter@private.example", ""),
        item(1, "Ferry timetable", name="ferry", creator="reporter@private.example"),
    )
    run(export)
    article = ArticlePage.objects.get(slug="ferry")
    page = client.get(article.url)
    assert page.status_code == 200
    assert "private.example" not in page.content.decode()
    assert not Author.objects.filter(name__contains="@").exists()


def test_rerunning_the_import_reports_unchanged_and_makes_nothing_twice(tmp_path):
    export = write_export(
        tmp_path,
        author("irina", "Irina Volkova"),
        item(1, "First", name="first", tags=[("ferry", "Ferry")]),
        item(2, "About us", name="about", post_type="page", content="We report."),
    )
    run(export)
    output, error = run(export)
    assert error is None
    assert 'post 1 "First": unchanged' in output
    assert 'page 2 "About us": unchanged' in output
    assert ArticlePage.objects.count() == 1
    assert StandardPage.objects.count() == 1
    assert Author.objects.count() == 1
    assert ImportedItem.objects.filter(kind="post").count() == 1


def test_a_post_renamed_in_wordpress_is_updated_in_place_not_duplicated(tmp_path):
    run(write_export(tmp_path, item(1, "First", name="first")))
    output, _ = run(write_export(tmp_path, item(1, "First, corrected", name="first-corrected")))
    assert 'post 1 "First, corrected": updated' in output
    assert list(ArticlePage.objects.values_list("slug", flat=True)) == ["first-corrected"]


def test_statuses_map_to_draft_scheduled_and_private(tmp_path):
    future = (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%d %H:%M:%S")
    export = write_export(
        tmp_path,
        item(1, "A draft", name="a-draft", status="draft", date_gmt="0000-00-00 00:00:00"),
        item(2, "Pending", name="pending", status="pending"),
        item(3, "Tomorrow's story", name="tomorrow", status="future", date_gmt=future),
        item(4, "Staff only", name="staff-only", status="private"),
        item(5, "Members only", name="members-only", password="open sesame"),
        item(6, "Autosave", status="auto-draft"),
        item(7, "Binned", status="trash"),
    )
    output, error = run(export)
    assert error is None, output
    pages = {page.slug: page for page in ArticlePage.objects.all()}
    assert not pages["a-draft"].live and not pages["pending"].live
    assert not pages["tomorrow"].live and pages["tomorrow"].scheduled_revision is not None
    assert PageViewRestriction.objects.get(page=pages["staff-only"]).restriction_type == "login"
    members = PageViewRestriction.objects.get(page=pages["members-only"])
    assert (members.restriction_type, members.password) == ("password", "open sesame")
    assert "post 6: skipped" in output and "post 7: skipped" in output


def test_password_protected_post_is_not_shown_to_readers(client, tmp_path):
    run(write_export(tmp_path, item(5, "Members only", name="members-only", password="s3cret", content="Hidden words")))
    article = ArticlePage.objects.get(slug="members-only")
    page = client.get(article.url)
    assert "Hidden words" not in page.content.decode()


def test_post_without_title_without_content_and_with_html_in_title(tmp_path):
    export = write_export(
        tmp_path,
        author("irina", "Irina Volkova"),
        item(1, "", name="", content="Words without a headline."),
        item(2, "Nothing to say", name="nothing"),
        item(3, "Breaking: <em>big</em> &amp; bold", name="breaking"),
    )
    output, error = run(export)
    assert error is None, output
    assert ArticlePage.objects.get(slug="post-1").title == "Untitled (WordPress post 1)"
    assert "no title in the export" in output
    assert len(ArticlePage.objects.get(slug="nothing").body) == 0
    assert 'post 2 "Nothing to say": created (no content)' in output
    assert ArticlePage.objects.get(slug="breaking").title == "Breaking: big & bold"


def test_greek_and_cyrillic_tags_keep_working_addresses(client, tmp_path):
    export = write_export(
        tmp_path,
        tag("%ce%b5%ce%bb%ce%bb%ce%ac%ce%b4%ce%b1", "Ελλάδα"),
        item(1, "Ferry", name="ferry", tags=[("%ce%b5%ce%bb%ce%bb%ce%ac%ce%b4%ce%b1", "Ελλάδα"), ("новости", "Новости")]),
    )
    run(export)
    for name in ("Ελλάδα", "Новости"):
        slug = Tag.objects.get(name=name).slug
        assert slug and slug.isalpha()
        assert client.get(f"/tags/{slug}/").status_code == 200
    assert ImportedItem.objects.get(kind="tag", original_id="ελλάδα").old_addresses == ["/tag/ελλάδα/"]
    # named by the post only, not declared in the export's channel: recorded all the same
    assert ImportedItem.objects.get(kind="tag", original_id="новости").old_addresses == ["/tag/новости/"]


def test_author_referenced_but_not_declared_is_reported_and_bylined_by_login(tmp_path):
    output, error = run(write_export(tmp_path, item(1, "Ferry", name="ferry", creator="ghostwriter")))
    assert error is None
    assert "its author is not declared in the export" in output
    assert [a.author.name for a in ArticlePage.objects.get().article_authors.all()] == ["ghostwriter"]


def test_featured_image_with_caption_and_credit_becomes_the_lead_image(tmp_path):
    media = tmp_path / "uploads"
    upload(media, "2024/03/harbour.jpg")
    export = write_export(
        tmp_path,
        attachment(30, "2024/03/harbour.jpg", caption="The harbour at dawn.", credit="Anna Lind"),
        item(1, "Harbour", name="harbour", meta={"_thumbnail_id": "30"}),
    )
    run(export, "--media", str(media))
    article = ArticlePage.objects.get()
    assert article.lead_image is not None
    assert (article.lead_image_caption, article.lead_image_credit) == ("The harbour at dawn.", "Anna Lind")


def test_a_missing_image_is_reported_for_its_post_and_the_rest_is_imported(tmp_path):
    media = tmp_path / "uploads"
    upload(media, "2024/03/present.jpg")
    export = write_export(
        tmp_path,
        item(1, "Broken picture", name="broken", content='Before.\n\n<img src="https://old.example.org/wp-content/uploads/2024/03/gone.jpg" alt="">\n\nAfter.'),
        item(2, "Fine picture", name="fine", content='<img src="https://old.example.org/wp-content/uploads/2024/03/present.jpg" alt="A boat">'),
    )
    output, error = run(export, "--media", str(media))
    assert error is None, output
    assert 'image "2024/03/gone.jpg" is not in the media folder; left out' in output
    broken = ArticlePage.objects.get(slug="broken")
    assert [b.block_type for b in broken.body] == ["paragraph", "paragraph"]
    fine = ArticlePage.objects.get(slug="fine")
    assert fine.body[0].block_type == "image" and fine.body[0].value["alt"] == "A boat"
    assert Image.objects.count() == 1


GUTENBERG = """<!-- wp:paragraph -->
<p>The council met on <strong>Tuesday</strong>.</p>
<!-- /wp:paragraph -->

<!-- wp:heading -->
<h2 class="wp-block-heading">What was said</h2>
<!-- /wp:heading -->

<!-- wp:list -->
<ul><!-- wp:list-item --><li>Prices rise</li><!-- /wp:list-item --></ul>
<!-- /wp:list -->

<!-- wp:quote -->
<blockquote class="wp-block-quote"><!-- wp:paragraph -->
<p>We were not asked.</p>
<!-- /wp:paragraph --><cite>Marta Koenig</cite></blockquote>
<!-- /wp:quote -->

<!-- wp:pullquote -->
<figure class="wp-block-pullquote"><blockquote><p>Nobody asked us.</p><cite>A resident</cite></blockquote></figure>
<!-- /wp:pullquote -->

<!-- wp:image {"id":30} -->
<figure class="wp-block-image"><img src="https://old.example.org/wp-content/uploads/2024/03/pipes.jpg" alt="Old pipes"/><figcaption>Pipes awaiting repair.</figcaption></figure>
<!-- /wp:image -->

<!-- wp:gallery -->
<figure class="wp-block-gallery"><!-- wp:image --><figure class="wp-block-image"><img src="https://old.example.org/wp-content/uploads/2024/03/a.jpg" alt=""/></figure><!-- /wp:image -->
<!-- wp:image --><figure class="wp-block-image"><img src="https://old.example.org/wp-content/uploads/2024/03/b.jpg" alt=""/></figure><!-- /wp:image --></figure>
<!-- /wp:gallery -->

<!-- wp:table -->
<figure class="wp-block-table"><table><tbody><tr><td>Year</td><td>Price</td></tr><tr><td>2024</td><td>1.20</td></tr></tbody></table></figure>
<!-- /wp:table -->

<!-- wp:embed {"url":"https://www.youtube.com/watch?v=abc","type":"video"} -->
<figure class="wp-block-embed"><div class="wp-block-embed__wrapper">
https://www.youtube.com/watch?v=abc
</div></figure>
<!-- /wp:embed -->

<!-- wp:jetpack/map {"points":[]} -->
<div class="wp-block-jetpack-map">Harbour map</div>
<!-- /wp:jetpack/map -->"""


def test_gutenberg_blocks_become_body_blocks_and_unknown_ones_are_kept_as_text(tmp_path):
    media = tmp_path / "uploads"
    for name, colour in (("pipes", (1, 2, 3)), ("a", (4, 5, 6)), ("b", (7, 8, 9))):
        upload(media, f"2024/03/{name}.jpg", colour)
    output, error = run(write_export(tmp_path, item(1, "Council", name="council", content=GUTENBERG)), "--media", str(media))
    assert error is None, output
    body = ArticlePage.objects.get().body
    assert [b.block_type for b in body] == [
        "paragraph", "heading", "paragraph", "quote", "pull_quote", "image", "image", "image",
        "paragraph", "embed", "paragraph",
    ]  # fmt: skip
    assert body[1].value == "What was said"
    assert "<li>Prices rise</li>" in str(body[2].value)
    assert (body[3].value["text"], body[3].value["attribution"]) == ("We were not asked.", "Marta Koenig")
    assert body[4].value["text"] == "Nobody asked us."
    assert (body[5].value["alt"], body[5].value["caption"]) == ("Old pipes", "Pipes awaiting repair.")
    assert "2024 | 1.20" in str(body[8].value)
    assert body[9].value["url"] == "https://www.youtube.com/watch?v=abc"
    assert "Harbour map" in str(body[10].value)
    assert "kept as text: <!-- wp:jetpack/map -->" in output


def test_classic_caption_shortcode_becomes_an_image_and_unknown_shortcodes_stay_as_text(tmp_path):
    media = tmp_path / "uploads"
    upload(media, "2020/01/boat.jpg")
    content = (
        "First paragraph\nwith a line break.\n\n"
        '[caption id="attachment_5" align="alignnone" width="640"]<a href="https://old.example.org/wp-content/uploads/2020/01/boat.jpg">'
        '<img class="size-full" src="https://old.example.org/wp-content/uploads/2020/01/boat.jpg" alt="A boat" /></a> The ferry in winter.[/caption]\n\n'
        "[contact-form-7 id=\"3\"]\n\nhttps://vimeo.com/12345"
    )
    output, error = run(write_export(tmp_path, item(1, "Ferry", name="ferry", content=content)), "--media", str(media))
    assert error is None, output
    body = ArticlePage.objects.get().body
    assert [b.block_type for b in body] == ["paragraph", "image", "paragraph", "embed"]
    assert "with a line break" in str(body[0].value) and "<br" in str(body[0].value)
    assert (body[1].value["alt"], body[1].value["caption"]) == ("A boat", "The ferry in winter.")
    assert "[contact-form-7" in str(body[2].value)
    assert "kept as text: [contact-form-7]" in output


def test_pages_become_plain_pages_and_comments_are_counted_not_imported(client, tmp_path):
    export = write_export(
        tmp_path,
        item(2, "About us", name="about", post_type="page", content="We are a newsroom.", comments=["comment"]),
        item(3, "Ferry", name="ferry", comments=["comment", "comment", "pingback"]),
    )
    output, _ = run(export)
    about = StandardPage.objects.get(slug="about")
    assert about.live and "We are a newsroom." in about.body
    assert client.get(about.url).status_code == 200
    assert "3 comment(s), 1 pingback(s)" in output


def test_sticky_post_leads_the_front_page(tmp_path):
    run(write_export(tmp_path, item(1, "Old news", name="old"), item(2, "The big story", name="big", sticky=True)))
    assert HomePage.objects.get().lead_article.slug == "big"


def test_dry_run_reports_the_mapping_and_writes_nothing(tmp_path):
    export = write_export(
        tmp_path,
        author("irina", "Irina Volkova"),
        category("news", "News"),
        item(1, "Ferry", name="ferry", categories=[("news", "News")]),
    )
    output, error = run(export, "--dry-run", "--sections", "news=News")
    assert error is None
    assert 'author "Irina Volkova" -> Author' in output
    assert 'category "News" -> section "News"' in output
    assert 'post 1 "Ferry": would be created' in output
    assert not ArticlePage.objects.exists() and not SectionPage.objects.exists() and not Author.objects.exists()
    assert not ImportedItem.objects.exists()


def test_old_addresses_are_recorded_for_next_redirects(tmp_path):
    export = write_export(
        tmp_path,
        author("irina", "Irina Volkova"),
        category("world", "World"),
        category("europe", "Europe", parent="world"),
        item(12, "Ferry", name="ferry", categories=[("europe", "Europe")]),
    )
    run(export)
    post = ImportedItem.objects.get(kind="post")
    assert post.old_addresses == ["/2024/03/ferry/", "/?p=12"]
    assert post.page.specific == ArticlePage.objects.get()
    assert ImportedItem.objects.get(kind="category", original_id="europe").old_addresses == ["/category/world/europe/"]
    assert ImportedItem.objects.get(kind="author").old_addresses == ["/author/irina/"]


@pytest.mark.parametrize(("version", "scheme"), [("1.1", "http"), ("1.2", "http"), ("1.2", "https")])
def test_both_namespace_forms_and_wxr_versions_are_read(tmp_path, version, scheme):
    output, error = run(write_export(tmp_path, item(1, "Ferry", name="ferry"), version=version, scheme=scheme))
    assert error is None, output
    assert ArticlePage.objects.get().title == "Ferry"


def test_a_refused_post_gives_exit_code_one_and_the_others_are_imported(tmp_path):
    make_section("Ferry")  # a section already has the address /ferry/ a plain page would take
    output, error = run(write_export(tmp_path, item(1, "Ferry", name="ferry", post_type="page"), item(2, "Fine", name="fine")))
    assert error is not None and error.returncode == 1
    assert 'page 1 "Ferry": refused' in output
    assert ArticlePage.objects.filter(slug="fine").exists()


def test_an_embed_that_is_not_a_web_address_is_left_out_and_reported(tmp_path):
    content = '<!-- wp:embed {"url":"javascript:alert(1)"} -->\n<figure class="wp-block-embed"></figure>\n<!-- /wp:embed -->'
    output, error = run(write_export(tmp_path, author("irina", "Irina Volkova"), item(1, "Ferry", name="ferry", content=content)))
    assert error is None
    assert len(ArticlePage.objects.get().body) == 0
    assert "is not a web address; left out" in output
