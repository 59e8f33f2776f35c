"""Persisted operations: automatic persisted queries (APQ) and trusted documents (issue 19).

**The protocol** (Apollo Client's `PersistedQueryLink` and urql's `persistedExchange` speak
it): a request names its operation by `extensions.persistedQuery = {"version": 1,
"sha256Hash": "<64 hex digits>"}`, in a POST body or a GET `extensions` parameter, and leaves
`query` out. A known hash runs the stored text. An unknown one is answered with HTTP 200 and
one error, message `PersistedQueryNotFound`, code PERSISTED_QUERY_NOT_FOUND (the links look
for exactly these, and stop using persisted queries after a 400 or 500); the link then sends
the text with the hash, which is checked (SHA-256 of the text's UTF-8, lowercase hex:
PERSISTED_QUERY_HASH_MISMATCH, 400) and kept. Reads sent as GET are cacheable: see `cache_headers`.

**Modes** (GOVGRAPH_PERSISTED_QUERIES):
- `apq` (the default): any operation runs; the texts clients register are kept per worker,
  at most `apq_cache_size` of them, least recently used first out (a registration costs the
  client one round trip more; a miss on another worker is answered PersistedQueryNotFound
  and the link sends the text again).
- `trusted`: only operations registered with `govgraph operations register` (table
  `trusted_operation`: the dashboard's and the docs' operations by default) run, named by
  their hash or sent as text whose hash is registered; anything else is refused with 403,
  OPERATION_NOT_TRUSTED, whether it comes as JSON, GET, a multipart upload or over
  WebSocket (`TrustedOperations`, a schema extension, checks what strawberry runs;
  `resolve` checks JSON and GET requests before the compiled path sees them). GraphiQL's
  free-form queries are refused too: a production deployment that knows its clients.
- `off`: a persisted-query request is answered PersistedQueryNotSupported (200; the links
  then send the text every time).

The hash names the text exactly: the dashboard sends its .graphql files verbatim, so
registering the files registers what it sends. `resolve` hands the request on with `query`
filled in and `persistedQuery` removed from `extensions`, so everything after it (the
compiled plans, keyed by the text, the hygiene checks, the limits) sees an ordinary request.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

import orjson
import sqlalchemy as sa
from graphql import GraphQLError
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from starlette.requests import Request
from starlette.responses import Response
from strawberry.extensions import SchemaExtension

from api import errors, graphql_http
from api.settings import parse_persisted_mode
from models import TrustedOperation
from resolvers.errors import RequestErrorCode as Code

APQ_VERSION = 1
HASH = re.compile(r"[0-9a-f]{64}")
NOT_FOUND = "PersistedQueryNotFound"  # the links compare the message itself
NOT_SUPPORTED = "PersistedQueryNotSupported"

trusted_t: sa.Table = TrustedOperation.__table__  # type: ignore[attr-defined]


def sha256_of(text: str) -> str:
    """The name of an operation: SHA-256 of its text's UTF-8, lowercase hex (as the links)."""
    return hashlib.sha256(text.encode()).hexdigest()


class Refused(Exception):
    """A persisted-operation request that cannot run: status, message and code."""

    def __init__(self, status: int, message: str, code: Code) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code


def not_trusted() -> Refused:
    return Refused(
        403,
        "operation not on the trusted list (GOVGRAPH_PERSISTED_QUERIES=trusted): "
        "register it with `govgraph operations register`",
        Code.OPERATION_NOT_TRUSTED,
    )


@dataclass
class PersistedOperations:
    """The per-process store of persisted operations and the mode's rules (module docstring)."""

    mode: str = "apq"
    apq_cache_size: int = 2_000
    engine: AsyncEngine | None = None

    def __post_init__(self) -> None:
        self.mode = parse_persisted_mode(self.mode)
        self._apq: OrderedDict[str, str] = OrderedDict()
        self._trusted: dict[str, str] = {}  # hashes found registered, with their text

    # -- the store -------------------------------------------------------------------------
    async def text_of(self, sha256: str) -> str | None:
        """The operation a hash names, or None (trusted: registered ones only)."""
        if self.mode == "trusted":
            return await self._registered(sha256)
        text = self._apq.get(sha256)
        if text is not None:
            self._apq.move_to_end(sha256)
        return text

    def remember(self, sha256: str, text: str) -> None:
        """Keep an APQ registration (the least recently used goes past the bound)."""
        if self.mode != "apq":
            return
        self._apq[sha256] = text
        self._apq.move_to_end(sha256)
        while len(self._apq) > self.apq_cache_size:
            self._apq.popitem(last=False)

    async def require_trusted(self, text: str) -> None:
        """Trusted mode: refuse an operation whose text is not registered (Refused, 403)."""
        if self.mode == "trusted" and await self._registered(sha256_of(text)) is None:
            raise not_trusted()

    async def _registered(self, sha256: str) -> str | None:
        known = self._trusted.get(sha256)
        if known is not None or self.engine is None:
            return known
        async with self.engine.connect() as conn:
            body = await conn.scalar(
                sa.select(trusted_t.c.body).where(trusted_t.c.sha256 == sha256)
            )
        if body is not None:
            self._trusted[sha256] = body  # registrations are never edited, only added
        return body

    # -- requests --------------------------------------------------------------------------
    async def resolve(self, request: Request) -> Request:
        """The request with a persisted operation's text filled in, or as it came; raises
        Refused. Only JSON POSTs and GETs can name a persisted operation."""
        # Outside trusted mode only a request naming a persisted query changes: the others
        # (almost all) are not parsed here (the compiled path and strawberry parse them).
        looked_for = self.mode == "trusted"
        if request.method == "GET":
            query_string = request.scope.get("query_string", b"")
            if not looked_for and b"persistedQuery" not in query_string:
                return request
            return await self._resolve_get(request)
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if request.method != "POST" or content_type != graphql_http.JSON:
            return request
        raw = await request.body()
        if not looked_for and b"persistedQuery" not in raw:
            return request
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return request  # the full path answers with its 400
        if not isinstance(body, dict):
            return request
        resolved = await self._resolve_body(body)
        if resolved is None:
            return request
        rewritten = Request(request.scope, request.receive)
        rewritten._body = orjson.dumps(resolved)  # Starlette's own cache of the body
        return rewritten

    async def _resolve_get(self, request: Request) -> Request:
        params = dict(parse_qsl(request.scope.get("query_string", b"").decode("latin-1")))
        if "extensions" not in params and "query" not in params:
            return request  # GraphiQL's page
        body: dict[str, Any] = {"query": params.get("query")}
        if "extensions" in params:
            try:
                body["extensions"] = orjson.loads(params["extensions"])
            except orjson.JSONDecodeError:
                return request  # the full path answers with its 400
        resolved = await self._resolve_body(body)
        if resolved is None:
            return request
        params["query"] = resolved["query"]
        if resolved.get("extensions"):
            params["extensions"] = orjson.dumps(resolved["extensions"]).decode()
        else:
            params.pop("extensions", None)
        scope = dict(request.scope)
        scope["query_string"] = urlencode(params).encode()
        return Request(scope, request.receive)

    async def _resolve_body(self, body: dict[str, Any]) -> dict[str, Any] | None:
        """The body with `query` filled in (None: nothing to change); raises Refused."""
        query = body.get("query")
        extensions = body.get("extensions")
        if not isinstance(extensions, dict) or extensions.get("persistedQuery") is None:
            if isinstance(query, str):
                await self.require_trusted(query)
            return None
        if self.mode == "off":
            raise Refused(200, NOT_SUPPORTED, Code.PERSISTED_QUERY_NOT_SUPPORTED)
        sha256 = _hash_of(extensions["persistedQuery"])
        if isinstance(query, str):
            if sha256_of(query) != sha256:
                raise Refused(
                    400,
                    "provided sha256Hash does not match the query",
                    Code.PERSISTED_QUERY_HASH_MISMATCH,
                )
            await self.require_trusted(query)
            self.remember(sha256, query)
        else:
            if query is not None:
                raise Refused(400, "query must be a string", Code.BAD_REQUEST)
            found = await self.text_of(sha256)
            if found is None:
                raise Refused(200, NOT_FOUND, Code.PERSISTED_QUERY_NOT_FOUND)
            query = found
        rest = {k: v for k, v in extensions.items() if k != "persistedQuery"}
        resolved = {**body, "query": query}
        if rest:
            resolved["extensions"] = rest
        else:
            resolved.pop("extensions", None)
        return resolved


def _hash_of(persisted: Any) -> str:
    """The sha256Hash of a `persistedQuery` extension (version 1), or Refused (400)."""
    if not isinstance(persisted, dict) or persisted.get("version") != APQ_VERSION:
        raise Refused(400, "persistedQuery must be {version: 1, sha256Hash: …}", Code.BAD_REQUEST)
    sha256 = persisted.get("sha256Hash")
    if not isinstance(sha256, str) or not HASH.fullmatch(sha256):
        raise Refused(
            400, "persistedQuery.sha256Hash must be 64 lowercase hex digits", Code.BAD_REQUEST
        )
    return sha256


def refusal_response(request: Request, refused: Refused) -> Response:
    """A Refused as one error with its code and the request id (api/errors.py)."""
    body = errors.error_body(refused.message, refused.code, errors.request_id(request))
    media_type = graphql_http.response_media_type(request.headers.get("accept"))
    return Response(orjson.dumps(body), status_code=refused.status, media_type=media_type)


# -- caching GET reads ------------------------------------------------------------------------
def cache_headers(request: Request, response: Response, *, public: bool, max_age: int) -> Response:
    """ETag and Cache-Control on a GET's GraphQL result; 304 when If-None-Match names it.

    `public`: the anonymous demo viewer's data (the same for every caller without
    credentials): `public, max-age`; anything a credential selects is `private, no-cache`
    (revalidate: the ETag still saves the body). Errors are not cached.
    """
    if request.method != "GET" or response.status_code != 200:
        return response
    if not graphql_http.is_graphql_result(response.headers.get("content-type", "")):
        return response  # GraphiQL's page
    if b'"errors"' in response.body:
        response.headers["cache-control"] = "no-store"
        return response
    etag = '"' + hashlib.sha256(response.body).hexdigest()[:32] + '"'
    response.headers["etag"] = etag
    response.headers["cache-control"] = (
        f"public, max-age={max_age}" if public else "private, no-cache"
    )
    response.headers["vary"] = "Accept, Accept-Language, Authorization, X-Api-Key"
    if etag in _tags(request.headers.get("if-none-match", "")):
        headers = {k: response.headers[k] for k in ("etag", "cache-control", "vary")}
        return Response(status_code=304, headers=headers)
    return response


def _tags(header: str) -> Iterator[str]:
    for part in header.split(","):
        tag = part.strip()
        yield tag.removeprefix("W/")
        if tag == "*":
            yield from ()


# -- registration -------------------------------------------------------------------------------
async def register(
    conn: AsyncConnection, operations: list[tuple[str, str | None, str]]
) -> tuple[int, int]:
    """Registers (text, name, source) operations; (new, already registered)."""
    rows = [
        {
            "sha256": sha256_of(text),
            "name": name,
            "body": text,
            "source": source,
            "registered_at": datetime.now(UTC),
        }
        for text, name, source in operations
    ]
    rows = list({row["sha256"]: row for row in rows}.values())
    if not rows:
        return 0, 0
    dialect = conn.dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(trusted_t)
    done = await conn.execute(insert.values(rows).on_conflict_do_nothing(index_elements=["sha256"]))
    new = done.rowcount if done.rowcount is not None and done.rowcount >= 0 else len(rows)
    return new, len(rows) - new


class TrustedOperations(SchemaExtension):
    """Trusted mode for everything strawberry runs (multipart uploads, WebSocket
    subscriptions, GET and POST alike): the operation's text must be registered."""

    async def on_validate(self) -> AsyncIterator[None]:
        store: PersistedOperations | None = getattr(
            self.execution_context.context, "persisted", None
        )
        query = self.execution_context.query
        if store is not None and store.mode == "trusted" and query is not None:
            try:
                await store.require_trusted(query)
            except Refused as refused:
                raise GraphQLError(refused.message, extensions={"code": refused.code}) from None
        yield
