"""WordPress exports the tests write themselves, in the shape WordPress 6 writes them."""

from html import escape
from pathlib import Path

from PIL import Image as PILImage

SITE = "https://old.example.org"


def cdata(text):
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def author(login, display_name, email=""):
    return (
        f"<wp:author><wp:author_id>1</wp:author_id><wp:author_login>{cdata(login)}</wp:author_login>"
        f"<wp:author_email>{cdata(email or login + '@old.example.org')}</wp:author_email>"
        f"<wp:author_display_name>{cdata(display_name)}</wp:author_display_name></wp:author>"
    )


def category(slug, name, parent=""):
    return (
        f"<wp:category><wp:category_nicename>{cdata(slug)}</wp:category_nicename>"
        f"<wp:category_parent>{cdata(parent)}</wp:category_parent><wp:cat_name>{cdata(name)}</wp:cat_name></wp:category>"
    )


def tag(slug, name):
    return f"<wp:tag><wp:tag_slug>{cdata(slug)}</wp:tag_slug><wp:tag_name>{cdata(name)}</wp:tag_name></wp:tag>"


def item(
    post_id,
    title="A post",
    *,
    content="",
    excerpt="",
    status="publish",
    post_type="post",
    name=None,
    date_gmt="2024-03-05 09:30:00",
    creator="irina",
    categories=(),
    tags=(),
    password="",
    sticky=False,
    meta=None,
    comments=(),
    attachment_url="",
):
    slug = name if name is not None else f"post-{post_id}"
    terms = "".join(
        f'<category domain="category" nicename="{escape(s)}">{cdata(n)}</category>' for s, n in categories
    ) + "".join(f'<category domain="post_tag" nicename="{escape(s)}">{cdata(n)}</category>' for s, n in tags)
    postmeta = "".join(
        f"<wp:postmeta><wp:meta_key>{cdata(k)}</wp:meta_key><wp:meta_value>{cdata(v)}</wp:meta_value></wp:postmeta>"
        for k, v in (meta or {}).items()
    )
    comment_xml = "".join(
        f"<wp:comment><wp:comment_id>{n}</wp:comment_id><wp:comment_author_email>reader{n}@example.org</wp:comment_author_email>"
        f"<wp:comment_content>{cdata('Nice')}</wp:comment_content><wp:comment_type>{cdata(kind)}</wp:comment_type></wp:comment>"
        for n, kind in enumerate(comments, start=1)
    )
    return f"""
  <item>
    <title>{escape(title)}</title>
    <link>{SITE}/{date_gmt[:4]}/{date_gmt[5:7]}/{slug}/</link>
    <dc:creator>{cdata(creator)}</dc:creator>
    <guid isPermaLink="false">{SITE}/?p={post_id}</guid>
    <content:encoded>{cdata(content)}</content:encoded>
    <excerpt:encoded>{cdata(excerpt)}</excerpt:encoded>
    <wp:post_id>{post_id}</wp:post_id>
    <wp:post_date>{cdata(date_gmt)}</wp:post_date>
    <wp:post_date_gmt>{cdata(date_gmt)}</wp:post_date_gmt>
    <wp:post_name>{cdata(slug)}</wp:post_name>
    <wp:status>{cdata(status)}</wp:status>
    <wp:post_parent>0</wp:post_parent>
    <wp:post_type>{cdata(post_type)}</wp:post_type>
    <wp:post_password>{cdata(password)}</wp:post_password>
    <wp:is_sticky>{1 if sticky else 0}</wp:is_sticky>
    {f"<wp:attachment_url>{cdata(attachment_url)}</wp:attachment_url>" if attachment_url else ""}
    {terms}{postmeta}{comment_xml}
  </item>"""


def attachment(post_id, path, caption="", credit=""):
    return item(
        post_id,
        title=Path(path).stem,
        excerpt=caption,
        status="inherit",
        post_type="attachment",
        attachment_url=f"{SITE}/wp-content/uploads/{path}",
        meta={"_media_credit": credit} if credit else None,
    )


def export(*parts, version="1.2", scheme="http"):
    head = "".join(p for p in parts if not p.lstrip().startswith("<item>"))
    items = "".join(p for p in parts if p.lstrip().startswith("<item>"))
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
  xmlns:excerpt="{scheme}://wordpress.org/export/{version}/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:wfw="http://wellformedweb.org/CommentAPI/"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="{scheme}://wordpress.org/export/{version}/">
<channel>
  <title>The Lindenport Courier</title>
  <link>{SITE}</link>
  <wp:wxr_version>{version}</wp:wxr_version>
  <wp:base_site_url>{SITE}</wp:base_site_url>
  {head}
  {items}
</channel>
</rss>
"""


def write_export(folder, *parts, **options):
    path = Path(folder) / "export.xml"
    path.write_text(export(*parts, **options), encoding="utf-8")
    return path


def upload(media, path, colour=(200, 80, 40)):
    file = Path(media) / path
    file.parent.mkdir(parents=True, exist_ok=True)
    PILImage.new("RGB", (640, 360), colour).save(file, "JPEG")
    return file
