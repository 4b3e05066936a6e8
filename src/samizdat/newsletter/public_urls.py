"""The newsletter's public addresses, for the static publisher (registered in wagtail_hooks.py):
all of them for a full rebuild, and the sample previews a story is shown on."""

from samizdat.news.listing import published_articles
from samizdat.news.models import ArticlePage

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
    if not isinstance(article, ArticlePage):
        return []
    newsletters = Newsletter.objects.exclude(editions__status=Edition.SENT)
    if not newsletters.exists():
        return []
    newest = set(published_articles().values_list("pk", flat=True)[:SAMPLE_SIZE])
    if article.live and article.pk not in newest:
        return []
    return [newsletter.preview_url() for newsletter in newsletters]
