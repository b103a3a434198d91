"""The client's address for throttling, from the connection's peer and ``X-Forwarded-For``.

``client_address(peer, forwarded_for, trusted)`` believes ``X-Forwarded-For`` only when the
peer (whoever opened the TCP connection) is one of the ``trusted`` proxies
(``COCKPIT_TRUSTED_PROXIES``). It then walks the header from the right, skipping hops that are
trusted proxies themselves, and returns the first hop that is not: the address the last trusted
proxy saw. Anything left of that hop was written by the client and may be forged. With nothing
trusted (the default) the header is ignored and the peer is the address.

Loopback is an address like any other: behind a proxy on the same machine every request comes
from ``127.0.0.1`` and is counted under it, unless that proxy is trusted. An unknown peer
(``None``) is counted under ``UNKNOWN``, never under "no address".
"""
from __future__ import annotations

import ipaddress
from functools import lru_cache

UNKNOWN = "unknown"
MAX_LENGTH = 64  # a hop that is no address is kept, but never longer than this

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def client_address(peer: str | None, forwarded_for: str | None, trusted: tuple[str, ...]) -> str:
    """The address to count attempts under (see the module text); never empty, never "None"."""
    origin = _parse(peer)
    if origin is None:
        return _clean(peer) or UNKNOWN
    networks = _networks(tuple(trusted))
    if not forwarded_for or not _is_trusted(origin, networks):
        return str(origin)
    hops = [h for h in (_clean(part) for part in forwarded_for.split(",")) if h]
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:  # not an address: whoever wrote it is not a proxy we trust
            return hop
        if not _is_trusted(address, networks):
            return str(address)
    return str(_parse(hops[0])) if hops else str(origin)  # every hop is one of ours: the first one


def _is_trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == n.version and address in n for n in networks)


@lru_cache(maxsize=32)
def _networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in trusted if item and item.strip())


def _clean(text: str | None) -> str:
    """One hop without blanks, quotes, brackets or port: ``"[::1]:8080"`` -> ``::1``."""
    if not text:
        return ""
    hop = text.strip().strip('"').strip()
    if hop.startswith("["):  # [IPv6]:port
        hop = hop[1:].split("]", 1)[0]
    elif hop.count(":") == 1:  # IPv4:port
        hop = hop.split(":", 1)[0]
    return hop[:MAX_LENGTH]


def _parse(text: str | None) -> Address | None:
    hop = _clean(text)
    try:
        address = ipaddress.ip_address(hop.split("%", 1)[0])  # drop an IPv6 zone (fe80::1%eth0)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)  # ::ffff:10.0.0.1 is 10.0.0.1
    return mapped or address
