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


class DomainError(Exception):
    """A rule of the domain refused a write; nothing of it is kept."""

    def __init__(self, code: ErrorCode, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.field = code, message, field


class AuthenticationRequired(Exception):
    """An anonymous caller asked for a write: a top-level error, not a payload error (the
    write pipeline undoes whatever the call wrote, as for any exception but DomainError)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class UserError:
    """A payload error: why a mutation was rejected, and which input field it concerns."""

    code: ErrorCode
    message: str
    field: str | None

    @classmethod
    def from_error(cls, error: DomainError) -> UserError:
        """From a DomainError."""
        return cls(code=error.code, message=error.message, field=error.field)
