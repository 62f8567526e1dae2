"""Which address a request comes from, for rate limits.

The socket's peer is the truth, unless that peer is a reverse proxy listed in
FORWARDED_ALLOW_IPS: then X-Forwarded-For is read from the right (each proxy appends the
address it saw) and the first hop that is not a listed proxy is the client. A header from
any other peer is ignored, so a client cannot pick the address its attempts count against.

The app decides this itself from the raw peer: the services run under uvicorn with
`--no-proxy-headers`, so uvicorn never rewrites the peer first and both cannot disagree.

IPv6 clients count per /64, the block one subscriber usually gets: otherwise one machine
could walk through 2^64 addresses, each with a fresh limit.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

IPV6_SUBSCRIBER_PREFIX = 64
UNKNOWN = "unknown"


def parse_address(text: str) -> IPAddress | None:
    """An address from a peer or a header entry: `1.2.3.4`, `1.2.3.4:5678`, `::1`,
    `[::1]:5678`; IPv4-mapped IPv6 becomes IPv4. None when it is not an address."""
    text = text.strip()
    if text.startswith("["):
        end = text.find("]")
        if end == -1:
            return None
        text = text[1:end]
    elif text.count(":") == 1:  # IPv4 with a port
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: IPAddress, proxies: Sequence[IPNetwork]) -> bool:
    return any(address.version == net.version and address in net for net in proxies)


def client_address(
    peer: str | None, forwarded_for: Sequence[str], proxies: Sequence[IPNetwork]
) -> IPAddress | None:
    """The client's address, given the socket peer, every X-Forwarded-For header value in
    order, and the trusted proxies."""
    address = parse_address(peer) if peer else None
    if address is None or not proxies or not _trusted(address, proxies):
        return address
    hops = [hop for value in forwarded_for for hop in value.split(",")]
    for hop in reversed(hops):
        candidate = parse_address(hop)
        if candidate is None:
            # Garbage where an address should be: stop at the last hop a proxy vouched for.
            return address
        address = candidate
        if not _trusted(address, proxies):
            return address
    return address  # every hop was a listed proxy: the leftmost one is the client


def rate_limit_key(address: IPAddress | None) -> str:
    """What limits count against: the IPv4 address, or the /64 of an IPv6 address."""
    if address is None:
        return UNKNOWN
    if isinstance(address, ipaddress.IPv6Address):
        network = ipaddress.IPv6Network((address, IPV6_SUBSCRIBER_PREFIX), strict=False)
        return str(network)
    return str(address)
