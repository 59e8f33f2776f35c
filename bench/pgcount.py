"""A counting proxy in front of PostgreSQL: how many SQL statements a peer runs.

It forwards bytes both ways and reads the client's protocol messages: every simple Query
('Q') and every extended-protocol Execute ('E', mapped to its statement through Bind and
Parse) is one statement. Transaction control and session resets (BEGIN, COMMIT, ROLLBACK,
SAVEPOINT, RELEASE, RESET, SET, DISCARD, asyncpg's pool reset) are counted apart, so
`statements` is the data statements a request costs whatever the driver. SSL is refused so
the stream stays readable (clients fall back to plain connections on loopback).
"""

from __future__ import annotations

import asyncio
import struct
from dataclasses import dataclass

SSL_REQUEST = 80877103
GSS_REQUEST = 80877104
CONTROL = (
    "BEGIN",
    "START TRANSACTION",
    "COMMIT",
    "ROLLBACK",
    "SAVEPOINT",
    "RELEASE",
    "RESET",
    "SET ",
    "DISCARD",
    "SELECT PG_ADVISORY_UNLOCK_ALL",
    "CLOSE ALL",
    "UNLISTEN",
)


@dataclass
class Counts:
    """Statements seen since the last reset."""

    statements: int = 0
    control: int = 0

    def take(self) -> tuple[int, int]:
        """The counts so far, and start again from zero."""
        out = (self.statements, self.control)
        self.statements = self.control = 0
        return out


def _is_control(sql: str) -> bool:
    return sql.lstrip().upper().startswith(CONTROL)


class Proxy:
    """Listens on `port`, forwards to PostgreSQL at `upstream`, counts into `counts`."""

    def __init__(self, port: int, upstream: tuple[str, int]) -> None:
        self.port, self.upstream = port, upstream
        self.counts = Counts()
        self.server: asyncio.Server | None = None

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._client, "127.0.0.1", self.port)

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()

    def _count(self, sql: str) -> None:
        if _is_control(sql):
            self.counts.control += 1
        else:
            self.counts.statements += 1

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            # Startup: untyped messages; refuse SSL/GSS encryption, forward the real startup.
            while True:
                head = await reader.readexactly(8)
                length, code = struct.unpack("!ii", head)
                rest = await reader.readexactly(length - 8)
                if code in (SSL_REQUEST, GSS_REQUEST):
                    writer.write(b"N")
                    await writer.drain()
                    continue
                break
            up_reader, up_writer = await asyncio.open_connection(*self.upstream)
            up_writer.write(head + rest)
            back = asyncio.create_task(self._pipe(up_reader, writer))
            await self._messages(reader, up_writer)
            back.cancel()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def _messages(self, reader: asyncio.StreamReader, up: asyncio.StreamWriter) -> None:
        statements: dict[bytes, str] = {}
        portals: dict[bytes, str] = {}
        try:
            while True:
                kind = await reader.readexactly(1)
                (length,) = struct.unpack("!i", await reader.readexactly(4))
                body = await reader.readexactly(length - 4)
                if kind == b"Q":
                    self._count(body.split(b"\0", 1)[0].decode(errors="replace"))
                elif kind == b"P":
                    name, rest = body.split(b"\0", 1)
                    statements[name] = rest.split(b"\0", 1)[0].decode(errors="replace")
                elif kind == b"B":
                    portal, rest = body.split(b"\0", 1)
                    portals[portal] = statements.get(rest.split(b"\0", 1)[0], "")
                elif kind == b"E":
                    self._count(portals.get(body.split(b"\0", 1)[0], ""))
                up.write(kind + struct.pack("!i", length) + body)
                await up.drain()
                if kind == b"X":
                    return
        finally:
            up.close()
