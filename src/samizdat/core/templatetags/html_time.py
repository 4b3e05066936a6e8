"""Times as HTML's `<time datetime>` takes them."""

from datetime import datetime

from django import template
from django.utils.timezone import template_localtime

register = template.Library()


@register.filter
def datetime_attribute(value):
    """A valid global date and time: seconds precision and the offset of the time shown.

    Django's `date:"c"` keeps microseconds, which a story published from the admin has and HTML
    does not allow (at most three digits of a fraction).
    """
    if isinstance(value, datetime):
        return template_localtime(value).replace(microsecond=0).isoformat()
    return value.isoformat() if value else ""
