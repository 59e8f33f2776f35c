"""Typed user errors of mutations: services raise DomainError, payloads carry UserError.

What a caller can act on (a stale version, an illegal transition, a role too low, an unknown
or out-of-scope id) is a payload error beside a null result; bugs and bad queries are
top-level errors. Unknown and out-of-scope ids share NOT_FOUND so existence never leaks.
"""

from __future__ import annotations

from enum import StrEnum

import strawberry


@strawberry.enum(description="Why a mutation was rejected.")
class ErrorCode(StrEnum):
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    VERSION_CONFLICT = "VERSION_CONFLICT"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    INVALID_INPUT = "INVALID_INPUT"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    DUPLICATE = "DUPLICATE"
    UNKNOWN_UNIT = "UNKNOWN_UNIT"


class DomainError(Exception):
    """A rule of the domain refused a write; nothing of it is kept."""

    def __init__(self, code: ErrorCode, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.field = code, message, field


@strawberry.type(description="Why a mutation was rejected, and which input field it concerns.")
class UserError:
    code: ErrorCode = strawberry.field(description="Machine-readable reason.")
    message: str = strawberry.field(description="Human-readable explanation.")
    field: str | None = strawberry.field(description="The input field at fault, if one is.")

    @classmethod
    def from_error(cls, error: DomainError) -> UserError:
        """From a DomainError."""
        return cls(code=error.code, message=error.message, field=error.field)
