"""The error boundary: every error leaves with a stable `extensions.code` and the request id.

One classification (`classify`) for every path: the resolvers (MaskInternalErrors), the
compiled read path and the HTTP layer's cached plans (api/compiled.py), errors raised outside
the operation (GovGraphQL.process_result) and HTTP-level refusals (api/graphql_http.py).
Clients never see SQL, parameters, tracebacks or exception class names: what is not the
client's own doing is masked to INTERNAL_ERROR (or TIMEOUT) with the request id.

Messages (models/messages.py) are rendered here, in the request's language (`language`:
zh-CN unless Accept-Language prefers English); codes never change with it.

Logging (`report`): expected client errors (syntax, validation, bad input, authentication,
not found, limits) are one line without a traceback; a database refusing a value or a
statement timeout one warning line; anything else (a bug) an error with its traceback.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Iterable
from typing import Any

from graphql import GraphQLError, GraphQLSyntaxError
from starlette.requests import HTTPConnection

from models.messages import DEFAULT, Message, Text, message, negotiate, render, text_of
from resolvers.database import DatabaseClosed, database_failure
from resolvers.errors import SERVER_CODES, AuthenticationRequired, DomainError
from resolvers.errors import RequestErrorCode as Code

logger = logging.getLogger("govgraph")

_REQUEST_ID = "govgraph_request_id"  # request.state
_LANGUAGE = "govgraph_language"  # request.state


def language(request: HTTPConnection | None) -> str:
    """The language of the request's messages: Accept-Language negotiated (models/messages.py),
    zh without a request or a header."""
    if request is None:
        return DEFAULT
    state = request_state(request)
    known: str | None = state.get(_LANGUAGE)
    if known is None:
        known = negotiate(request.headers.get("accept-language"))
        state[_LANGUAGE] = known
    return known


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


_VARIABLE = re.compile(r"^Variable '\$([^']{1,100})'")


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


def _message(error: GraphQLError, code: Code | str, rid: str, lang: str) -> str:
    """What the client reads, in `lang`: the error's own message (its catalogue message when
    it has one) unless it could carry internals."""
    if code == Code.INTERNAL_ERROR:
        return message("INTERNAL_ERROR", request_id=rid).render(lang)
    if code == Code.TIMEOUT:
        return message("TIMEOUT", request_id=rid).render(lang)
    if database_failure(error.original_error or error) == "data":
        return message("VALUE_OUT_OF_RANGE").render(lang)
    text = None if error.original_error is None else text_of(error.original_error)
    if isinstance(text, Message):
        variable = _VARIABLE.match(error.message) if _variable_error(error) else None
        if variable is not None:  # graphql-core's prefix, then the scalar's refusal
            text = message("VARIABLE_INVALID", variable=variable.group(1), detail=text)
        return text.render(lang)
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
    errors: Iterable[GraphQLError], rid: str, *, partner: bool = False, language: str = DEFAULT
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
        text = _message(error, code, rid, language)
        if partner and " Did you mean" in text:
            text = text.split(" Did you mean")[0]
        kept = (
            {}
            if code in SERVER_CODES
            else {k: v for k, v in extensions.items() if k not in {"code", "requestId"}}
        )
        shielded.append(
            GraphQLError(
                text,
                nodes=error.nodes,
                path=error.path,
                extensions={**kept, "code": str(code), "requestId": rid},
            )
        )
    return shielded


def close_reason(text: str) -> str:
    """`text` cut to a WebSocket close frame's 123 bytes of UTF-8 (a Chinese character takes
    3): a longer reason is a protocol error that drops the connection instead."""
    return text.encode()[:123].decode("utf-8", "ignore")


def error_body(text: Text, code: Code | str, rid: str, lang: str = DEFAULT) -> dict[str, Any]:
    """The JSON of a response refused before GraphQL (HTTP-level): one error, no data, its
    message in `lang`."""
    extensions = {"code": str(code), "requestId": rid}
    return {"errors": [{"message": render(text, lang), "extensions": extensions}]}
