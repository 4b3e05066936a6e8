"""Who is asking: the client's address, for rate limits and login throttling.

The socket peer is the client, unless it is one of TRUSTED_PROXIES (our own nginx, a CDN's edge):
then the client is the last address in X-Forwarded-For that is not a trusted proxy. Without a
trusted proxy configured, X-Forwarded-For is ignored: anyone can write it.

The address is used to count, never stored or logged as it is: `client_key` gives a keyed hash.
It counts an IPv6 client by its /64 network, the block one ordinary line or server is given: per
/128, one attacker would be a new client at every address of theirs. An IPv4 client counts by its
address, and an IPv4-mapped IPv6 address (::ffff:203.0.113.7) as that IPv4 address.
"""

import ipaddress

from django.conf import settings
from django.utils.crypto import salted_hmac


def trusted_networks():
    networks = []
    for item in settings.TRUSTED_PROXIES:
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            continue  # a typo must not make every peer trusted
    return networks


def _address(text):
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def _trusted(address, networks):
    return address is not None and any(address in network for network in networks)


def client_address(request):
    """The client's IP address as text ("" when the request carries none that parses)."""
    peer = _address(request.META.get("REMOTE_ADDR", ""))
    networks = trusted_networks()
    if peer is None or not _trusted(peer, networks):
        return str(peer) if peer is not None else ""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for item in reversed([part for part in forwarded.split(",") if part.strip()]):
        address = _address(item)
        if address is None:
            break  # a garbled hop: stop at the last address we could trust
        if not _trusted(address, networks):
            return str(address)
        peer = address
    return str(peer)


IPV6_CLIENT_PREFIX = 64  # the network one IPv6 client is counted by


def counted_as(address_text):
    """What one client is, as text: an IPv4 address, or an IPv6 client's /64 network."""
    address = _address(address_text)
    if address is None:
        return ""
    if address.version == 6 and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    if address.version == 6:
        return str(ipaddress.IPv6Network((int(address), IPV6_CLIENT_PREFIX), strict=False))
    return str(address)


def client_key(request):
    """A stable, keyed hash of the client (counted_as: IPv6 by /64): counts per client without keeping the address."""
    client = counted_as(client_address(request))
    return salted_hmac("samizdat.client", client, algorithm="sha256").hexdigest()[:32]
