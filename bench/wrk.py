"""The external load generator: `wrk` (C, its own process: it shares no runtime with the
Python servers) driven by a generated Lua script that cycles through prebuilt requests.

Each run writes bench/.work/<tag>.lua holding the raw HTTP requests (so a row can round-robin
over a thousand viewers' tokens), runs `wrk -t THREADS -c CONNECTIONS -d SECONDS` against the
port, and reads back one JSON line printed by the script's done(): completed requests, wall
time, GraphQL or HTTP errors (a response counts as an error unless its status is 200 and its
body carries no `"errors": [{`), socket errors and latency percentiles.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

WORK = Path(__file__).resolve().parent / ".work"

SCRIPT = r"""
local n = #reqs
local i = 0
errors = 0
local threads = {}

function setup(thread)
  thread:set("offset", #threads * 7919)
  table.insert(threads, thread)
end

function init(args)
  i = offset or 0
end

function request()
  i = i + 1
  return reqs[(i % n) + 1]
end

function response(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"%s*:%s*%[%s*{') then
    errors = errors + 1
  end
end

function done(summary, latency, requests)
  local e = 0
  for _, t in ipairs(threads) do e = e + t:get("errors") end
  local s = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests": %d, "duration_us": %d, "errors": %d, "socket_errors": %d, ' ..
    '"p50_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, e, s.connect + s.read + s.write + s.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""


def binary() -> str:
    """The wrk executable, or a clear failure (`make bench` installs it when it can)."""
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit(
            "bench: the load generator `wrk` is missing: install it (Debian: apt-get install -y "
            "wrk) and run `make bench` again"
        )
    return found


def lua_string(data: bytes) -> str:
    """`data` as a Lua string literal (3-digit decimal escapes keep CR LF and UTF-8 exact)."""
    out = []
    for b in data:
        if 32 <= b < 127 and b not in (34, 92):
            out.append(chr(b))
        else:
            out.append(f"\\{b:03d}")
    return '"' + "".join(out) + '"'


@dataclass
class Result:
    requests: int
    seconds: float
    errors: int  # HTTP or GraphQL errors among the completed requests
    socket_errors: int  # connect, read, write errors and timeouts (not completed)
    p50_ms: float
    p99_ms: float
    max_ms: float

    @property
    def ok(self) -> int:
        return max(0, self.requests - self.errors)

    @property
    def rate(self) -> float:
        """Successful responses per second (errors, e.g. timeouts, count for nothing)."""
        return self.ok / self.seconds if self.seconds else 0.0


async def run(
    port: int,
    requests: list[bytes],
    seconds: float,
    connections: int,
    tag: str,
    threads: int = 1,
    request_timeout: float = 30,
) -> Result:
    """Drive `requests` (cycled) at 127.0.0.1:`port` for `seconds` on `connections`."""
    WORK.mkdir(exist_ok=True)
    script = WORK / f"{tag}.lua"
    body = ",\n".join(lua_string(r) for r in requests)
    script.write_text("reqs = {\n" + body + "\n}\n" + SCRIPT)
    command = [
        binary(), "-t", str(threads), "-c", str(max(connections, threads)),
        "-d", f"{max(1, round(seconds))}s", "--timeout", f"{int(request_timeout)}s",
        "-s", str(script), f"http://127.0.0.1:{port}/",
    ]  # fmt: skip
    process = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    try:
        out, err = await process.communicate()
    except asyncio.CancelledError:
        process.kill()
        await process.wait()
        raise
    for line in out.decode().splitlines():
        if line.startswith("BENCHJSON "):
            data = json.loads(line.removeprefix("BENCHJSON "))
            if not data["requests"]:  # nothing completed: no latency to report
                data["p50_us"] = data["p99_us"] = data["max_us"] = float("nan")
            return Result(
                requests=data["requests"],
                seconds=data["duration_us"] / 1e6,
                errors=data["errors"],
                socket_errors=data["socket_errors"],
                p50_ms=data["p50_us"] / 1000,
                p99_ms=data["p99_us"] / 1000,
                max_ms=data["max_us"] / 1000,
            )
    raise RuntimeError(f"wrk gave no result (exit {process.returncode}): {err.decode()[-500:]}")
