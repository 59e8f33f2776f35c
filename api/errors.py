"""The error boundary: every error leaves with a stable `extensions.code` and the request id.

One classification (`classify`) for every path: the resolvers (MaskInternalErrors), the
compiled read path and the HTTP layer's cached plans (api/compiled.py), errors raised outside
the operation (GovGraphQL.process_result) and HTTP-level refusals (api/graphql_http.py).
Clients never see SQL, parameters, tracebacks or exception class names: what is not the
client's own doing is masked to INTERNAL_ERROR (or TIMEOUT) with the request id.

Logging (`report`): expected client errors (syntax, validation, bad input, authentication,
not found, limits) are one line without a traceback; a database refusing a value or a
statement timeout one warning line; anything else (a bug) an error with its traceback.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from typing import Any

from graphql import GraphQLError, GraphQLSyntaxError
from starlette.requests import HTTPConnection

from resolvers.database import DatabaseClosed, database_failure
from resolvers.errors import SERVER_CODES, AuthenticationRequired, DomainError
from resolvers.errors import RequestErrorCode as Code

logger = logging.getLogger("govgraph")

_REQUEST_ID = "govgraph_request_id"  # request.state


def request_state(request: HTTPConnection) -> dict[str, Any]:
    """What `request.state` holds, as the dict it keeps in the ASGI scope: looking a missing
    name up there is a dict miss, where `getattr(request.state, name, None)` raises and
    catches an AttributeError (a cached-plan request asks three times, bench/PROFILE.md)."""
    state: dict[str, Any] = request.scope.setdefault("state", {})
    return state


def request_id(request: HTTPConnection | None) -> str:
    """The request's id: the client's X-Request-Id (64 characters at most) or a new one,
    the same for every error and log line of the request (a new one: 32 random hex digits,
    as uuid4().hex without building a UUID, 2% of a cached-plan request, bench/PROFILE.md)."""
    if request is None:
        return secrets.token_hex(16)
    state = request_state(request)
    known: str | None = state.get(_REQUEST_ID)
    if known is None:
        known = (request.headers.get("x-request-id") or secrets.token_hex(16))[:64]
        state[_REQUEST_ID] = known
    return known


def _variable_error(error: GraphQLError) -> bool:
    """graphql-core's variable coercion errors ("Variable '$x' got invalid value …")."""
    return error.path is None and error.message.startswith("Variable '$")


def classify(error: GraphQLError) -> Code | str:
    """The code of a GraphQL error (a code already set wins)."""
    given = (error.extensions or {}).get("code")
    if isinstance(given, str) and given:
        return given
    original = error.original_error
    if isinstance(error, GraphQLSyntaxError) or isinstance(original, GraphQLSyntaxError):
        return Code.GRAPHQL_PARSE_FAILED
    if _variable_error(error):
        return Code.BAD_USER_INPUT
    if isinstance(original, GraphQLError):
        # Raised by a resolver or an extension: a client error, unless it names itself.
        given = (original.extensions or {}).get("code")
        return given if isinstance(given, str) and given else Code.BAD_USER_INPUT
    if original is None:
        # Without a cause: a validation rule (no path), or graphql-core at a field (a bug).
        return Code.GRAPHQL_VALIDATION_FAILED if error.path is None else Code.INTERNAL_ERROR
    if isinstance(original, AuthenticationRequired):
        return Code.UNAUTHENTICATED
    if isinstance(original, DomainError):
        return original.code.value
    if isinstance(original, DatabaseClosed):
        return Code.INTERNAL_ERROR
    failure = database_failure(original)
    if failure == "timeout":
        return Code.TIMEOUT
    if failure == "data":
        return Code.BAD_USER_INPUT
    if isinstance(original, ValueError):  # resolvers raise ValueError for bad arguments
        return Code.BAD_USER_INPUT
    return Code.INTERNAL_ERROR


def _message(error: GraphQLError, code: Code | str, rid: str) -> str:
    """What the client reads: the error's own message unless it could carry internals."""
    if code == Code.INTERNAL_ERROR:
        return f"internal error (request id {rid})"
    if code == Code.TIMEOUT:
        return f"the query ran too long and was cancelled (request id {rid})"
    if database_failure(error.original_error or error) == "data":
        return "a value is out of the range the database can store"
    return error.message


def report(errors: Iterable[GraphQLError], rid: str) -> None:
    """Log each error once: client errors one line, bugs with their traceback."""
    for error in errors:
        code = classify(error)
        where = f" at {'.'.join(map(str, error.path))}" if error.path else ""
        if code not in SERVER_CODES and database_failure(error.original_error or error) is None:
            logger.info("request %s: %s%s: %s", rid, code, where, error.message)
        elif code == Code.TIMEOUT or database_failure(error.original_error or error):
            logger.warning("request %s: %s%s: %s", rid, code, where, error.message)
        else:
            logger.error(
                "request %s: %s%s: %s",
                rid,
                code,
                where,
                error.message,
                exc_info=error.original_error or error,
            )


def shield(
    errors: Iterable[GraphQLError], rid: str, *, partner: bool = False
) -> list[GraphQLError]:
    """The errors as clients get them: a code and the request id on each, internals masked,
    and no "Did you mean …" suggestions for sharing partners. Errors shielded already pass
    through unchanged."""
    shielded = []
    for error in errors:
        extensions = error.extensions or {}
        if "requestId" in extensions and "code" in extensions:
            shielded.append(error)
            continue
        code = classify(error)
        message = _message(error, code, rid)
        if partner and " Did you mean" in message:
            message = message.split(" Did you mean")[0]
        kept = (
            {}
            if code in SERVER_CODES
            else {k: v for k, v in extensions.items() if k not in {"code", "requestId"}}
        )
        shielded.append(
            GraphQLError(
                message,
                nodes=error.nodes,
                path=error.path,
                extensions={**kept, "code": str(code), "requestId": rid},
            )
        )
    return shielded


def error_body(message: str, code: Code | str, rid: str) -> dict[str, Any]:
    """The JSON of a response refused before GraphQL (HTTP-level): one error, no data."""
    return {"errors": [{"message": message, "extensions": {"code": str(code), "requestId": rid}}]}
