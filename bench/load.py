"""A small HTTP/1.1 load generator for loopback: keep-alive connections, a fixed number of
requests, prebuilt request bytes, latency of every request.

Each of `concurrency` connections sends its next request as soon as the previous response
is read, until `total` requests have been sent. A response counts as an error unless its
status is 200 and its body carries no GraphQL error (`"errors":[{`).
"""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass, field


def http_post(path: str, body: bytes, headers: dict[str, str] | None = None) -> bytes:
    """A complete POST request."""
    lines = [
        f"POST {path} HTTP/1.1",
        "Host: 127.0.0.1",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
        *(f"{k}: {v}" for k, v in (headers or {}).items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


@dataclass
class Result:
    """Latencies (seconds) of the requests, errors and the wall time of the run."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str | None = None
    elapsed: float = 0.0
    response_bytes: int = 0

    @property
    def rate(self) -> float:
        """Successful responses per second (an error, e.g. a timeout, counts for nothing)."""
        ok = len(self.latencies) - self.errors
        return ok / self.elapsed if self.elapsed else 0.0

    def percentile(self, p: float) -> float:
        """The p-th percentile latency in milliseconds (nearest rank)."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        rank = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
        return ordered[rank] * 1000


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """Status and body of one response (Content-Length or chunked)."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = None
    chunked = False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if length is not None:
        return status, await reader.readexactly(length)
    if not chunked:
        return status, b""
    parts = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0].strip(), 16)
        if size == 0:
            await reader.readuntil(b"\r\n")
            return status, b"".join(parts)
        parts.append((await reader.readexactly(size + 2))[:-2])


async def run(
    port: int, requests: list[bytes], total: int, concurrency: int, host: str = "127.0.0.1"
) -> Result:
    """Send `total` requests (cycling through `requests`) over `concurrency` connections."""
    result = Result()
    counter = itertools.count()

    async def connection() -> None:
        reader, writer = await asyncio.open_connection(host, port, limit=2**24)
        try:
            while (i := next(counter)) < total:
                started = time.perf_counter()
                writer.write(requests[i % len(requests)])
                status, body = await read_response(reader)
                result.latencies.append(time.perf_counter() - started)
                result.response_bytes += len(body)
                if status != 200 or b'"errors":[{' in body or b'"errors" : [{' in body:
                    result.errors += 1
                    if result.first_error is None:
                        result.first_error = f"{status}: {body[:300]!r}"
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(concurrency)))
    result.elapsed = time.perf_counter() - started
    return result


async def fetch(port: int, request: bytes, host: str = "127.0.0.1") -> tuple[int, bytes]:
    """One request on its own connection: the status and the body."""
    reader, writer = await asyncio.open_connection(host, port, limit=2**24)
    try:
        writer.write(request)
        return await read_response(reader)
    finally:
        writer.close()
