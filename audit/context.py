"""The client address of the request being served, for audit rows written deep in services."""

import ipaddress
from contextvars import ContextVar
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

current_ip: ContextVar[str | None] = ContextVar("audit_current_ip", default=None)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(request: HttpRequest) -> str | None:
    """The address of the client: REMOTE_ADDR, or behind a trusted proxy the address the
    proxy saw (the last hop of X-Forwarded-For that is not itself a trusted proxy).

    Without PIC_TRUSTED_PROXIES the header is ignored: anyone can send one. Behind a load
    balancer or nginx every request comes from the proxy's address, so the audit log and
    the per-address rate limits need the proxy named (docs/scaling.md).
    """
    remote = request.META.get("REMOTE_ADDR") or None
    networks = _networks(tuple(getattr(settings, "PIC_TRUSTED_PROXIES", ())))
    if remote is None or not networks or not _is_trusted(remote, networks):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        if not _is_trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote  # a garbled header: keep the proxy's address, never the text
    return remote
