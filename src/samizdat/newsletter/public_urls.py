"""The newsletter's public addresses, for a full rebuild of the static site (PUBLISHED_URL_SOURCES)."""

from .models import Edition, Newsletter


def newsletter_public_urls():
    urls = ["/newsletter/"]
    for newsletter in Newsletter.objects.all():
        urls += newsletter.public_urls()
    for edition in Edition.objects.filter(status=Edition.SENT).select_related("newsletter").order_by("-sent_at"):
        urls += edition.public_urls()
    return urls
