"""The Date and DateTime scalars with the accepted range (models/rules/calendar.py).

strawberry's own scalars take any ISO date, 0001-01-01 and 9999-12-31 included, whose
cutoffs and windows overflow; these parse the same text and refuse dates outside
calendar.MIN_DATE..MAX_DATE while the request's variables and literals are coerced, before
any resolver or compiled statement runs. The refusal is a typed input error
(`extensions.code` BAD_USER_INPUT) naming the accepted range. Output is unchanged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.types.scalar import ScalarDefinition

from models.rules import calendar
from resolvers.errors import BAD_USER_INPUT

BAD_INPUT = {"code": BAD_USER_INPUT}


def _parser(parse: Callable[[str], Any], check: Callable[[Any], Any], name: str) -> Any:
    def inner(value: object) -> Any:
        if not isinstance(value, str):
            raise StrawberryInputCoercionError(
                f"{name} is a string, YYYY-MM-DD", extensions=BAD_INPUT
            )
        try:
            parsed = parse(value)
        except (ValueError, OverflowError):
            message = f"{name} {value[:40]!r} is not an ISO date (accepted: {calendar.DATE_RANGE})"
            raise StrawberryInputCoercionError(message, extensions=BAD_INPUT) from None
        try:
            return check(parsed)
        except calendar.DateOutOfRange as exc:
            raise StrawberryInputCoercionError(f"{name}: {exc}", extensions=BAD_INPUT) from None

    return inner


def _isoformat(value: Any) -> str:
    text: str = value.isoformat()
    return text


Date = ScalarDefinition(
    name="Date",
    description="Date (isoformat)",
    specified_by_url=None,
    serialize=_isoformat,
    parse_value=_parser(dt.date.fromisoformat, calendar.check_date, "Date"),
    parse_literal=None,
    origin=dt.date,
)

DateTime = ScalarDefinition(
    name="DateTime",
    description="Date with time (isoformat)",
    specified_by_url=None,
    serialize=_isoformat,
    parse_value=_parser(dt.datetime.fromisoformat, calendar.check_datetime, "DateTime"),
    parse_literal=None,
    origin=dt.datetime,
)

OVERRIDES: dict[object, Any] = {dt.date: Date, dt.datetime: DateTime}
