"""Idempotent writes: a mutation sent with `Idempotency-Key` is applied at most once.

The response is stored for 24 hours per viewer and key, and replayed (same status, same bytes,
plus `Idempotent-Replayed: true`) when the same viewer sends the same key with the same body;
the same key with another body is rejected (422).

The key row and the mutation's writes commit in ONE transaction on the request's connection:
claim the key (INSERT, `status_code` NULL), run the operation with the Database held open (the
DatabaseLifecycle extension's close is a no-op), store the response, commit. A crash before the
commit loses both; after it, both are there.

A concurrent duplicate's INSERT waits for the first transaction: PostgreSQL's unique index makes
it wait for the inserting transaction, SQLite's write lock serialises writers. It then finds the
stored response and replays it. Both waits are bounded (`lock_timeout`, `busy_timeout`); past
the bound the duplicate gets 409 and is not applied.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import sqlalchemy as sa
from graphql import GraphQLError, OperationType, get_operation_ast, parse
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from starlette.datastructures import UploadFile
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response, StreamingResponse

from api import errors
from api.auth import AuthenticationError, viewer_from_header
from api.graphql_http import is_graphql_result
from models.idempotency import IdempotencyKey
from models.messages import Text, message
from models.viewer import Viewer
from resolvers.database import Database, WriterBusy

HEADER = "idempotency-key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 200
TTL = timedelta(hours=24)
# How long a duplicate waits for the request that holds its key before getting 409.
WAIT_SECONDS = 10.0

key_t: sa.Table = IdempotencyKey.__table__  # type: ignore[attr-defined]

_STATE_ATTRIBUTE = "idempotency_database"
_PG_LOCK_NOT_AVAILABLE = "55P03"


@dataclass(frozen=True, slots=True)
class IdempotentRequest:
    """A mutation request that carries a usable key."""

    key: str  # the stored key: viewer subject and client key
    request_hash: str


def error_response(status_code: int, code: str, text: Text, rid: str, lang: str) -> Response:
    """A GraphQL-style error body (api/errors.py): `{"errors": [{"message", "extensions":
    {"code", "requestId"}}]}`, the message in `lang`."""
    body = errors.error_body(text, code, rid, lang)
    return Response(orjson.dumps(body), status_code=status_code, media_type="application/json")


def is_valid_key(key: str) -> bool:
    """1 to 200 printable ASCII characters."""
    return 0 < len(key) <= MAX_KEY_LENGTH and all(" " <= ch <= "~" for ch in key)


def storage_key(subject: str, key: str) -> str:
    """The row's key: keys are per viewer. The key has no newline, so this is unambiguous."""
    if len(subject) > 99:  # keep within the column's 300 characters
        subject = "sha256:" + hashlib.sha256(subject.encode()).hexdigest()
    return f"{subject}\n{key}"


def request_hash(data: Mapping[str, Any], uploads: Mapping[str, Any] | None = None) -> str:
    """sha256 of the canonical JSON of {query, variables, operationName} (and of a multipart
    request's map and files)."""
    identity = {
        "query": data.get("query"),
        "variables": data.get("variables") or {},
        "operationName": data.get("operationName"),
    }
    if uploads is not None:
        identity["uploads"] = uploads
    canonical = json.dumps(
        identity,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def is_mutation(data: Mapping[str, Any]) -> bool:
    """Whether the request's selected operation is a mutation (False when it cannot tell)."""
    query, name = data.get("query"), data.get("operationName")
    if not isinstance(query, str) or not isinstance(name, str | None):
        return False
    try:
        operation = get_operation_ast(parse(query), name)
    except GraphQLError:
        return False
    return operation is not None and operation.operation == OperationType.MUTATION


def held_database(request: HTTPConnection) -> Database | None:
    """The Database an idempotent request opened for the view to use, if any."""
    db = errors.request_state(request).get(_STATE_ATTRIBUTE)
    return db if isinstance(db, Database) else None


async def read_request(
    request: Request, viewer: Viewer | None
) -> IdempotentRequest | Response | None:
    """The key and body hash, a 400 response for a bad key, or None when the header does not
    apply (not a POST, no verified viewer, not a mutation: queries ignore it).

    JSON bodies and multipart uploads (importLedger) alike: a multipart request's hash covers
    its operations, its map and each file part's name, file name and bytes, so a retry that
    sends the same file under another multipart boundary is the same request.
    """
    client_key = request.headers.get(HEADER)
    content_type = request.headers.get("content-type", "")
    if client_key is None or request.method != "POST" or viewer is None or viewer.anonymous:
        return None
    if "application/json" in content_type:
        try:
            data = json.loads(await request.body())
        except ValueError:
            return None
        if not isinstance(data, dict) or not is_mutation(data):
            return None
        digest = request_hash(data)
    elif "multipart/form-data" in content_type:
        parsed = await _multipart(request)
        if parsed is None or not is_mutation(parsed[0]):
            return None
        digest = request_hash(parsed[0], parsed[1])
    else:
        return None
    if not is_valid_key(client_key):
        return error_response(
            400,
            "IDEMPOTENCY_KEY_INVALID",
            message("IDEMPOTENCY_KEY_INVALID", most=MAX_KEY_LENGTH),
            errors.request_id(request),
            errors.language(request),
        )
    return IdempotentRequest(storage_key(viewer.subject, client_key), digest)


async def _multipart(request: Request) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """A multipart request's operations and what else identifies it (map, files' digests);
    None when it is not a GraphQL multipart request (the view answers it).

    The form is parsed from the cached body by a request of its own, so the view parses
    (and limits) its form as it always does.
    """
    body = await request.body()  # cached: the view reads it again
    shadow = Request(request.scope)
    shadow._body = body
    try:
        form = await shadow.form()
    except Exception:  # a malformed form: the view reports it
        return None
    try:
        operations, mapping = form.get("operations"), form.get("map")
        if not isinstance(operations, str) or not isinstance(mapping, str):
            return None
        try:
            data, files_map = json.loads(operations), json.loads(mapping)
        except ValueError:
            return None
        if not isinstance(data, dict) or not isinstance(files_map, dict):
            return None
        files: dict[str, Any] = {}
        for name in sorted(str(k) for k in files_map):
            part = form.get(name)
            if isinstance(part, UploadFile):
                digest = hashlib.sha256()
                while chunk := await part.read(1 << 16):
                    digest.update(chunk)
                files[name] = [part.filename, digest.hexdigest()]
            elif part is not None:
                files[name] = ["", hashlib.sha256(part.encode()).hexdigest()]
            else:
                files[name] = None
        return data, {"map": files_map, "files": files}
    finally:
        await form.close()


async def respond(
    request: Request,
    *,
    secret: str | None,
    engine: AsyncEngine,
    run: Callable[[Request], Awaitable[Response]],
) -> Response:
    """Answer `request` through `run`, applying a mutation's `Idempotency-Key`."""
    try:
        viewer: Viewer | None = viewer_from_header(secret, request.headers.get("authorization"))
    except AuthenticationError:
        viewer = None  # the view answers 401
    entry = await read_request(request, viewer)
    if entry is None:
        return await run(request)
    if isinstance(entry, Response):
        return entry

    rid, lang = errors.request_id(request), errors.language(request)
    db = Database(engine)
    db.held = True
    try:
        try:  # SQLite: the key and the mutation are one writer's (a bounded wait)
            await db.begin_write(wait_seconds=WAIT_SECONDS)
        except WriterBusy:
            await db.release(commit=False)
            return _in_progress(rid, lang)
        conn = await db.connection()
        answer = await _claim(conn, entry, datetime.now(UTC), WAIT_SECONDS, rid, lang)
        if answer is not None:
            await db.release(commit=False)
            return answer
        setattr(request.state, _STATE_ATTRIBUTE, db)
        response = await run(request)
        content_type = response.headers.get("content-type", "")
        if isinstance(response, StreamingResponse) or not is_graphql_result(content_type):
            # Not a GraphQL result (a 400 from the view, a stream): nothing to keep or replay.
            await db.release(commit=False)
            return response
        await conn.execute(
            key_t.update()
            .where(key_t.c.key == entry.key)
            .values(status_code=response.status_code, response=bytes(response.body))
        )
    except BaseException:
        await db.release(commit=False)
        raise
    # The one commit of the request: the mutation's writes and the stored response together.
    await db.release(commit=True)
    return response


async def _claim(
    conn: AsyncConnection,
    entry: IdempotentRequest,
    now: datetime,
    wait_seconds: float,
    rid: str,
    lang: str,
) -> Response | None:
    """Insert the key row (None: this request runs) or answer from the stored row."""
    dialect = conn.dialect.name
    try:
        previous_busy_timeout = await _bound_waits(conn, dialect, wait_seconds)
        try:
            claimed = await _insert_or_take_over(conn, dialect, entry, now)
        finally:
            if previous_busy_timeout is not None:
                await conn.exec_driver_sql(f"PRAGMA busy_timeout = {previous_busy_timeout:d}")
        if dialect == "postgresql":
            await conn.execute(sa.text("SET LOCAL lock_timeout TO DEFAULT"))
    except DBAPIError as exc:
        if not _is_lock_timeout(exc, dialect):
            raise
        return _in_progress(rid, lang)
    if claimed:
        return None
    stored = (
        (
            await conn.execute(
                sa.select(key_t.c.request_hash, key_t.c.status_code, key_t.c.response).where(
                    key_t.c.key == entry.key
                )
            )
        )
        .mappings()
        .first()
    )
    if stored is None or stored["status_code"] is None or stored["response"] is None:
        # Purged between the statements, or (never committed so) still running.
        return _in_progress(rid, lang)
    if stored["request_hash"] != entry.request_hash:
        return error_response(
            422, "IDEMPOTENCY_KEY_REUSED", message("IDEMPOTENCY_KEY_REUSED"), rid, lang
        )
    return Response(
        bytes(stored["response"]),
        status_code=int(stored["status_code"]),
        media_type="application/json",
        headers={REPLAYED_HEADER: "true"},
    )


async def _bound_waits(conn: AsyncConnection, dialect: str, wait_seconds: float) -> int | None:
    """Make the claim's lock waits give up after `wait_seconds`; SQLite's previous timeout."""
    milliseconds = max(1, int(wait_seconds * 1000))
    if dialect == "postgresql":
        # Transaction-local; reset to the default once the key is claimed.
        await conn.execute(
            sa.text("SELECT set_config('lock_timeout', :value, true)"),
            {"value": f"{milliseconds}ms"},
        )
        return None
    if dialect == "sqlite":
        # A connection setting, not a transactional one: restored after the claim.
        previous = (await conn.exec_driver_sql("PRAGMA busy_timeout")).scalar()
        await conn.exec_driver_sql(f"PRAGMA busy_timeout = {milliseconds:d}")
        return int(previous or 0)
    return None


async def _insert_or_take_over(
    conn: AsyncConnection, dialect: str, entry: IdempotentRequest, now: datetime
) -> bool:
    """Insert the in-progress row, or take over an expired one; False when the key is live."""
    values = {
        "request_hash": entry.request_hash,
        "status_code": None,
        "response": None,
        "created_at": now,
        "expires_at": now + TTL,
    }
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(key_t)
    inserted = await conn.execute(
        insert.values(key=entry.key, **values)
        .on_conflict_do_nothing(index_elements=[key_t.c.key])
        .returning(key_t.c.key)
    )
    if inserted.first() is not None:
        return True
    # An expired key is a new key. Concurrent takers queue on the row lock; the later ones
    # then see the new expiry and match nothing.
    taken = await conn.execute(
        key_t.update()
        .where(key_t.c.key == entry.key, key_t.c.expires_at < now)
        .values(**values)
        .returning(key_t.c.key)
    )
    return taken.first() is not None


def _is_lock_timeout(exc: DBAPIError, dialect: str) -> bool:
    if dialect == "postgresql":
        return getattr(exc.orig, "sqlstate", None) == _PG_LOCK_NOT_AVAILABLE
    return dialect == "sqlite" and "database is locked" in str(exc.orig)


def _in_progress(rid: str, lang: str) -> Response:
    return error_response(
        409, "IDEMPOTENCY_KEY_IN_PROGRESS", message("IDEMPOTENCY_KEY_IN_PROGRESS"), rid, lang
    )


async def purge_expired(engine: AsyncEngine, now: datetime | None = None) -> int:
    """Delete expired keys; returns how many."""
    async with engine.begin() as conn:
        result = await conn.execute(
            key_t.delete().where(key_t.c.expires_at < (now or datetime.now(UTC)))
        )
    return int(result.rowcount)
