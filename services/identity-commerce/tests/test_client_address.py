"""Which address a request is counted against: the socket peer, or what a listed proxy
forwarded (unit tests of the parsing; the live behaviour is in test_login_lockout.py)."""

from __future__ import annotations

import ipaddress

import pytest
from identity_commerce.api.client_address import client_address, rate_limit_key
from identity_commerce.core.config import Settings
from pydantic import ValidationError


def proxies(*entries: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(e, strict=False) for e in entries]


def key(peer: str | None, *forwarded: str, trusted: tuple[str, ...] = ()) -> str:
    return rate_limit_key(client_address(peer, list(forwarded), proxies(*trusted)))


def test_without_listed_proxies_the_peer_is_the_client_whatever_the_headers() -> None:
    assert key("203.0.113.5", "198.51.100.1") == "203.0.113.5"
    assert key("127.0.0.1", "198.51.100.1") == "127.0.0.1"


def test_a_peer_outside_the_list_cannot_forward() -> None:
    assert key("203.0.113.5", "198.51.100.1", trusted=("10.0.0.0/8",)) == "203.0.113.5"


def test_a_listed_proxy_forwards_the_first_hop_it_does_not_trust() -> None:
    trusted = ("10.0.0.0/8", "192.0.2.10")
    # client-supplied junk on the left, then the real client, then our two proxies
    assert key("10.1.2.3", "6.6.6.6, 198.51.100.7, 192.0.2.10", trusted=trusted) == ("198.51.100.7")
    # several header lines count as one list, in order
    assert key("10.1.2.3", "6.6.6.6", "198.51.100.8", trusted=trusted) == "198.51.100.8"
    # every hop a proxy: the leftmost is the client
    assert key("10.1.2.3", "10.9.9.9, 192.0.2.10", trusted=trusted) == "10.9.9.9"
    # no header: the proxy itself
    assert key("10.1.2.3", trusted=trusted) == "10.1.2.3"


def test_garbage_stops_at_the_last_hop_a_proxy_vouched_for() -> None:
    assert key("10.1.2.3", "198.51.100.7, not-an-ip", trusted=("10.0.0.0/8",)) == "10.1.2.3"


def test_ipv6_counts_per_64_and_mapped_ipv4_is_ipv4() -> None:
    assert key("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64"
    assert key("2001:db8:1:2:bbbb::9") == "2001:db8:1:2::/64"  # same subscriber
    assert key("2001:db8:1:3::1") == "2001:db8:1:3::/64"
    assert key("::ffff:203.0.113.9") == "203.0.113.9"
    trusted = ("fd00::/8",)
    assert key("fd00::1", "[2001:db8:5::7]:4711", trusted=trusted) == "2001:db8:5::/64"
    assert key("fd00::1", "203.0.113.4:5555", trusted=trusted) == "203.0.113.4"
    assert key(None) == "unknown"


@pytest.mark.parametrize("bad", ["*", "not-an-address", "10.0.0.0/33"])
def test_forwarded_allow_ips_must_name_addresses(bad: str) -> None:
    with pytest.raises(ValidationError, match="FORWARDED_ALLOW_IPS"):
        Settings(_env_file=None, forwarded_allow_ips=bad)  # type: ignore[call-arg]
    listed = Settings(_env_file=None, forwarded_allow_ips="10.0.0.0/8, 2001:db8::1")  # type: ignore[call-arg]
    assert [str(n) for n in listed.trusted_proxies()] == ["10.0.0.0/8", "2001:db8::1/128"]
