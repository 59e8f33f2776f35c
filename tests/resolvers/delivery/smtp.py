"""A real SMTP server (aiosmtpd) on a loopback port, keeping what it receives."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class Mailbox:
    """What the server received: (envelope recipients, parsed message)."""

    received: list[tuple[list[str], EmailMessage]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    refuse: int = 0  # answer the next `refuse` messages with 451 (a temporary failure)
    host: str = "127.0.0.1"
    port: int = 0

    def mails(self) -> list[tuple[list[str], EmailMessage]]:
        with self.lock:
            return list(self.received)


class _Handler:
    def __init__(self, box: Mailbox) -> None:
        self.box = box

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.box.lock:
            if self.box.refuse:
                self.box.refuse -= 1
                return "451 try again later"
            parsed = message_from_bytes(envelope.content, policy=policy.default)
            assert isinstance(parsed, EmailMessage)
            self.box.received.append((list(envelope.rcpt_tos), parsed))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def smtp_server(box: Mailbox | None = None) -> Iterator[Mailbox]:
    """An aiosmtpd server on 127.0.0.1 (a free port) in its own thread."""
    box = box or Mailbox()
    box.port = _free_port()
    controller = Controller(_Handler(box), hostname="127.0.0.1", port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()
