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

from models.messages import EN, Message, message
from models.rules import calendar
from resolvers.errors import BAD_USER_INPUT

BAD_INPUT = {"code": BAD_USER_INPUT}


def _refusal(text: Message) -> StrawberryInputCoercionError:
    """The coercion error of `text`: English in graphql-core's own message (a literal's error
    is a validation error, English like graphql-core's), the catalogue message in `text` for
    the error boundary to render in the request's language (a variable's error)."""
    error = StrawberryInputCoercionError(text.render(EN), extensions=BAD_INPUT)
    error.text = text  # type: ignore[attr-defined]
    return error


def _parser(parse: Callable[[str], Any], check: Callable[[Any], Any], name: str) -> Any:
    def inner(value: object) -> Any:
        if not isinstance(value, str):
            raise _refusal(message("SCALAR_NOT_STRING", name=name))
        try:
            parsed = parse(value)
        except (ValueError, OverflowError):
            text = message(
                "SCALAR_NOT_ISO", name=name, value=repr(value[:40]), range=calendar.DATE_RANGE
            )
            raise _refusal(text) from None
        try:
            return check(parsed)
        except calendar.DateOutOfRange as exc:
            raise _refusal(message("SCALAR_INVALID", name=name, detail=exc.text)) from None

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
