"""Input hygiene at the edge: what a GraphQL request may carry, checked once for every path.

A request (POST JSON, GET parameters, a multipart upload's `operations`) must be one JSON
object whose `query` and `operationName` are strings (or absent) and whose `variables` and
`extensions` are objects (or absent), nested at most MAX_DEPTH levels. No string anywhere in
it (the query text, the operation name, any variable or key) may hold a character that
stored text may not (models/rules/text.py, the one rule for files, parameters and requests:
NUL, which PostgreSQL's text cannot store, other control characters but tab and line breaks,
unpaired surrogates, which no UTF-8 encodes); neither may a string literal of the parsed
query (`"\\u0000"` is an escape the GraphQL lexer decodes: NoUnsafeStrings).
Violations are request errors with a message naming the problem: 400 BAD_REQUEST for the
body's shape, BAD_USER_INPUT for a value. GovGraphQL.parse_http_body (the full path) and
the HTTP fast path (api/app.py `_answer_from_plan`) both call `check_request`.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError, StringValueNode, ValidationRule

from api.graphql_http import RequestError
from models.rules.text import first_invalid
from resolvers.errors import RequestErrorCode as Code

# Levels of nesting of `variables` and `extensions` (an input object inside a list is 2).
MAX_DEPTH = 32


def unsafe_character(text: str) -> str | None:
    """What is wrong with a string's characters, or None (models/rules/text.py's rule)."""
    found = first_invalid(text)
    if found is None:
        return None
    char = found[1]
    if char == "\x00":
        return "a NUL character (U+0000)"
    if "\ud800" <= char <= "\udfff":
        return f"an unpaired surrogate (U+{ord(char):04X}), which is not Unicode text"
    return f"a character text may not hold (U+{ord(char):04X})"


def _refuse(code: Code, message: str) -> RequestError:
    return RequestError(400, message, code)


def _check_value(value: Any, where: str, depth: int) -> None:
    """Strings clean, nesting bounded, everywhere in a decoded JSON value."""
    if depth > MAX_DEPTH:
        raise _refuse(Code.BAD_REQUEST, f"{where} is nested more than {MAX_DEPTH} levels deep")
    if isinstance(value, str):
        problem = unsafe_character(value)
        if problem is not None:
            raise _refuse(Code.BAD_USER_INPUT, f"{where} contains {problem}")
    elif isinstance(value, dict):
        for key, item in value.items():
            problem = unsafe_character(key) if isinstance(key, str) else None
            if problem is not None:
                raise _refuse(Code.BAD_USER_INPUT, f"a key in {where} contains {problem}")
            _check_value(item, f"{where}.{key}", depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_value(item, f"{where}[{index}]", depth + 1)


def check_request(data: Any) -> None:
    """RequestError (400) unless `data`, a decoded request, is one clean GraphQL request."""
    if isinstance(data, list):
        raise _refuse(Code.BAD_REQUEST, "batched requests are not supported: send one object")
    if not isinstance(data, dict):
        raise _refuse(
            Code.BAD_REQUEST,
            "the request must be a JSON object with `query` (and optionally `variables`, "
            "`operationName`, `extensions`)",
        )
    for name in ("query", "operationName"):
        value = data.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            raise _refuse(Code.BAD_REQUEST, f"`{name}` must be a string")
        problem = unsafe_character(value)
        if problem is not None:
            raise _refuse(Code.BAD_USER_INPUT, f"`{name}` contains {problem}")
    for name in ("variables", "extensions"):
        value = data.get(name)
        if value is None:
            continue
        if not isinstance(value, dict):
            raise _refuse(Code.BAD_REQUEST, f"`{name}` must be a JSON object")
        _check_value(value, name, 1)


class NoUnsafeStrings(ValidationRule):
    """A string literal of the query decodes to a NUL character or an unpaired surrogate."""

    def enter_string_value(self, node: StringValueNode, *_args: Any) -> None:
        problem = unsafe_character(node.value)
        if problem is not None:
            self.report_error(
                GraphQLError(
                    f"a string in the query contains {problem}",
                    node,
                    extensions={"code": Code.BAD_USER_INPUT.value},
                )
            )
