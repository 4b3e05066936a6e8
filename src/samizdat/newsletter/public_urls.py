"""The newsletter's public addresses, for the static publisher: all of them for a full rebuild
(PUBLISHED_URL_SOURCES), and the sample previews a story is shown on (PUBLISHED_ARTICLE_LISTINGS)."""

from .models import Edition, Newsletter
from .rendering import SAMPLE_SIZE


def newsletter_public_urls():
    urls = ["/newsletter/"]
    for newsletter in Newsletter.objects.all():
        urls += newsletter.public_urls()
    for edition in Edition.objects.filter(status=Edition.SENT).select_related("newsletter").order_by("-sent_at"):
        urls += edition.public_urls()
    return urls


def sample_previews(article):
    """Before its first send a newsletter's Preview is a sample of the newest stories: a story
    published, edited or taken down among them changes it."""
    from samizdat.news.listing import published_articles

    newsletters = Newsletter.objects.exclude(editions__status=Edition.SENT)
    if not newsletters.exists():
        return []
    newest = set(published_articles().values_list("pk", flat=True)[:SAMPLE_SIZE])
    if article.live and article.pk not in newest:
        return []
    return [newsletter.preview_url() for newsletter in newsletters]
