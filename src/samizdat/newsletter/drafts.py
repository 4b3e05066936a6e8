"""The weekly draft: when a new week starts, an edition pre-filled with the week's newest stories,
for the editors to curate (reorder, cut, add blurbs, write the intro)."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from .models import Edition, EditionArticle, Newsletter
from .rendering import newest_articles

DRAFT_ARTICLES = 8


def week_of(moment=None):
    """The Monday of the week `moment` falls in, in the newsroom's time zone."""
    day = timezone.localdate(moment or timezone.now())
    return day - timedelta(days=day.weekday())


def recent_articles(newsletter, now, limit=DRAFT_ARTICLES):
    """The newest stories since the last edition went out (at most a week back)."""
    since = now - timedelta(days=7)
    last = newsletter.editions.filter(status=Edition.SENT).order_by("-sent_at").values_list("sent_at", flat=True).first()
    if last and last > since:
        since = last
    return list(newest_articles(newsletter).filter(published_at__gt=since, published_at__lte=now)[:limit])


def ensure_weekly_drafts(now=None):
    """Make this week's draft for each weekly newsletter that has none. Returns the new drafts."""
    now = now or timezone.now()
    monday = week_of(now)
    made = []
    for newsletter in Newsletter.objects.filter(weekly=True):
        if newsletter.editions.filter(week_of=monday).exists():
            continue
        try:
            with transaction.atomic():
                made.append(weekly_draft(newsletter, monday, now))
        except IntegrityError:  # made at the same moment by another request or the worker
            continue
    return made


def weekly_draft(newsletter, monday, now):
    with translation.override(newsletter.language):  # the subject readers get, in their language
        subject = gettext("%(name)s: the week of %(date)s") % {
            "name": newsletter.name, "date": formats.date_format(monday, "DATE_FORMAT"),
        }
    edition = Edition.objects.create(newsletter=newsletter, week_of=monday, subject=subject, intro="")
    refill(edition, now)
    return edition


def refill(edition, now=None):
    """Replace the draft's articles with the newest stories (the editor's "start again")."""
    now = now or timezone.now()
    edition.articles.all().delete()
    for position, article in enumerate(recent_articles(edition.newsletter, now)):
        EditionArticle.objects.create(edition=edition, article=article, sort_order=position)
    return edition
