"""The demo newsroom's newsletters: "The Week" (Fridays 09:00) and "Breaking" alerts, and in the
Russian edition "Неделя", The Week's translation; this week's drafts ready to curate. Called by
the demo loader."""

import datetime

from django.contrib.auth.models import User
from wagtail.models import Locale, Site

from samizdat.core.models import NewsroomSettings, StandardPage

from .drafts import ensure_weekly_drafts
from .models import Newsletter

THE_WEEK = (
    "A hand-picked selection of news, features, analysis and more from the harbour city, "
    "in your inbox every Friday morning."
)
NEDELYA = "Главное за неделю из портового города: новости, репортажи и мнения. Каждую пятницу утром."
BREAKING = "A short email when something big happens in Lindenport. A few times a year, never more than once a day."
PRIVACY_POLICY = (
    "<p>If you subscribe to a newsletter, we keep your email address, the time you subscribed and the "
    "wording you agreed to, and use them only to send what you asked for. Every email has a link to "
    "unsubscribe, which takes effect at once.</p>"
)


def load_demo_newsletters(write=print):
    the_week, _ = Newsletter.objects.update_or_create(
        slug="the-week",
        defaults={
            "name": "The Week",
            "description": THE_WEEK,
            "weekly": True,
            "send_weekday": 4,
            "send_time": datetime.time(9, 0),
            "from_name": "The Lindenport Courier",
            "reply_to": "letters@lindenport-courier.example",
            "promoted": True,
            "position": 0,
        },
    )
    Newsletter.objects.update_or_create(
        slug="breaking",
        defaults={"name": "Breaking", "description": BREAKING, "weekly": False, "from_name": "The Lindenport Courier", "position": 1},
    )
    russian = Locale.objects.filter(language_code="ru").first()
    if russian is not None:
        Newsletter.objects.update_or_create(
            slug="nedelya",
            defaults={
                "name": "Неделя",
                "description": NEDELYA,
                "weekly": True,
                "send_weekday": 4,
                "send_time": datetime.time(9, 0),
                "from_name": "Линденпортский курьер",
                "reply_to": "letters@lindenport-courier.example",
                "promoted": True,
                "locale": russian,
                "translation_key": the_week.translation_key,
            },
        )
    _privacy_policy()
    _demo_emails()
    ensure_weekly_drafts()
    write("Demo newsletters: The Week (Fridays 09:00), Breaking, and Неделя in Russian; this week's drafts are under Newsletter → Editions")


def _demo_emails():
    """So "Send a test to me" works for the demo's editors (into the local mail outbox)."""
    for user in User.objects.filter(email=""):
        user.email = f"{user.username}@lindenport-courier.example"
        user.save(update_fields=["email"])


def _privacy_policy():
    """A newsletter asks for consent to a privacy policy, so there must be one."""
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return
    settings = NewsroomSettings.for_site(site)
    if settings.privacy_policy_page_id:
        return
    home = site.root_page
    page = StandardPage(title="Privacy policy", slug="privacy", body=PRIVACY_POLICY)
    home.add_child(instance=page)
    page.save_revision().publish()
    settings.privacy_policy_page = page
    settings.save()
