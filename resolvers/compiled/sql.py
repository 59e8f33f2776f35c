"""SQL expressions that render values exactly as the resolvers' JSON does, per dialect.

The compiled read path builds the response in the database; these helpers make its text equal
to what strawberry and orjson write for the same row: Relay global ids (standard base64 of
"Type:uuid"), keyset cursors (resolvers/cursors.py: url-safe base64 of the compact JSON array
of the sort key, unpadded, then its HMAC tag), and datetimes as Python's `isoformat()`.

This module is the one home of the dialects' differences: the compiler asks its Env's
`Dialect` (POSTGRESQL or SQLITE, by `dialect()`) for every JSON construction and rendered
value. PostgreSQL builds JSON with json_build_object / json_agg(… ORDER BY …) and renders ids,
datetimes and cursors with its own functions (the module-level helpers below). SQLite (3.40:
json_object, json_group_array, json(); no ORDER BY inside an aggregate) aggregates ordered
subqueries, turns booleans into JSON true/false, and renders ids, datetimes, floats and cursors
with the Python functions `register_sqlite` defines on each connection (the same code the
resolvers' answers come from, so the text is equal by construction).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSON, aggregate_order_by
from sqlalchemy.sql.functions import Function
from sqlalchemy.sql.selectable import ScalarSelect

from resolvers import cursors
from resolvers.ids import encode_global_id

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


# -- dialects ---------------------------------------------------------------------------------


class Dialect:
    """How the compiler's JSON and rendered values are written in PostgreSQL (this class) or
    SQLite (SQLiteDialect); every method returns a SQLAlchemy expression."""

    name = "postgresql"
    # Whether subqueries under an orgUnit(id:) row read its id argument rather than the row
    # (SQLite re-runs a correlated IN-list subquery for every row it tests).
    inline_root_ids = False
    # Whether SQL may compute on the TODAY parameter (date arithmetic: a due-soon window, a
    # month); else today is a constant of the plan (Env.today_value).
    date_parameters = True
    # Whether a restricted viewer's id sets (visible tasks, units, …) are CTEs of the
    # statement, each computed once (models/rules/scope.py with_sets), rather than nested
    # in every subquery that tests a row: SQLite parses the latter only so deep and
    # re-evaluates them; PostgreSQL plans them well where they are.
    scope_sets = False
    # Whether a restricted viewer's list of every unit it can see (orgUnits without a parent
    # or ancestor: the unit tree) reads the id sets from CTEs all the same. Each of its rows
    # tests the sets again (its parent, its rollup, its aliases): nested, they were planned
    # and run once per test (a town's unit tree: 12 ms of planning and 21 of execution;
    # with the CTEs 2 and 16). Elsewhere a restricted plan tests a few rows, and a CTE would
    # compute a whole set (a city's visible tasks) where a nested test probes an index.
    unit_list_sets = True
    # Whether a restricted viewer's rollup (as of a past day) or state-tested task list
    # (overdueAsOf, …) of a root outside its subtree reads the root's maintained members
    # (their history for a past day) restricted to the visible tasks, as its rollup of today
    # does, rather than aggregating every share below the root live (SQLite has no hash
    # joins: resolvers/compiled/rollups.py, compiler.unit_tasks).
    outside_members = False
    # Whether a restricted viewer asking about units in its own branch gets a covered plan
    # (api/compiled.py `variants`: read as ADMIN reads, with ADMIN's planning cost). Worth
    # it where planning is the cost (PostgreSQL); on SQLite the guards nest the statement
    # past the parser's stack for the dashboard's screen, whose id-set CTEs (scope_sets)
    # already make the general plan cheap.
    covered_plans = True

    def too_complex(self, error: BaseException | None) -> bool:
        """Whether a statement failed for its shape alone (then the resolvers answer it)."""
        return False

    def text(self, value: str) -> sa.ColumnElement[str]:
        """A constant text inlined in the SQL."""
        return text_literal(value)

    def global_id(self, type_name: str, row_id: sa.ColumnElement[Any]) -> sa.ColumnElement[str]:
        return global_id(type_name, row_id)

    def datetime(self, value: sa.ColumnElement[Any], separator: str = "T") -> sa.ColumnElement[str]:
        return python_datetime(value, separator)

    def id_text(self, value: sa.ColumnElement[Any]) -> sa.ColumnElement[str]:
        """A uuid as Python's str() of it (a cursor's parent part)."""
        return sa.cast(value, TEXT)

    def concat(self, *parts: sa.ColumnElement[str]) -> sa.ColumnElement[str]:
        return sa.func.concat(*parts)

    def signed_cursor(
        self, values: list[sa.ColumnElement[Any]], digest: str, parent: Any
    ) -> sa.ColumnElement[str]:
        return signed_cursor(values, digest, parent)

    def sortable(self, column: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
        return sortable(column)

    def boolean(self, value: bool) -> sa.ColumnElement[bool]:
        return sa.literal_column("true" if value else "false", sa.Boolean)

    def empty_list(self) -> sa.ColumnElement[Any]:
        return sa.literal_column("'[]'::json", JSON)

    def object(self, pairs: Sequence[tuple[str, Any]]) -> sa.ColumnElement[Any]:
        """A JSON object of (key, SQL value) pairs, in order."""
        args: list[Any] = []
        for key, value in pairs:
            args += [self.text(key), value]
        return sa.func.json_build_object(*args, type_=JSON)

    def list_of(self, item: Any, order: Sequence[Any], source: sa.Select[Any]) -> Any:
        """The JSON list of `item` over the rows of `source` (a select of FROM and WHERE
        only), in `order`; `[]` (not null) when there are none. A scalar subquery."""
        agg = sa.func.json_agg(aggregate_order_by(item, *order), type_=JSON)
        listed = sa.func.coalesce(agg, self.empty_list(), type_=JSON)
        return source.add_columns(listed).scalar_subquery()

    def ordered_rows(self, select: sa.Select[Any], *order: Any) -> sa.Select[Any]:
        """A derived table's select whose rows later aggregates read in `order` (PostgreSQL
        orders inside each aggregate instead: unchanged)."""
        return select

    def page_items(self, item: Any, order: Any, keep: sa.ColumnElement[bool]) -> Any:
        """The JSON list of `item` over the rows (of an ordered_rows table) that `keep`."""
        agg = sa.func.json_agg(aggregate_order_by(item, order), type_=JSON).filter(keep)
        return sa.func.coalesce(agg, self.empty_list(), type_=JSON)

    def first_of(self, value: Any, order: Any, keep: sa.ColumnElement[bool], last: bool) -> Any:
        """The text `value` of the first (or last) row in `order` that `keep`; null if none."""
        agg = sa.func.json_agg(aggregate_order_by(value, order.desc() if last else order))
        return sa.type_coerce(agg.filter(keep), JSON)[0].astext

    def one_row(self, obj: Any) -> Any:
        """An object built by an aggregate select (HAVING true: one row even with nothing
        aggregated)."""
        return obj

    def json_column(self, value: sa.ColumnElement[Any]) -> Any:
        """A stored JSON list column, `[]` when null."""
        return sa.func.coalesce(sa.cast(value, JSON), self.empty_list())

    def document(self, data: Any) -> sa.ColumnElement[str]:
        """The response's data object as text."""
        return sa.cast(data, TEXT)


POSTGRESQL = Dialect()


# SQLite's functions (register_sqlite): Python renders what SQL cannot render as Python does.
GLOBAL_ID, UUID_TEXT = "govgraph_global_id", "govgraph_uuid_text"
DATETIME, NUMBER, CURSOR = "govgraph_datetime", "govgraph_number", "govgraph_cursor"


def _uuid(value: Any) -> uuid.UUID:
    if isinstance(value, bytes):
        return uuid.UUID(bytes=value)
    return uuid.UUID(str(value))


def _global_id(type_name: str, value: Any) -> str | None:
    return None if value is None else encode_global_id(type_name, _uuid(value))


def _uuid_text(value: Any) -> str | None:
    return None if value is None else str(_uuid(value))


def _datetime(value: Any, separator: str) -> str | None:
    """A stored datetime as the resolvers print the one SQLAlchemy reads back."""
    if value is None:
        return None
    return datetime.fromisoformat(str(value)).isoformat(separator)


def _number(value: Any) -> str | None:
    """A number as orjson writes it (SQLite's JSON prints 15 digits, Python the shortest
    exact form)."""
    return None if value is None else orjson.dumps(value).decode()


def _cursor(digest: str, parent: str, *values: Any) -> str:
    """resolvers/cursors.encode of a sort key (values already as Python's str() of them)."""
    return cursors.encode(list(values), digest, parent)


def register_sqlite(connection: Any) -> None:
    """Defines the SQLite functions the compiled read path calls, on a new DB-API connection
    (api/db.py's connect hook)."""
    for name, arity, function in (
        (GLOBAL_ID, 2, _global_id),
        (UUID_TEXT, 1, _uuid_text),
        (DATETIME, 2, _datetime),
        (NUMBER, 1, _number),
    ):
        connection.create_function(name, arity, function, deterministic=True)
    # The signing key may change (resolvers/cursors.configure): not deterministic.
    connection.create_function(CURSOR, -1, _cursor)


class SQLiteDialect(Dialect):
    """SQLite 3.40's JSON functions: see the module's docstring."""

    name = "sqlite"
    inline_root_ids = True
    date_parameters = False  # dates are ISO text: `? + 14 days` is not a date
    scope_sets = True
    outside_members = True
    covered_plans = False

    def too_complex(self, error: BaseException | None) -> bool:
        # A statement nested deeper than SQLite's parser stack (a compile-time limit of
        # about 100 grammar states) fails to prepare, whatever the data.
        return "parser stack overflow" in str(error)

    def text(self, value: str) -> sa.ColumnElement[str]:
        quoted = value.replace("'", "''")
        return sa.literal_column(f"'{quoted}'", TEXT)

    def global_id(self, type_name: str, row_id: sa.ColumnElement[Any]) -> sa.ColumnElement[str]:
        return sa.func.govgraph_global_id(self.text(type_name), row_id, type_=TEXT)

    def datetime(self, value: sa.ColumnElement[Any], separator: str = "T") -> sa.ColumnElement[str]:
        assert separator in {"T", " "}
        return sa.func.govgraph_datetime(value, self.text(separator), type_=TEXT)

    def id_text(self, value: sa.ColumnElement[Any]) -> sa.ColumnElement[str]:
        return sa.func.govgraph_uuid_text(value, type_=TEXT)

    def concat(self, *parts: sa.ColumnElement[str]) -> sa.ColumnElement[str]:
        out = parts[0]
        for part in parts[1:]:
            out = out.op("||")(part)
        return sa.type_coerce(out, TEXT)

    def signed_cursor(
        self, values: list[sa.ColumnElement[Any]], digest: str, parent: Any
    ) -> sa.ColumnElement[str]:
        parent_text = self.text("") if parent is None else parent
        return sa.func.govgraph_cursor(self.text(digest), parent_text, *values, type_=TEXT)

    def sortable(self, column: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
        if isinstance(column.type, sa.DateTime):
            return self.datetime(column, " ")
        if isinstance(column.type, sa.Uuid):
            return self.id_text(column)
        return column  # dates are stored as their ISO text already

    def boolean(self, value: bool) -> sa.ColumnElement[bool]:
        return sa.literal_column("1" if value else "0", sa.Boolean)

    def empty_list(self) -> sa.ColumnElement[Any]:
        return sa.func.json(self.text("[]"), type_=JSON)

    def value(self, value: Any) -> Any:
        """A SQL value as it goes into a JSON object or list: JSON text as JSON (it loses its
        JSON subtype through a subquery), booleans as true/false, floats as Python prints
        them."""
        kind = getattr(value, "type", None)
        if isinstance(kind, sa.JSON):
            if isinstance(value, ScalarSelect | Function):
                return value  # computed by a JSON function: it keeps its JSON subtype
            return sa.func.json(value, type_=JSON)
        if isinstance(kind, sa.Boolean):
            flag = sa.case(
                (value.is_(None), sa.null()),
                (value, sa.func.json(self.text("true"))),
                else_=sa.func.json(self.text("false")),
            )
            return sa.type_coerce(flag, JSON)
        if isinstance(kind, sa.Float | sa.Numeric):
            return sa.func.json(sa.func.govgraph_number(value), type_=JSON)
        return value

    def object(self, pairs: Sequence[tuple[str, Any]]) -> sa.ColumnElement[Any]:
        args: list[Any] = []
        for key, value in pairs:
            args += [self.text(key), self.value(value)]
        return sa.func.json_object(*args, type_=JSON)

    def list_of(self, item: Any, order: Sequence[Any], source: sa.Select[Any]) -> Any:
        rows = source.add_columns(sa.type_coerce(item, item.type).label("item"))
        ordered = rows.order_by(*order).subquery()
        listed = sa.func.json_group_array(self.value(ordered.c.item), type_=JSON)
        return sa.select(listed).select_from(ordered).scalar_subquery()

    def ordered_rows(self, select: sa.Select[Any], *order: Any) -> sa.Select[Any]:
        # An aggregate reads an ordered subquery in its order (it is never flattened).
        return select.order_by(*order)

    def page_items(self, item: Any, order: Any, keep: sa.ColumnElement[bool]) -> Any:
        return sa.func.json_group_array(self.value(item), type_=JSON).filter(keep)

    def first_of(self, value: Any, order: Any, keep: sa.ColumnElement[bool], last: bool) -> Any:
        values = sa.func.json_group_array(value, type_=JSON).filter(keep)
        return sa.func.json_extract(values, self.text("$[#-1]" if last else "$[0]"), type_=TEXT)

    def one_row(self, obj: Any) -> Any:
        # SQLite refuses HAVING in a select without an aggregate: count(*) makes it one.
        return sa.type_coerce(sa.case((sa.func.count() >= 0, obj)), JSON)

    def json_column(self, value: sa.ColumnElement[Any]) -> Any:
        return sa.func.coalesce(sa.func.json(value), self.empty_list(), type_=JSON)

    def document(self, data: Any) -> sa.ColumnElement[str]:
        return sa.cast(data, TEXT)


SQLITE = SQLiteDialect()


def dialect(name: str) -> Dialect:
    """The Dialect of a database dialect's name."""
    return SQLITE if name == "sqlite" else POSTGRESQL
