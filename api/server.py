"""How `govgraph serve` runs uvicorn: HTTP connections with TCP_NODELAY in every worker.

With `--workers N`, uvicorn binds the listening socket itself (protocol number 0), and
asyncio then skips TCP_NODELAY on the connections it accepts (it only sets it on sockets
that say IPPROTO_TCP). A response written as headers then body waits for the client's
delayed ACK: about 40 ms per request on Linux, whatever the query. Setting the option on
each accepted connection removes that (bench/RESULTS.md: 44 ms → 1 ms for a small query).
"""

from __future__ import annotations

import contextlib
import socket
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


def set_nodelay(transport: Any) -> None:
    """TCP_NODELAY on a TCP connection's socket (no-op for other sockets)."""
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class NoDelayH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, with TCP_NODELAY on its connection."""

    def connection_made(self, transport: Any) -> None:
        set_nodelay(transport)
        super().connection_made(transport)


class NoDelayHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol (the C parser), with TCP_NODELAY on its connection.

    What `govgraph serve` uses: h11's pure-Python parsing and serialising was a fifth of the
    CPU of a cached-plan request (bench/PROFILE.md).
    """

    def connection_made(self, transport: Any) -> None:
        set_nodelay(transport)
        super().connection_made(transport)
