"""The newsletter's public addresses, for the static publisher (registered in wagtail_hooks.py):
all of them for a full rebuild, and the sample previews a story is shown on."""

from samizdat.core.editions import open_languages
from samizdat.news.models import ArticlePage

from .addresses import address
from .models import Edition, Newsletter
from .rendering import SAMPLE_SIZE, newest_articles


def newsletter_public_urls():
    languages = open_languages()
    urls = [address(language, "index") for language in languages]
    for newsletter in Newsletter.objects.filter(locale__language_code__in=languages):
        urls += newsletter.public_urls()
    sent = Edition.objects.filter(status=Edition.SENT, newsletter__locale__language_code__in=languages)
    for edition in sent.select_related("newsletter").order_by("-sent_at"):
        urls += edition.public_urls()
    return urls


def sample_previews(article):
    """Before its first send a newsletter's Preview is a sample of the newest stories: a story
    published, edited or taken down among them changes it."""
    if not isinstance(article, ArticlePage):
        return []
    newsletters = Newsletter.objects.exclude(editions__status=Edition.SENT).filter(locale_id=article.locale_id)
    urls = []
    for newsletter in newsletters:
        newest = set(newest_articles(newsletter).values_list("pk", flat=True)[:SAMPLE_SIZE])
        if not article.live or article.pk in newest:
            urls.append(newsletter.preview_url())
    return urls
