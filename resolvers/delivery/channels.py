"""Channels that reach people (issue 18, point 3): one interface, two implementations.

A channel sends one `Outgoing` message (address, subject, text, id) and raises ChannelError
when it could not; the worker (resolvers/delivery/people.py) retries with backoff and ends in
DEAD like a webhook delivery. `channels_from_env` builds the configured ones:

- EMAIL: SMTP through aiosmtplib. GOVGRAPH_SMTP_URL = smtp://[user:password@]host[:port]
  (`?starttls=1` to upgrade; smtps:// for implicit TLS), GOVGRAPH_SMTP_FROM the sender.
  The Message-ID is derived from the message id, so a resend is recognisably the same mail.
- HTTP_GATEWAY: any SMS / 政务微信 / 钉钉 gateway that takes an HTTP POST.
  GOVGRAPH_GATEWAY_URL is the URL (its {address} … placeholders are URL-quoted),
  GOVGRAPH_GATEWAY_BODY a JSON template whose string values may hold {address}, {subject},
  {text} and {id} (substituted inside the parsed JSON, so values are escaped correctly), and
  GOVGRAPH_GATEWAY_HEADERS a JSON object of extra headers (a token). A 2xx answer is success.
  The URL is guarded like a webhook's (resolvers/delivery/targets.py: resolved once, no
  private address unless configured, connected to by address).

Another gateway is another class with `send`: register it in `channels_from_env`.
"""

from __future__ import annotations

import os
import string
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Any, Protocol
from urllib.parse import parse_qs, quote, unquote, urlsplit

import aiosmtplib
import httpx
import orjson

from models.contact import ContactChannel
from resolvers.delivery.targets import Refused, TargetPolicy, resolve

DEFAULT_GATEWAY_BODY = '{"to": "{address}", "title": "{subject}", "text": "{text}", "id": "{id}"}'


class ChannelError(Exception):
    """The channel could not send the message (retried, then dead)."""


@dataclass(frozen=True)
class Outgoing:
    """One message to one address."""

    id: str  # the notification's id: stable across retries
    address: str
    subject: str
    text: str


class Channel(Protocol):
    """Sends messages of one kind."""

    async def send(self, message: Outgoing) -> None:
        """Send it, or raise ChannelError."""
        ...


@dataclass
class EmailChannel:
    """Plain-text UTF-8 mail over SMTP."""

    host: str
    port: int = 25
    sender: str = "govgraph@localhost"
    username: str | None = None
    password: str | None = None
    use_tls: bool = False
    start_tls: bool = False
    timeout: float = 10.0

    @classmethod
    def from_url(cls, url: str, sender: str, timeout: float = 10.0) -> EmailChannel:
        """smtp://[user:password@]host[:port][?starttls=1], or smtps://…"""
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("GOVGRAPH_SMTP_URL must be smtp://host[:port] or smtps://…")
        query = parse_qs(parts.query)
        implicit = parts.scheme == "smtps"
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if implicit else 25),
            sender=sender,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            use_tls=implicit,
            start_tls=query.get("starttls", ["0"])[0] in ("1", "true", "yes"),
            timeout=timeout,
        )

    def compose(self, message: Outgoing) -> EmailMessage:
        """The mail (the tests read it back from a real SMTP server)."""
        mail = EmailMessage()
        mail["From"] = formataddr(("govgraph 协同督办", self.sender))
        mail["To"] = message.address
        mail["Subject"] = message.subject
        domain = self.sender.rpartition("@")[2] or "govgraph"
        mail["Message-ID"] = make_msgid(idstring=message.id, domain=domain)
        mail["X-Govgraph-Notification"] = message.id
        mail.set_content(message.text, charset="utf-8")
        return mail

    async def send(self, message: Outgoing) -> None:
        """Send it through the SMTP server."""
        try:
            await aiosmtplib.send(
                self.compose(message),
                hostname=self.host,
                port=self.port,
                username=self.username,
                password=self.password,
                use_tls=self.use_tls,
                start_tls=self.start_tls,
                timeout=self.timeout,
            )
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise ChannelError(f"SMTP: {type(exc).__name__}: {exc}"[:500]) from exc


def _fill(template: Any, values: dict[str, str]) -> Any:
    """The JSON template with `{name}` replaced in every string (keys and values)."""
    if isinstance(template, str):
        return string.Formatter().vformat(template, (), values)
    if isinstance(template, list):
        return [_fill(item, values) for item in template]
    if isinstance(template, dict):
        return {_fill(k, values): _fill(v, values) for k, v in template.items()}
    return template


@dataclass
class HttpGatewayChannel:
    """A POST of a JSON body built from a template, to a URL built from a template."""

    url: str
    body: str = DEFAULT_GATEWAY_BODY
    headers: dict[str, str] = field(default_factory=dict)
    timeout: float = 10.0
    # where the URL may point: the webhooks' guard (resolvers/delivery/targets.py)
    policy: TargetPolicy = field(default_factory=TargetPolicy.from_env)

    def __post_init__(self) -> None:
        self.template = orjson.loads(self.body)  # a bad template fails at start, not per send

    def request(self, message: Outgoing) -> tuple[str, bytes]:
        """(URL, JSON body) for the message."""
        values = {
            "address": message.address,
            "subject": message.subject,
            "text": message.text,
            "id": message.id,
        }
        quoted = {k: quote(v, safe="") for k, v in values.items()}
        url = string.Formatter().vformat(self.url, (), quoted)
        return url, orjson.dumps(_fill(self.template, values))

    async def send(self, message: Outgoing) -> None:
        """POST it; a non-2xx answer or a transport error is a ChannelError."""
        url, body = self.request(message)
        try:
            target = await resolve(url, self.policy)  # once; connected to by address
        except Refused as exc:
            raise ChannelError(f"gateway: refused {exc}"[:500]) from exc
        headers = {"content-type": "application/json", **self.headers, **target.headers}
        try:
            async with httpx.AsyncClient(
                timeout=httpx.Timeout(self.timeout), follow_redirects=False, trust_env=False
            ) as client:
                response = await client.post(
                    target.url, content=body, headers=headers, extensions=target.extensions
                )
        except httpx.HTTPError as exc:
            raise ChannelError(f"gateway: {type(exc).__name__}: {exc}"[:500]) from exc
        if not 200 <= response.status_code < 300:
            raise ChannelError(f"gateway: HTTP {response.status_code}")


def channels_from_env() -> dict[str, Channel]:
    """The configured channels by ContactChannel value (an unconfigured one is absent: its
    messages fail and are retried until it is configured or they die)."""
    env = os.environ.get
    timeout = float(env("GOVGRAPH_CHANNEL_TIMEOUT_SECONDS", "10"))
    channels: dict[str, Channel] = {}
    if smtp := env("GOVGRAPH_SMTP_URL"):
        sender = env("GOVGRAPH_SMTP_FROM", "govgraph@localhost")
        channels[ContactChannel.EMAIL.value] = EmailChannel.from_url(smtp, sender, timeout)
    if gateway := env("GOVGRAPH_GATEWAY_URL"):
        channels[ContactChannel.HTTP_GATEWAY.value] = HttpGatewayChannel(
            url=gateway,
            body=env("GOVGRAPH_GATEWAY_BODY") or DEFAULT_GATEWAY_BODY,
            headers=orjson.loads(env("GOVGRAPH_GATEWAY_HEADERS") or "{}"),
            timeout=timeout,
        )
    return channels
