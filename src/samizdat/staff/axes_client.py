"""The client as django-axes counts it, with no IP address kept (settings.AXES_CLIENT_IP_CALLABLE).

Axes stores the client in a GenericIPAddressField (inet on PostgreSQL), so the client's keyed hash
(core.clients.client_key) is handed to it written as an address in fd00::/8, the private range no
client on the internet has: the database keeps a value to count by, never the address. This module
is imported by settings.py, so it imports nothing that needs the apps loaded.
"""

import ipaddress

from samizdat.core.clients import client_key

PRIVATE_RANGE = 0xFD << 120


def client_as_address(request):
    return str(ipaddress.IPv6Address(PRIVATE_RANGE | (int(client_key(request), 16) >> 8)))


# AccessAttempt.username is a varchar(255): a longer one posted to a sign-in form fails the
# insert on PostgreSQL (a 500), where the password check would simply have refused it.
USERNAME_LENGTH = 255


def username_as_counted(request, credentials=None):
    """The username axes counts by (settings.AXES_USERNAME_CALLABLE): as axes reads it, cut to fit."""
    source = credentials if credentials else getattr(request, "POST", {})
    username = source.get("username")
    return None if username is None else str(username)[:USERNAME_LENGTH]
