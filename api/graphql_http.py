"""GraphQL over HTTP (https://graphql.github.io/graphql-over-http/): media types, status codes.

- Responses are `application/graphql-response+json` when the client asks for it (Accept), and
  `application/json` otherwise: no Accept header, `*/*`, or only `application/json` (the
  spec's legacy default). An Accept header naming neither is disregarded (application/json).
- With `application/graphql-response+json`, a request error (parsing, validation, a query
  limit, variable coercion: nothing executed) is 400 without a `data` entry, 500 when it is
  an internal error; once execution started the status is 200, errors or not.
- With `application/json`, every well-formed request is answered 200 (request errors too).
- GET runs queries only: a mutation over GET is 405 with `Allow: POST`.
- POST bodies must be `application/json` (or the multipart upload form): otherwise 415.

The `graphql-http` audit suite checks all of this against a running server
(`make conformance`, tests/conformance).
"""

from __future__ import annotations

import logging

import orjson
from cross_web import HTTPException
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from strawberry.types import ExecutionResult

from api import errors
from models.messages import Text, message
from resolvers.errors import SERVER_CODES
from resolvers.errors import RequestErrorCode as Code

logger = logging.getLogger("govgraph")

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"
MEDIA_TYPES = (GRAPHQL_RESPONSE_JSON, JSON)

_REQUEST_ERROR = "graphql_request_error"  # request.state: "client", "internal" or absent


class RequestError(HTTPException):
    """An HTTP-level refusal with the `extensions.code` its body carries."""

    def __init__(self, status_code: int, reason: Text, code: Code) -> None:
        super().__init__(status_code, str(reason))
        self.code = code
        self.text = reason  # rendered in the request's language (api/errors.py)


class MethodNotAllowed(HTTPException):
    """405 with the methods that would work (a mutation over GET: POST)."""

    def __init__(self, reason: str, allow: str = "POST") -> None:
        super().__init__(405, reason)
        self.allow = allow


# The code of an HTTP-level refusal without one of its own (strawberry's, ours).
_STATUS_CODES = {
    400: Code.BAD_REQUEST,
    401: Code.UNAUTHENTICATED,
    403: Code.FORBIDDEN,
    404: Code.NOT_FOUND,
    405: Code.METHOD_NOT_ALLOWED,
    413: Code.PAYLOAD_TOO_LARGE,
    415: Code.UNSUPPORTED_MEDIA_TYPE,
}


def _specificity(media_range: str, media_type: str) -> int:
    """2: the exact type, 1: `type/*`, 0: `*/*`, -1: no match."""
    if media_range == media_type:
        return 2
    if media_range == "*/*":
        return 0
    main, _, sub = media_range.partition("/")
    return 1 if sub == "*" and media_type.startswith(main + "/") else -1


def response_media_type(accept: str | None) -> str:
    """The response's media type for an Accept header (RFC 9110 quality values).

    The most specific range matching a type gives its quality; the higher quality wins, and
    at equal quality graphql-response+json wins only when named explicitly (so `*/*` and
    `application/*` keep the legacy application/json).
    """
    if not accept:
        return JSON
    best = {media_type: (0.0, -1) for media_type in MEDIA_TYPES}  # (quality, specificity)
    for part in accept.split(","):
        media_range, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        for media_type in MEDIA_TYPES:
            specificity = _specificity(media_range.lower(), media_type)
            if specificity > best[media_type][1]:
                best[media_type] = (quality, specificity)
    (g_quality, g_specificity), (j_quality, _) = best[GRAPHQL_RESPONSE_JSON], best[JSON]
    if g_quality > 0 and (g_quality > j_quality or (g_quality == j_quality and g_specificity == 2)):
        return GRAPHQL_RESPONSE_JSON
    return JSON


def is_graphql_result(content_type: str) -> bool:
    """Whether a response's Content-Type is one of a GraphQL result's."""
    return content_type.split(";")[0].strip().lower() in MEDIA_TYPES


def is_request_error(result: ExecutionResult) -> bool:
    """Nothing executed: no data and no error raised at a field (errors without a path)."""
    errors = result.errors
    return result.data is None and bool(errors) and all(e.path is None for e in errors or ())


def mark_request_error(request: Request, errors: list[GraphQLError]) -> None:
    """Remember, for the response's status, that the request failed before execution."""
    internal = any((e.extensions or {}).get("code") in SERVER_CODES for e in errors)
    setattr(request.state, _REQUEST_ERROR, "internal" if internal else "client")


def conform(request: Request, response: Response) -> Response:
    """Set a GraphQL result's media type (from Accept) and status (from its kind)."""
    content_type = response.headers.get("content-type", "")
    if isinstance(response, StreamingResponse) or not is_graphql_result(content_type):
        return response  # GraphiQL's page, a multipart stream, an HTTP error
    media_type = response_media_type(request.headers.get("accept"))
    response.headers["content-type"] = media_type
    kind = getattr(request.state, _REQUEST_ERROR, None)
    if media_type == GRAPHQL_RESPONSE_JSON and kind is not None and response.status_code == 200:
        response.status_code = 500 if kind == "internal" else 400
    return response


def error_response(request: Request, exc: HTTPException) -> Response:
    """An HTTP-level refusal (no GraphQL result): one error with its code and the request id
    (api/errors.py), in the media type the client accepts, with the headers it needs."""
    headers: dict[str, str] = {}
    if isinstance(exc, MethodNotAllowed):
        headers["allow"] = exc.allow
    if exc.status_code == 401:
        headers["www-authenticate"] = 'Bearer realm="govgraph"'
    code = exc.code if isinstance(exc, RequestError) else _STATUS_CODES.get(exc.status_code)
    rid = errors.request_id(request)
    logger.info("request %s: HTTP %s %s: %s", rid, exc.status_code, code, exc.reason)
    text = exc.text if isinstance(exc, RequestError) else exc.reason
    body = errors.error_body(text, code or Code.BAD_REQUEST, rid, errors.language(request))
    return Response(
        orjson.dumps(body),
        status_code=exc.status_code,
        headers=headers,
        media_type=response_media_type(request.headers.get("accept")),
    )


def post_content_type_error(content_type: str | None, *, multipart: bool) -> HTTPException | None:
    """415 for a POST whose body is neither JSON nor (when enabled) a multipart upload."""
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type == JSON or (multipart and media_type == "multipart/form-data"):
        return None
    shown = media_type or "none"
    return RequestError(
        415, message("UNSUPPORTED_MEDIA_TYPE", shown=shown), Code.UNSUPPORTED_MEDIA_TYPE
    )
