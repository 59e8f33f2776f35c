"""Typed user errors of mutations: services raise DomainError, payloads carry UserError.

What a caller can act on (a stale version, an illegal transition, a role too low, an unknown
or out-of-scope id) is a payload error beside a null result; bugs and bad queries are
top-level errors. Unknown and out-of-scope ids share NOT_FOUND so existence never leaks.

No GraphQL here (services raise these): resolvers/error_types.py makes ErrorCode and UserError
GraphQL types, and api/extensions.py turns AuthenticationRequired into the top-level error
clients get.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from models.messages import DEFAULT, Text, render


class ErrorCode(StrEnum):
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    VERSION_CONFLICT = "VERSION_CONFLICT"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    INVALID_INPUT = "INVALID_INPUT"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    DUPLICATE = "DUPLICATE"
    UNKNOWN_UNIT = "UNKNOWN_UNIT"
    FILE_TOO_LARGE = "FILE_TOO_LARGE"  # an upload over a size limit (a zip bomb, too many rows)
    UNSUPPORTED_FILE_TYPE = "UNSUPPORTED_FILE_TYPE"  # an evidence file's content is not allowed


BAD_USER_INPUT = "BAD_USER_INPUT"


class InvalidArgument(ValueError):
    """A query argument the client got wrong (a malformed or mistyped id, a forged or foreign
    cursor, a date out of range): a top-level error with `extensions.code` BAD_USER_INPUT and
    a message saying what is accepted, never INTERNAL_ERROR (graphql-core copies
    `extensions` from the exception). A ValueError, so callers without GraphQL (exports, the
    command line) catch it as any bad value. Mutations report the same as payload errors."""

    def __init__(self, message: Text) -> None:
        super().__init__(str(message))
        self.message = message  # rendered in the request's language (api/errors.py)
        self.extensions = {"code": BAD_USER_INPUT}


class DomainError(Exception):
    """A rule of the domain refused a write; nothing of it is kept."""

    def __init__(self, code: ErrorCode, message: Text, field: str | None = None) -> None:
        super().__init__(str(message))
        self.code, self.message, self.field = code, message, field


class AuthenticationRequired(Exception):
    """An anonymous caller asked for a write: a top-level error, not a payload error (the
    write pipeline undoes whatever the call wrote, as for any exception but DomainError)."""

    def __init__(self, message: Text) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass
class UserError:
    """A payload error: why a mutation was rejected, and which input field it concerns."""

    code: ErrorCode
    message: str
    field: str | None

    @classmethod
    def from_error(cls, error: DomainError, language: str = DEFAULT) -> UserError:
        """From a DomainError, its message in `language` (models/messages.py)."""
        return cls(code=error.code, message=render(error.message, language), field=error.field)


class RequestErrorCode(StrEnum):
    """`extensions.code` of top-level errors (a request, or a field as a whole, failed); the
    error boundary (api/errors.py) gives every error one of these, or a payload's ErrorCode
    that a resolver raised (NOT_FOUND, FORBIDDEN)."""

    # The HTTP request itself: not a JSON object, not UTF-8, nested too deep, a bad method,
    # media type or size.
    BAD_REQUEST = "BAD_REQUEST"
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    # A value the client sent: variables of the wrong type, a malformed id or cursor, an
    # argument out of range, a NUL character or unpaired surrogate in a string.
    BAD_USER_INPUT = "BAD_USER_INPUT"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    QUERY_LIMIT = "QUERY_LIMIT"
    # Over the caller's rate-limit budget (api/rate_limit.py): 429 with Retry-After.
    RATE_LIMITED = "RATE_LIMITED"
    INTROSPECTION_DISABLED = "INTROSPECTION_DISABLED"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    # Persisted operations (api/persisted.py): a hash the server does not hold (the client
    # sends the text next), persisted queries switched off, a hash that is not the text's,
    # an operation missing from the trusted list (GOVGRAPH_PERSISTED_QUERIES=trusted).
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    PERSISTED_QUERY_NOT_SUPPORTED = "PERSISTED_QUERY_NOT_SUPPORTED"
    PERSISTED_QUERY_HASH_MISMATCH = "PERSISTED_QUERY_HASH_MISMATCH"
    OPERATION_NOT_TRUSTED = "OPERATION_NOT_TRUSTED"
    # The statement ran past GOVGRAPH_STATEMENT_TIMEOUT_MS and was cancelled.
    TIMEOUT = "TIMEOUT"
    # A bug: logged with its traceback; the client gets the request id only.
    INTERNAL_ERROR = "INTERNAL_ERROR"


# Codes of errors that are the server's, not the client's: logged as such, and the status
# of a request error with one of them is 5xx.
SERVER_CODES = frozenset({RequestErrorCode.INTERNAL_ERROR, RequestErrorCode.TIMEOUT})
