"""A return path of our own for each reader's copy (VERP): `bounces+<delivery>-<signature>@domain`,
made from NEWSLETTER_BOUNCE_ADDRESS, so a delivery-status report that comes back names the delivery
it is about, signed with SECRET_KEY so that a forged one can't name anyone (bounce_reports.py)."""

import re

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

_SALT = "samizdat.newsletter.return-path"


def _signature(delivery_id):
    return salted_hmac(_SALT, str(delivery_id)).hexdigest()[:16]  # lower case: mail servers may fold it


def return_path(delivery_id):
    """The envelope sender for one delivery, or None when no bounce address is set."""
    address = settings.NEWSLETTER_BOUNCE_ADDRESS
    if not address or not isinstance(delivery_id, int):
        return None
    local, _, domain = address.rpartition("@")
    return f"{local}+{delivery_id}-{_signature(delivery_id)}@{domain}"


def delivery_of(address):
    """The delivery id a return path names, if it is one of ours and its signature is right."""
    local_part = settings.NEWSLETTER_BOUNCE_ADDRESS.rpartition("@")[0]
    if not local_part:
        return None
    match = re.search(rf"\b{re.escape(local_part)}\+(\d{{1,18}})-([0-9a-f]{{16}})@", address or "", re.I)
    if not match or not constant_time_compare(match.group(2).lower(), _signature(int(match.group(1)))):
        return None
    return int(match.group(1))
