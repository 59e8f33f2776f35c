"""PostgreSQL expressions that render values exactly as the resolvers' JSON does.

The compiled read path builds the response in PostgreSQL; these helpers make its text equal
to what strawberry and orjson write for the same row: Relay global ids (standard base64 of
"Type:uuid"), keyset cursors (resolvers/cursors.py: url-safe base64 of the compact JSON array
of the sort key, unpadded, then its HMAC tag), and datetimes as Python's `isoformat()` of a UTC
datetime.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from resolvers import cursors

TEXT = sa.Text()


def text_literal(value: str) -> sa.ColumnElement[str]:
    """A constant text (response keys, type names) inlined in the SQL, so one compiled
    statement serves every request; quotes doubled (standard_conforming_strings)."""
    quoted = value.replace("'", "''")
    return sa.literal_column(f"'{quoted}'::text", TEXT)


def base64(data: sa.ColumnElement[Any]) -> sa.ColumnElement[str]:
    """Standard base64 of a text's UTF-8 bytes, without PostgreSQL's line breaks."""
    encoded = sa.func.encode(sa.func.convert_to(data, "UTF8"), "base64")
    return sa.func.replace(encoded, sa.literal_column("E'\\n'"), "")


def global_id(type_name: str, row_id: sa.ColumnElement[Any]) -> sa.ColumnElement[str]:
    """strawberry's relay GlobalID of a row: base64("Type:<uuid>")."""
    return base64(sa.func.concat(text_literal(f"{type_name}:"), sa.cast(row_id, TEXT)))


def _utc(value: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    return sa.func.timezone("UTC", value)


def python_datetime(value: sa.ColumnElement[Any], separator: str = "T") -> sa.ColumnElement[str]:
    """A timestamptz as Python formats the aware UTC datetime asyncpg returns.

    `isoformat()` (separator "T") or `str()` (" "): microseconds only when not zero.
    """
    assert separator in {"T", " "}
    stamp = sa.func.to_char(_utc(value), f'YYYY-MM-DD"{separator}"HH24:MI:SS')
    micros = sa.func.to_char(_utc(value), ".US")
    has_micros = sa.cast(sa.func.date_part("microseconds", value), sa.Integer) % 1_000_000 != 0
    fraction = sa.case((has_micros, micros), else_=text_literal(""))
    return sa.case(
        (value.is_(None), sa.null()),
        else_=sa.func.concat(stamp, fraction, text_literal("+00:00")),
    )


def json_text(value: sa.ColumnElement[Any]) -> sa.ColumnElement[str]:
    """A value as compact JSON text; null for SQL NULL."""
    return sa.func.coalesce(sa.cast(sa.func.to_json(value), TEXT), text_literal("null"))


# Bind parameters of HMAC's padded keys (resolvers/cursors.padded_keys): never in the SQL text.
CURSOR_INNER_KEY = "cursor_ikey"
CURSOR_OUTER_KEY = "cursor_okey"


def _urlsafe(data: sa.ColumnElement[Any]) -> sa.ColumnElement[str]:
    """Url-safe base64 of bytes, unpadded."""
    encoded = sa.func.replace(sa.func.encode(data, "base64"), sa.literal_column("E'\\n'"), "")
    return sa.func.rtrim(sa.func.translate(encoded, "+/", "-_"), "=")


def signed_cursor(
    values: list[sa.ColumnElement[Any]], digest: str, parent: sa.ColumnElement[str] | None
) -> sa.ColumnElement[str]:
    """resolvers/cursors.encode of a sort key in the list (`digest`, `parent`; None at the
    root), computed in SQL: HMAC-SHA256 as sha256(okey || sha256(ikey || message)), truncated."""
    payload = cursor(values)
    parent_text = text_literal("") if parent is None else sa.cast(parent, TEXT)
    message = sa.func.concat(text_literal(f"{digest}:"), parent_text, text_literal(":"), payload)
    ikey, okey = cursors.padded_keys()  # the request's keys replace them (request_params)
    inner_key = sa.bindparam(CURSOR_INNER_KEY, ikey, type_=sa.LargeBinary())
    outer_key = sa.bindparam(CURSOR_OUTER_KEY, okey, type_=sa.LargeBinary())
    inner = sa.func.sha256(inner_key.op("||")(sa.func.convert_to(message, "UTF8")))
    mac = sa.func.sha256(outer_key.op("||")(inner))
    tag = _urlsafe(sa.func.substring(mac, 1, 16))
    return sa.func.concat(payload, text_literal("."), tag)


def cursor(values: list[sa.ColumnElement[Any]]) -> sa.ColumnElement[str]:
    """resolvers/cursors.encode_key of a sort key (the unsigned part), computed in SQL.

    Numbers stay numbers, anything else becomes its Python `str()`: dates and uuids print
    the same in both, datetimes need python_datetime(…, " ").
    """
    parts: list[sa.ColumnElement[Any]] = []
    for i, value in enumerate(values):
        if i:
            parts.append(text_literal(","))
        parts.append(json_text(value))
    array = sa.func.concat(text_literal("["), *parts, text_literal("]"))
    urlsafe = sa.func.translate(base64(array), "+/", "-_")
    return sa.func.rtrim(urlsafe, "=")


def sortable(column: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    """A sort key value as it goes into a cursor (datetimes as Python's str())."""
    if isinstance(column.type, sa.DateTime):
        return python_datetime(column, " ")
    if isinstance(column.type, sa.Date):
        # asyncpg binds date.max (the "no end" sort key) as 'infinity' and date.min (the
        # "undated" one) as '-infinity'; Python reads them back as 9999-12-31 and 0001-01-01.
        latest = sa.func.least(column, sa.literal_column("DATE '9999-12-31'", sa.Date))
        return sa.func.greatest(latest, sa.literal_column("DATE '0001-01-01'", sa.Date))
    return column
