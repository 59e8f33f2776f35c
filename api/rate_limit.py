"""Rate limits per caller: a viewer, a partner's API key, or else a client address.

Every request to /graphql (HTTP, and WebSocket connection attempts), /export/ and /files/
(evidence downloads) spends one unit of its caller's budget: GOVGRAPH_RATE_LIMIT; a partner
key's own `api_key.rate_limit` (`govgraph key create --rate-limit`), else
GOVGRAPH_RATE_LIMIT_KEY. Uploads (the ledger import) and exports
spend one of a second, stricter budget too (GOVGRAPH_RATE_LIMIT_HEAVY). /healthz, /metrics and
static files are never limited.

The caller is the verified identity, never a claimed one, so nobody can spend another caller's
budget: a bearer token that verifies (the token's unit, role and subject), an API key whose
secret matches (its id; looked up once, then remembered by its hash), else the client address.
A credential that does not verify counts against the address and is refused later as usual.

Budgets are moving windows (the `limits` package) kept in this process, or in Redis when
GOVGRAPH_REDIS_URL is set, where every worker and server shares them. A refused request is 429
with `Retry-After` (seconds) and a GraphQL-shaped body (`extensions.code` RATE_LIMITED and a
request id); a refused WebSocket is accepted and closed at once with code 4429. When Redis
fails, requests pass (limits are a guard, not a dependency) and the failure is logged and
counted.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import orjson
from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from prometheus_client import Counter
from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from api import errors
from api.api_keys import KeyBudget
from api.auth import AuthenticationError, viewer_from_header
from api.graphql_http import response_media_type
from api.settings import Settings
from models.messages import message, negotiate
from resolvers.errors import RequestErrorCode as Code

logger = logging.getLogger("govgraph")

REFUSED = Counter(
    "govgraph_rate_limited_total",
    "Requests and WebSocket connections refused by a rate limit",
    ["path", "caller", "limit"],
)
STORAGE_ERRORS = Counter(
    "govgraph_rate_limit_errors_total",
    "Rate-limit checks that failed (Redis unreachable) and let the request pass",
)

LIMITED_PATHS = ("/graphql", "/export/", "/files/")
HEAVY_PATHS = ("/export/",)
KNOWN_KEYS = 4096  # API keys remembered (sha256 of the key -> budget) by this process
KEY_MEMORY_SECONDS = 300

# Looks up an API key: its id and own limit when the secret matches (revoked or expired
# alike), else None.
KeyLookup = Callable[[str], Awaitable[KeyBudget | None]]


@dataclass(frozen=True)
class Caller:
    """Whose budget a request spends: kind (viewer, key, address) and identity."""

    kind: str
    identity: str
    # A partner key's own limit (api_key.rate_limit), instead of GOVGRAPH_RATE_LIMIT_KEY.
    rate_limit: str | None = None


@dataclass(frozen=True)
class Refusal:
    """A spent budget: which one, and when to retry (whole seconds, at least 1)."""

    limit: str
    retry_after: int


class RateLimiter:
    """The budgets and their storage (memory, or Redis shared by every worker)."""

    def __init__(self, settings: Settings) -> None:
        self.requests = parse_many(settings.rate_limit) if settings.rate_limit else []
        self.key_requests = (
            parse_many(settings.rate_limit_key) if settings.rate_limit_key else self.requests
        )
        self.heavy = parse_many(settings.rate_limit_heavy) if settings.rate_limit_heavy else []
        self.own_limits: dict[str, list[RateLimitItem]] = {}  # keys' own limits, parsed
        self.storage: Storage
        if settings.redis_url:
            self.storage = RedisStorage(
                "async+" + settings.redis_url,
                implementation="redispy",
                key_prefix=settings.rate_limit_prefix,
            )
        else:
            self.storage = MemoryStorage()
        self.strategy = MovingWindowRateLimiter(self.storage)

    @property
    def enabled(self) -> bool:
        """Whether any budget is configured."""
        return bool(self.requests or self.key_requests or self.heavy)

    async def spend(self, caller: Caller, *, heavy: bool) -> Refusal | None:
        """Spend one unit of each of the caller's budgets; the first one spent already refuses
        (and the ones after it are not touched)."""
        budgets = [("requests", item) for item in self._requests(caller)]
        if heavy:
            budgets += [("heavy", item) for item in self.heavy]
        for name, item in budgets:
            if not await self.strategy.hit(item, caller.kind, caller.identity, name):
                reset, _ = await self.strategy.get_window_stats(
                    item, caller.kind, caller.identity, name
                )
                return Refusal(name, max(1, math.ceil(reset - time.time())))
        return None

    def _requests(self, caller: Caller) -> list[RateLimitItem]:
        if caller.kind != "key":
            return self.requests
        if caller.rate_limit is None:
            return self.key_requests
        own = self.own_limits.get(caller.rate_limit)
        if own is None:
            try:
                own = parse_many(caller.rate_limit)
            except ValueError:  # stored by hand and unreadable: the default, and say so
                logger.warning("API key %s: unreadable rate limit", caller.identity)
                own = self.key_requests
            self.own_limits[caller.rate_limit] = own
        return own

    async def close(self) -> None:
        """Close the Redis connections (the memory storage holds none)."""
        client = getattr(getattr(self.storage, "bridge", None), "storage", None)
        if client is not None:  # redis.asyncio.Redis
            await client.aclose()


class RateLimit:
    """ASGI middleware: spends the caller's budget, refuses with 429 (or 4429) when spent."""

    def __init__(
        self, app: ASGIApp, *, limiter: RateLimiter, settings: Settings, find_key: KeyLookup
    ) -> None:
        self.app, self.limiter, self.settings = app, limiter, settings
        self.find_key = find_key
        self.known_keys: OrderedDict[str, tuple[float, KeyBudget]] = OrderedDict()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if (
            scope["type"] not in ("http", "websocket")
            or not self.limiter.enabled
            or not (path == "/graphql" or path.startswith(LIMITED_PATHS))
        ):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        heavy = path.startswith(HEAVY_PATHS) or (
            scope["type"] == "http"
            and headers.get("content-type", "").startswith("multipart/form-data")
        )
        caller = await self.caller(scope, headers)
        try:
            refusal = await self.limiter.spend(caller, heavy=heavy)
        except Exception:  # Redis down: let it pass, say so
            STORAGE_ERRORS.inc()
            logger.warning("rate limit check failed; request let through", exc_info=True)
            refusal = None
        if refusal is None:
            await self.app(scope, receive, send)
            return
        REFUSED.labels(
            "/graphql" if path == "/graphql" else path[: path.index("/", 1)],
            caller.kind,
            refusal.limit,
        ).inc()
        if scope["type"] == "websocket":
            await _close_websocket(scope, receive, send, refusal)
        else:
            await _too_many_requests(headers, refusal)(scope, receive, send)

    async def caller(self, scope: Scope, headers: Headers) -> Caller:
        """The verified viewer or key of the request's credentials, else its client address."""
        authorization, api_key = headers.get("authorization"), headers.get("x-api-key")
        if authorization and authorization.lower().startswith("apikey "):
            api_key, authorization = authorization[7:].strip(), None
        if api_key:
            budget = await self._key_budget(api_key)
            if budget is not None:
                return Caller("key", str(budget.id), budget.rate_limit)
        elif authorization:
            try:
                viewer = viewer_from_header(self.settings.secret, authorization)
            except AuthenticationError:
                viewer = None
            if viewer is not None and not viewer.anonymous:
                role = viewer.role.value if viewer.role else ""
                return Caller("viewer", f"{viewer.unit_id}/{role}/{viewer.subject}")
        client = scope.get("client")
        return Caller("address", client[0] if client else "unknown")

    async def _key_budget(self, key: str) -> KeyBudget | None:
        """The key's budget when its secret matches; a matching key is remembered by its hash
        (for KEY_MEMORY_SECONDS: a changed limit applies after at most that long)."""
        digest = hashlib.sha256(key.encode()).hexdigest()
        known = self.known_keys.get(digest)
        if known is not None and known[0] > time.monotonic():
            self.known_keys.move_to_end(digest)
            return known[1]
        try:
            budget = await self.find_key(key)
        except Exception:  # the database is down: the address's budget, /graphql says why
            logger.warning("rate limit: API key lookup failed", exc_info=True)
            return None
        if budget is not None:
            self.known_keys[digest] = (time.monotonic() + KEY_MEMORY_SECONDS, budget)
            self.known_keys.move_to_end(digest)
            if len(self.known_keys) > KNOWN_KEYS:
                self.known_keys.popitem(last=False)
        return budget


def _message(refusal: Refusal, headers: Headers | None = None) -> str:
    """The refusal in the client's language (Accept-Language)."""
    text = message("RATE_LIMITED", seconds=refusal.retry_after)
    return text.render(negotiate(headers.get("accept-language") if headers else None))


def _too_many_requests(headers: Headers, refusal: Refusal) -> Response:
    """429 with Retry-After and a GraphQL error body (RATE_LIMITED, the request id)."""
    request_id = (headers.get("x-request-id") or uuid.uuid4().hex)[:64]
    body = errors.error_body(_message(refusal, headers), Code.RATE_LIMITED, request_id)
    body["errors"][0]["extensions"]["retryAfter"] = refusal.retry_after
    return Response(
        orjson.dumps(body),
        status_code=429,
        media_type=response_media_type(headers.get("accept")),
        headers={"retry-after": str(refusal.retry_after)},
    )


async def _close_websocket(scope: Scope, receive: Receive, send: Send, refusal: Refusal) -> None:
    """Accept the upgrade (with the client's subprotocol) and close it at once with 4429."""
    message = await receive()
    if message["type"] != "websocket.connect":
        return
    protocols = scope.get("subprotocols") or []
    await send({"type": "websocket.accept", "subprotocol": protocols[0] if protocols else None})
    reason = errors.close_reason(_message(refusal, Headers(scope=scope)))  # the upgrade's language
    await send({"type": "websocket.close", "code": 4429, "reason": reason})
