"""Personal data, one person at a time: what the site holds about an email address (export), its
removal (erasure), and the periodic removal of what is kept no longer than needed (purge).

core imports no app, so each app that keeps personal data registers here, in its AppConfig.ready,
the functions that find, erase and purge its own rows (newsletter/privacy.py, support/privacy.py).
core adds what belongs to no app: staff accounts, finished task rows and the admin's history.
"""

import hashlib
import hmac
import json
import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from wagtail.models import ModelLogEntry

ERASED = "(erased)"


@dataclass(frozen=True)
class Holder:
    """One app's personal data: find(email) -> {kind: [rows]}, erase(email) -> {kind: count},
    purge(now) -> {kind: count} for its retention rules."""

    label: str
    find: Callable
    erase: Callable
    purge: Callable | None = None


HOLDERS: dict[str, Holder] = {}


def register(label, find, erase, purge=None):
    """Called from an app's AppConfig.ready: its rows are part of every export, erasure and purge."""
    HOLDERS[label] = Holder(label, find, erase, purge)


def normalise(email):
    """The address as the site stores it: trimmed, lower case."""
    return (email or "").strip().lower()


def email_hashes(email):
    """Keyed hashes of the address, with SECRET_KEY and each of SECRET_KEY_FALLBACKS: a hash made
    before the key was rotated is still recognised. Keyed, so a copy of the database alone can't
    be checked against a list of addresses."""
    value = normalise(email).encode()
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [hmac.new(f"samizdat.privacy:{key}".encode(), value, hashlib.sha256).hexdigest() for key in keys]


def email_hash(email):
    return email_hashes(email)[0]


# What belongs to no app ------------------------------------------------------------------------


def _staff(email):
    return get_user_model().objects.filter(email__iexact=normalise(email))


def _tasks(email):
    """Task rows whose arguments, result or error name the address (a test copy to an editor,
    an SMTP error quoting a recipient)."""
    text = normalise(email)
    return DBTaskResult.objects.annotate(
        args_text=Cast("args_kwargs", TextField()), result_text=Cast("return_value", TextField())
    ).filter(Q(args_text__icontains=text) | Q(result_text__icontains=text) | Q(traceback__icontains=text))


def _history(email):
    """The admin's history (Reports > Site history) labels entries with the object's name, and a
    subscriber's or donation's name is the address."""
    text = normalise(email)
    return ModelLogEntry.objects.annotate(data_text=Cast("data", TextField())).filter(
        Q(label__icontains=text) | Q(data_text__icontains=text)
    )


def find_site(email):
    return {
        "staff accounts": [
            {"username": u.username, "first_name": u.first_name, "last_name": u.last_name, "email": u.email,
             "date_joined": u.date_joined, "last_login": u.last_login, "is_active": u.is_active,
             "groups": [g.name for g in u.groups.all()]}
            for u in _staff(email)
        ],
        "background tasks": [
            {"task": t.task_path, "status": t.status, "enqueued_at": t.enqueued_at, "finished_at": t.finished_at,
             "arguments": t.args_kwargs}
            for t in _tasks(email)
        ],
        "admin history": [
            {"action": e.action, "label": e.label, "timestamp": e.timestamp} for e in _history(email)
        ],
    }


def scrub(text, email):
    """The text with every spelling of the address (any case) replaced."""
    if not text:
        return text
    return re.sub(re.escape(normalise(email)), ERASED, text, flags=re.IGNORECASE)


def erase_site(email):
    tasks = _tasks(email).delete()[0]
    history = 0
    for entry in _history(email):
        entry.label = scrub(entry.label, email)
        entry.data = json.loads(scrub(json.dumps(entry.data, cls=DjangoJSONEncoder), email))
        entry.save(update_fields=["label", "data"])
        history += 1
    # Staff accounts are kept (their pages and history hang on them) and named in the result:
    # an administrator removes or renames them under Settings > Users.
    return {"background tasks": tasks, "admin history": history, "staff accounts kept": _staff(email).count()}


def purge_site(now):
    """Finished task rows after TASKS_KEEP_DAYS: their arguments and results may name readers."""
    cutoff = now - timedelta(days=settings.TASKS_KEEP_DAYS)
    finished = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff)
    return {"finished tasks": finished.delete()[0]}


SITE = "Site"


def holders():
    return [Holder(SITE, find_site, erase_site, purge_site), *HOLDERS.values()]


# The three operations ----------------------------------------------------------------------------


@dataclass
class Export:
    email: str
    exported_at: object
    sections: dict = field(default_factory=dict)

    @property
    def row_count(self):
        return sum(len(rows) for section in self.sections.values() for rows in section.values())

    def as_json(self):
        return json.dumps(
            {"email": self.email, "exported_at": self.exported_at, "sections": self.sections},
            cls=DjangoJSONEncoder, indent=2, ensure_ascii=False,
        )


def export_person(email):
    """Everything the site holds about this address, section by section."""
    email = normalise(email)
    return Export(email, timezone.now(), {holder.label: holder.find(email) for holder in holders()})


def erase_person(email):
    """Remove the address and the name that goes with it everywhere, in one transaction. Amounts,
    dates and currencies stay for the accounts. Returns {section: {kind: count}}."""
    email = normalise(email)
    with transaction.atomic():
        # The apps first (the newsletter puts the hash on the suppression list), the site's own
        # traces last, so the history entries their erasure may touch are scrubbed too.
        done = {holder.label: holder.erase(email) for holder in HOLDERS.values()}
        done[SITE] = erase_site(email)
    return done


def purge(now=None):
    """What each app keeps no longer than its settings say. Returns {section: {kind: count}}."""
    now = now or timezone.now()
    return {holder.label: holder.purge(now) for holder in holders() if holder.purge}
