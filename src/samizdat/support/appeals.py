"""Appeals as one small published file, /support/appeals.json, that the reader's browser reads.

Which appeal shows, and whether any does, is decided in the browser (static/support/appeals.js)
from this file and the browser's own storage: the schedule, "Remind me later", the quiet period
after giving and the modal's frequency cap. So appeals work on published and mirrored pages, no
request says anything about the reader, and changing an appeal rewrites this one file.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from wagtail.rich_text import expand_db_html

from samizdat.core.editions import active_locale

from .donate import blank_form
from .models import Appeal, support_settings

FORM_PREFIX = "__P__"


def _millis(moment):
    return int(moment.timestamp() * 1000) if moment else None


def current_appeals(now=None):
    """The active edition's appeals switched on that haven't ended: the browser checks start and
    end again itself, since the file may be read long after it was written."""
    now = now or timezone.now()
    appeals = Appeal.objects.filter(live=True).order_by("pk")
    locale = active_locale()
    if locale is not None:
        appeals = appeals.filter(locale=locale)
    return [a for a in appeals if a.ends_at is None or a.ends_at > now]


def appeals_document():
    staff = support_settings()
    appeals = current_appeals() if settings.SUPPORT_APPEALS_ENABLED and settings.SUPPORT_ENABLED else []
    form_html = ""
    if any(appeal.show_form for appeal in appeals):
        form_html = render_to_string(
            "support/includes/donate_form.html", {"form": blank_form(), "prefix": FORM_PREFIX, "compact": True}
        )
    return {
        "snoozeDays": staff.snooze_days,
        "quietDays": staff.quiet_days_after_giving,
        "modalEveryDays": staff.modal_every_days,
        "formPrefix": FORM_PREFIX,
        "formHtml": form_html,
        "appeals": [
            {
                "id": appeal.pk,
                "placement": appeal.placement,
                "heading": appeal.heading,
                "body": expand_db_html(appeal.body),
                "showForm": appeal.show_form,
                "start": _millis(appeal.starts_at),
                "end": _millis(appeal.ends_at),
            }
            for appeal in appeals
        ],
    }
