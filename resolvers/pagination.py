"""Relay connections paged in SQL with keyset cursors, alone or batched per parent.

Cursors are opaque, signed and bound to their list (resolvers/cursors.py: the row's sort key
and a tag over the connection field, its parent and its other arguments); `first` is bounded
to 1..100, default 20 (page_size).

A page is ordered by `OrderKey`s ending on a unique column, so a cursor (the sort key of the
last row) is stable under inserts. Nested connections (`children { tasks(first: 5) }`) are
batched: one statement with ROW_NUMBER() OVER (PARTITION BY parent) for every parent of a
level, and one grouped COUNT for their `totalCount`s.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
import strawberry
from aiodataloader import DataLoader
from graphql.execution.values import VariableValues, get_argument_values
from sqlalchemy.engine import RowMapping

from models.messages import message
from resolvers import cursors
from resolvers.context import Context
from resolvers.database import Database
from resolvers.errors import InvalidArgument

T = TypeVar("T")
PARENT = "_parent"

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class PaginationError(InvalidArgument):
    """Bad `first` or `after` argument (BAD_USER_INPUT)."""


def page_size(first: int | None) -> int:
    """`first` bounded to 1..100, default 20."""
    if first is None:
        return DEFAULT_PAGE_SIZE
    if first < 0:
        raise PaginationError(message("FIRST_NEGATIVE"))
    if first > MAX_PAGE_SIZE:
        raise PaginationError(message("FIRST_TOO_LARGE", most=MAX_PAGE_SIZE))
    return first


def list_digest(info: strawberry.Info[Context, None]) -> str:
    """The identity of the connection field `info` resolves, but for its parent
    (resolvers/cursors.py): its type and field and its coerced arguments."""
    raw = info._raw_info
    definition = raw.parent_type.fields[raw.field_name]
    variables: Any = raw.variable_values  # strawberry's executor: the plain coerced dict
    if not isinstance(variables, VariableValues):
        variables = VariableValues({}, dict(variables or {}))
    arguments = get_argument_values(definition, raw.field_nodes[0], variables)
    return cursors.list_digest(raw.parent_type.name, raw.field_name, arguments)


@strawberry.type(description="Relay page information.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items after this page.")
    has_previous_page: bool = strawberry.field(description="Items before this page.")
    start_cursor: str | None = strawberry.field(description="Cursor of the first edge.")
    end_cursor: str | None = strawberry.field(description="Cursor of the last edge.")


@strawberry.type(description="An edge of a connection.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Opaque cursor of this edge.")
    node: T = strawberry.field(description="The item.")


@strawberry.type(description="A page of items with keyset cursors.")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The items of this page.")
    page_info: PageInfo = strawberry.field(description="Paging state.")
    count_fn: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="Number of items over all pages.")
    async def total_count(self) -> int:
        return await self.count_fn()


@dataclass(frozen=True, slots=True)
class OrderKey:
    """One sort column and its direction."""

    column: sa.ColumnElement[Any]
    descending: bool = False

    def sort(self) -> sa.ColumnElement[Any]:
        """The ORDER BY term."""
        return self.column.desc() if self.descending else self.column.asc()


def ascending(*columns: sa.ColumnElement[Any]) -> list[OrderKey]:
    """Every column ascending."""
    return [OrderKey(c) for c in columns]


def _coerce(column: sa.ColumnElement[Any], value: Any) -> Any:
    """A cursor value (JSON) back in the column's Python type, for binding."""
    if value is None:
        return None
    try:
        python_type = column.type.python_type
    except NotImplementedError:
        return value
    if python_type is uuid.UUID:
        return uuid.UUID(str(value))
    if python_type is datetime:
        return datetime.fromisoformat(str(value))
    if python_type is date:
        return date.fromisoformat(str(value))
    return value


def after_predicate(order: Sequence[OrderKey], values: Sequence[Any]) -> sa.ColumnElement[bool]:
    """Rows strictly after the sort key `values`.

    One row-value comparison when every key runs the same way (index friendly); otherwise the
    expanded form (a > x) OR (a = x AND b < y) …
    """
    bound = [
        sa.literal(_coerce(k.column, v), k.column.type) for k, v in zip(order, values, strict=True)
    ]
    if len({k.descending for k in order}) == 1:
        left, right = sa.tuple_(*(k.column for k in order)), sa.tuple_(*bound)
        return left < right if order[0].descending else left > right
    terms = []
    for i, key in enumerate(order):
        beyond = key.column < bound[i] if key.descending else key.column > bound[i]
        terms.append(sa.and_(*(order[j].column == bound[j] for j in range(i)), beyond))
    return sa.or_(*terms)


def _arguments(first: int | None, after: str | None, arity: int) -> tuple[int, list[Any] | None]:
    """`first` bounded and the sort key of `after` (its tag is checked per parent)."""
    return page_size(first), cursors.decode(after, arity) if after else None


def _connection(
    rows: Sequence[RowMapping],
    size: int,
    arity: int,
    build: Callable[[RowMapping], T],
    has_previous: bool,
    count: Callable[[], Awaitable[int]],
    cls: type[Connection[T]] = Connection,
    *,
    digest: str,
    parent: str,
    **extra: Any,
) -> Connection[T]:
    has_next = len(rows) > size
    rows = rows[:size]
    edges = [
        Edge(
            cursor=cursors.encode([row[f"_k{i}"] for i in range(arity)], digest, parent),
            node=build(row),
        )
        for row in rows
    ]
    return cls(
        edges=edges,
        page_info=PageInfo(
            has_next_page=has_next,
            has_previous_page=has_previous,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        count_fn=count,
        **extra,
    )


async def paginate(
    db: Database,
    statement: sa.Select[Any],
    order: Sequence[OrderKey],
    build: Callable[[RowMapping], T],
    *,
    first: int | None,
    after: str | None,
    digest: str,
    parent: str = "",
    cls: type[Connection[T]] = Connection,
    **extra: Any,
) -> Connection[T]:
    """One keyset page of `statement`, a root list (`digest`: list_digest; `parent`: the ids
    its filter lists below, cursors.PARENT_FILTERS); the count runs only if `totalCount` is
    selected."""
    size, key = _arguments(first, after, len(order))
    if after:
        cursors.verify(after, digest, parent)
    page = statement.add_columns(*(k.column.label(f"_k{i}") for i, k in enumerate(order)))
    if key is not None:
        page = page.where(after_predicate(order, key))
    rows = await db.fetch_all(page.order_by(*(k.sort() for k in order)).limit(size + 1))

    async def count() -> int:
        total = await db.scalar(
            sa.select(sa.func.count()).select_from(statement.order_by(None).subquery())
        )
        return int(total or 0)

    return _connection(
        rows,
        size,
        len(order),
        build,
        key is not None,
        count,
        cls,
        digest=digest,
        parent=parent,
        **extra,
    )


class PageLoader(DataLoader[Hashable, Any], Generic[T]):
    """Pages of a nested connection for many parents: one windowed statement per batch.

    `statement(parents)` selects the rows of all parents with the parent's id labelled
    `_parent`; every parent gets the same `first`/`after` (they are the loader's key).
    """

    def __init__(
        self,
        db: Database,
        statement: Callable[[list[Any]], sa.Select[Any]],
        order: Sequence[OrderKey],
        build: Callable[[RowMapping], T],
        *,
        first: int | None,
        after: str | None,
        digest: str,
        cls: type[Connection[T]] = Connection,
        extra: Callable[[Any], dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(max_batch_size=500)
        self.extra = extra
        self.after, self.digest = after, digest
        self.db, self.statement, self.order, self.build, self.cls = (
            db,
            statement,
            list(order),
            build,
            cls,
        )
        self.size, self.key = _arguments(first, after, len(self.order))
        self.counts = CountLoader(db, statement)

    async def batch_load_fn(
        self, parents: Sequence[Hashable]
    ) -> list[Connection[T] | InvalidArgument]:
        refused: dict[Hashable, InvalidArgument] = {}
        if self.after:
            for parent in parents:  # a cursor belongs to one parent's list
                try:
                    cursors.verify(self.after, self.digest, str(parent))
                except InvalidArgument as exc:
                    refused[parent] = exc
            if len(refused) == len(parents):  # nobody's cursor: its key is not to be read
                return [refused[parent] for parent in parents]
        base = self.statement(list(parents))
        numbered = base.add_columns(
            *(k.column.label(f"_k{i}") for i, k in enumerate(self.order)),
            sa.func.row_number()
            .over(
                partition_by=base.selected_columns[PARENT], order_by=[k.sort() for k in self.order]
            )
            .label("_rn"),
        )
        if self.key is not None:
            numbered = numbered.where(after_predicate(self.order, self.key))
        sub = numbered.subquery()
        rows = await self.db.fetch_all(
            sa.select(sub).where(sub.c._rn <= self.size + 1).order_by(sub.c[PARENT], sub.c._rn)
        )
        grouped: dict[Any, list[RowMapping]] = defaultdict(list)
        for row in rows:
            grouped[row[PARENT]].append(row)
        out: list[Connection[T] | InvalidArgument] = []
        for parent in parents:
            if parent in refused:
                out.append(refused[parent])
                continue

            async def count(parent: Hashable = parent) -> int:
                total: int = await self.counts.load(parent)
                return total

            out.append(
                _connection(
                    grouped.get(parent, []),
                    self.size,
                    len(self.order),
                    self.build,
                    self.key is not None,
                    count,
                    self.cls,
                    digest=self.digest,
                    parent=str(parent),
                    **(self.extra(parent) if self.extra else {}),
                )
            )
        return out


class CountLoader(DataLoader[Hashable, int]):
    """totalCount of a nested connection for many parents: one grouped COUNT per batch."""

    def __init__(self, db: Database, statement: Callable[[list[Any]], sa.Select[Any]]) -> None:
        super().__init__(max_batch_size=500)
        self.db, self.statement = db, statement

    async def batch_load_fn(self, parents: Sequence[Hashable]) -> list[int]:
        sub = self.statement(list(parents)).subquery()
        rows = await self.db.fetch_all(
            sa.select(sub.c[PARENT], sa.func.count().label("n")).group_by(sub.c[PARENT])
        )
        counts = {row[PARENT]: int(row["n"]) for row in rows}
        return [counts.get(parent, 0) for parent in parents]


def page_loader(
    info: strawberry.Info[Context, None],
    name: Hashable,
    statement: Callable[[list[Any]], sa.Select[Any]],
    order: Sequence[OrderKey],
    build: Callable[[RowMapping], T],
    *,
    first: int | None,
    after: str | None,
    cls: type[Connection[T]] = Connection,
    extra: Callable[[Any], dict[str, Any]] | None = None,
) -> PageLoader[T]:
    """The request's PageLoader for one nested connection field and its arguments.

    `name` must carry every argument `statement` depends on besides the parents; cursors are
    signed for the field `info` resolves (list_digest) and each parent.
    """
    context, digest = info.context, list_digest(info)
    return context.loaders.get(
        (name, first, after, digest),
        lambda: PageLoader(
            context.db,
            statement,
            order,
            build,
            first=first,
            after=after,
            digest=digest,
            cls=cls,
            extra=extra,
        ),
    )
