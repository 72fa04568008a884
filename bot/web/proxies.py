"""The client's address and scheme, believing X-Forwarded-* only from TRUSTED_PROXIES.

By default no proxy is trusted: the address is the TCP peer's, which a client can't choose (the
per-IP login lock-out depends on it). Behind a balancer, list its addresses or networks in
TRUSTED_PROXIES; the client is then the right-most X-Forwarded-For entry that is not a trusted
proxy itself.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from starlette.requests import Request

from bot.config import get_settings

UNKNOWN = "sconosciuto"
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=4)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(get_settings().trusted_proxies))


def _peer(request: Request) -> str:
    return request.client.host if request.client else UNKNOWN


def client_address(request: Request) -> str:
    peer = _peer(request)
    if not _trusted(peer):
        return peer
    forwarded = [
        item.strip()
        for header in request.headers.getlist("x-forwarded-for")
        for item in header.split(",")
        if item.strip()
    ]
    for address in reversed(forwarded):
        if not _trusted(address):
            return address[:64]
    return peer


def is_https(request: Request) -> bool:
    if request.url.scheme == "https":
        return True
    proto = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return proto == "https" and _trusted(_peer(request))
