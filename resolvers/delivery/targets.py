"""Where outbound calls may go (issue 18): the SSRF and DNS-rebinding guard of webhook and
HTTP-gateway URLs, one home for both.

Each call resolves its URL's host once (`resolve`), refuses it unless every address it
resolves to is permitted, and then connects to the chosen address itself: the request's URL
carries the IP literal, the `Host` header the original host (and port), and for https the
TLS SNI and certificate check use the original host name (httpcore's `sni_hostname`
extension). A second resolution (a rebinding DNS answer with a short TTL) therefore cannot
switch the call to another address between the check and the connect.

Permitted: public (globally routable) addresses. Never: multicast, the unspecified address.
Private, loopback, link-local, shared (100.64/10) and reserved addresses only when allowed by
configuration: GOVGRAPH_WEBHOOK_ALLOW_PRIVATE=1 allows them all (closed networks, tests),
GOVGRAPH_WEBHOOK_ALLOWED_CIDRS (comma-separated networks, e.g. `10.20.0.0/16,127.0.0.1/32`)
allows those only. An IPv4-mapped IPv6 address is judged as its IPv4 address.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class Refused(Exception):
    """A target the worker will not call; `code` says why (SCHEME, UNRESOLVABLE,
    PRIVATE_ADDRESS, MULTICAST_ADDRESS)."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code


@dataclass(frozen=True)
class TargetPolicy:
    """Which addresses outbound calls may reach beyond the public ones."""

    allow_private: bool = False
    allowed: tuple[Network, ...] = ()

    @classmethod
    def from_env(cls) -> TargetPolicy:
        """GOVGRAPH_WEBHOOK_ALLOW_PRIVATE and GOVGRAPH_WEBHOOK_ALLOWED_CIDRS (README)."""
        flag = os.environ.get("GOVGRAPH_WEBHOOK_ALLOW_PRIVATE", "").strip().lower()
        return cls(
            allow_private=flag in ("1", "true", "yes", "on"),
            allowed=parse_networks(os.environ.get("GOVGRAPH_WEBHOOK_ALLOWED_CIDRS", "")),
        )

    def refusal(self, address: Address) -> str | None:
        """Why `address` may not be called (None: it may)."""
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if address.is_multicast:
            return "MULTICAST_ADDRESS"
        if address.is_unspecified:
            return "PRIVATE_ADDRESS"
        if any(address in network for network in self.allowed):
            return None
        if address.is_global:
            return None
        return None if self.allow_private else "PRIVATE_ADDRESS"


def parse_networks(text: str) -> tuple[Network, ...]:
    """Comma-separated CIDRs (a bare address: itself); ValueError on a malformed one."""
    return tuple(
        ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip()
    )


@dataclass(frozen=True)
class Pinned:
    """A URL resolved once: call `url` (the address) with `headers` and `extensions`."""

    url: str
    address: str
    host: str  # the original Host header value
    sni: str | None  # https: the name TLS presents and verifies

    @property
    def headers(self) -> dict[str, str]:
        return {"host": self.host}

    @property
    def extensions(self) -> dict[str, Any]:
        return {"sni_hostname": self.sni} if self.sni else {}


async def _addresses(host: str, port: int) -> list[Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise Refused("UNRESOLVABLE", f"{host}: {exc}") from exc
    out: list[Address] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if address not in out:
            out.append(address)
    if not out:
        raise Refused("UNRESOLVABLE", host)
    return out


async def resolve(url: str, policy: TargetPolicy) -> Pinned:
    """Resolve `url`'s host once and pin the call to a permitted address, or raise Refused
    (every address the name resolves to must be permitted)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused("SCHEME", "only http and https URLs")
    default = 443 if parts.scheme == "https" else 80
    port = parts.port or default
    addresses = await _addresses(parts.hostname, port)
    for address in addresses:
        if (why := policy.refusal(address)) is not None:
            raise Refused(why, f"{parts.hostname} resolves to {address}")
    chosen = addresses[0]
    literal = f"[{chosen}]" if chosen.version == 6 else str(chosen)
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = (
        (f"{userinfo}@" if userinfo else "") + literal + (f":{parts.port}" if parts.port else "")
    )
    host = parts.netloc.rpartition("@")[2]
    named = parts.hostname != str(chosen)  # not an IP literal already
    return Pinned(
        url=urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment)),
        address=str(chosen),
        host=host,
        sni=parts.hostname if parts.scheme == "https" and named else None,
    )
