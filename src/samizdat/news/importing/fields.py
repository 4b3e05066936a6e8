"""Reading one front-matter value: its type, its length, its meaning.

Each reader either returns a clean Python value or raises Rejected naming the field, with a reason
written for the person who will fix the file.
"""

from datetime import date, datetime, time

from django.utils import timezone
from django.utils.text import slugify

DATE_HINT = "use 2026-11-20 or 2026-11-20T09:30"


class Rejected(Exception):
    """The file can't be imported; `field` and `reason` say what to fix."""

    def __init__(self, field, reason):
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def shown(value):
    """A value quoted the way the person wrote it, shortened if it is long."""
    text = str(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f'"{text}"'


def text(meta, field, *, required=False, max_length=None):
    """A single line or paragraph of text. Numbers are accepted as text (a headline may be "1984")."""
    value = meta.get(field)
    if value is None or value == "":
        if required:
            raise Rejected(field, "is missing or empty")
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise Rejected(field, f"must be text, not {kind_of(value)}")
    value = str(value).strip()
    if required and not value:
        raise Rejected(field, "is missing or empty")
    if max_length and len(value) > max_length:
        raise Rejected(field, f"is {len(value)} characters long; the limit is {max_length}")
    return value


def text_list(meta, field, *, split_commas, max_length):
    """A list of names. A single string is one name, or comma-separated names when `split_commas`."""
    value = meta.get(field)
    if value is None or value == "":
        return []
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        items = str(value).split(",") if split_commas else [str(value)]
    elif isinstance(value, list):
        items = value
    else:
        raise Rejected(field, f"must be a list of names, not {kind_of(value)}")
    names, seen = [], set()
    for item in items:
        if isinstance(item, bool) or not isinstance(item, (str, int, float)):
            raise Rejected(field, f"each entry must be a name, not {kind_of(item)}")
        name = " ".join(str(item).split())
        if not name:
            raise Rejected(field, "has an empty entry")
        if len(name) > max_length:
            raise Rejected(field, f"{shown(name)} is longer than {max_length} characters")
        if name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names


def boolean(meta, field):
    value = meta.get(field)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise Rejected(field, f"{shown(value)} must be true or false")
    return value


def moment(meta, field, *, required=False):
    """A date or date and time; a date alone means midnight, no offset means the newsroom's time zone."""
    value = meta.get(field)
    if value is None or value == "":
        if required:
            raise Rejected(field, f"is missing ({DATE_HINT})")
        return None
    parsed = _as_datetime(value)
    if parsed is None:
        raise Rejected(field, f"{shown(value)} is not a date ({DATE_HINT})")
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_current_timezone())
    return parsed


def day(value, field):
    """A calendar date, as a correction carries."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    parsed = _as_datetime(value)
    if parsed is None:
        raise Rejected(field, f"{shown(value)} is not a date (use 2026-11-20)")
    return parsed.date()


def _as_datetime(value):
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        return None


def slug_from(meta, title):
    """The URL part: the `slug` field if given, else the title, slugified the way Wagtail does."""
    if meta.get("slug") not in (None, ""):
        given = text(meta, "slug", max_length=255)
        slug = slugify(given, allow_unicode=True)
        if not slug:
            raise Rejected("slug", f"{shown(given)} has no letters or digits to make a URL from")
        return slug
    slug = slugify(title, allow_unicode=True)[:255].strip("-")
    if not slug:
        raise Rejected(
            "slug", f"the title {shown(title)} has no letters or digits to make a URL from; add a slug"
        )
    return slug


def kind_of(value):
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__
