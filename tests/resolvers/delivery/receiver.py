"""A real HTTP webhook receiver on a loopback port, verifying Standard Webhooks signatures."""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import orjson
from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    """One request as the receiver saw it."""

    webhook_id: str
    body: dict[str, Any]
    verified: bool
    answered: int
    raw: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Receiver:
    """Answers with `script` (500, "timeout": sleeps past the worker's timeout, 200 …), then
    with `default`; verifies each request with `secrets` (any one matching)."""

    secrets: list[str] = field(default_factory=list)
    script: list[int | str] = field(default_factory=list)
    default: int | str = 200
    delay: float = 0.0  # seconds every request takes
    sleep: float = 3.0  # how long "timeout" sleeps
    received: list[Received] = field(default_factory=list)
    # Requests that arrived, counted before the `delay` (`received` records them after it).
    arrived: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""
    sni: str | None = None

    def verify(self, raw: bytes, headers: dict[str, str]) -> bool:
        for secret in self.secrets:
            try:
                Webhook(secret).verify(raw, headers)
                return True
            except WebhookVerificationError:
                continue
        return False

    def answer(self) -> int | str:
        with self.lock:
            return self.script.pop(0) if self.script else self.default

    def delivered(self) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.answered == 200]


@contextlib.contextmanager
def running(
    receiver: Receiver,
    *,
    bind: str = "127.0.0.1",
    name: str | None = None,
    tls: ssl.SSLContext | None = None,
) -> Iterator[Receiver]:
    """Serve `receiver` on `bind` (a free port) in a thread; its URL names `name` (default:
    the address), https with `tls`. The last request's TLS server name (SNI) is `sni`."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("content-length", "0")))
            headers = {k.lower(): v for k, v in self.headers.items()}
            verified = receiver.verify(raw, headers)
            with receiver.lock:
                receiver.arrived += 1
            if receiver.delay:
                time.sleep(receiver.delay)
            action = receiver.answer()
            timed_out = action == "timeout"
            with receiver.lock:  # recorded on arrival, in the order the requests came
                receiver.received.append(
                    Received(
                        headers.get("webhook-id", ""),
                        orjson.loads(raw),
                        verified,
                        -1 if timed_out else int(action),
                        raw,
                        headers,
                    )
                )
            if timed_out:
                time.sleep(receiver.sleep)  # past the worker's timeout: it sees no answer
            code = 200 if timed_out else int(action)
            try:
                self.send_response(code)
                self.send_header("content-length", "0")
                self.end_headers()
            except OSError:
                pass  # the worker gave up waiting

        def log_message(self, *args: Any) -> None:
            pass

    class Server(ThreadingHTTPServer):
        address_family = socket.AF_INET6 if ":" in bind else socket.AF_INET

    server = Server((bind, 0), Handler)
    server.daemon_threads = True
    if tls is not None:

        def remember(_sock: Any, server_name: str | None, _ctx: Any) -> None:
            receiver.sni = server_name

        tls.sni_callback = remember
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    host = name or (f"[{bind}]" if ":" in bind else bind)
    scheme = "https" if tls is not None else "http"
    receiver.url = f"{scheme}://{host}:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
