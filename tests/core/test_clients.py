"""Rate limits and login throttling count per client: the address must not be forgeable."""

from django.test import RequestFactory, override_settings

from samizdat.core.clients import client_address, client_key


def ask(peer, forwarded=None):
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@override_settings(TRUSTED_PROXIES=[])
def test_without_a_trusted_proxy_x_forwarded_for_is_ignored():
    assert client_address(ask("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_behind_our_nginx_the_client_is_the_forwarded_address():
    assert client_address(ask("127.0.0.1", "198.51.100.1")) == "198.51.100.1"


@override_settings(TRUSTED_PROXIES=["127.0.0.1", "10.0.0.0/8"])
def test_a_forged_first_hop_does_not_pick_the_client():
    # The reader wrote "1.2.3.4" themselves; the CDN edge 10.1.2.3 appended the real peer.
    request = ask("127.0.0.1", "1.2.3.4, 198.51.100.9, 10.1.2.3")
    assert client_address(request) == "198.51.100.9"


@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_an_untrusted_peer_cannot_claim_another_address():
    assert client_address(ask("203.0.113.7", "127.0.0.1")) == "203.0.113.7"


@override_settings(TRUSTED_PROXIES=["127.0.0.1", "not an address"])
def test_garbage_in_the_header_or_the_setting_stops_at_what_is_known():
    assert client_address(ask("127.0.0.1", "<script>, ")) == "127.0.0.1"
    assert client_address(ask("nonsense")) == ""


def test_the_key_counts_per_client_without_holding_the_address():
    one, other = client_key(ask("203.0.113.7")), client_key(ask("203.0.113.8"))
    assert one != other and "203.0.113" not in one
    assert client_key(ask("203.0.113.7")) == one


def test_an_ipv6_client_is_counted_by_its_64_network():
    # One ordinary IPv6 line has a whole /64: a new address at each try must not be a new client.
    one = client_key(ask("2001:db8:1:2::1"))
    assert client_key(ask("2001:db8:1:2:ffff:ffff:ffff:ffff")) == one
    assert client_key(ask("2001:db8:1:2:a:b:c:d")) == one
    assert client_key(ask("2001:db8:1:3::1")) != one  # the next /64 is another client
    assert client_key(ask("2001:db8:2:2::1")) != one
    assert "2001" not in one
    assert client_address(ask("2001:db8:1:2::1")) == "2001:db8:1:2::1"  # the address itself is kept as it is


def test_an_ipv4_mapped_address_is_the_ipv4_client():
    assert client_key(ask("::ffff:203.0.113.7")) == client_key(ask("203.0.113.7"))
    assert client_key(ask("::ffff:203.0.113.8")) != client_key(ask("203.0.113.7"))


@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_a_forwarded_ipv6_client_is_counted_by_its_64_network_too():
    assert client_key(ask("127.0.0.1", "2001:db8:1:2::5")) == client_key(ask("2001:db8:1:2::9"))
