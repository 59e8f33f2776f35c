"""Request-scoped DataLoaders: one `IN (...)` statement per batch, results in key order."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from datetime import date
from typing import Any, TypeVar

import sqlalchemy as sa
from aiodataloader import DataLoader
from sqlalchemy.engine import RowMapping

from models import (
    Assignment,
    Document,
    Finding,
    Indicator,
    Inspection,
    MonitoringSection,
    OrgUnit,
    OrgUnitAlias,
    OrgUnitClosure,
    Plan,
    Rectification,
    RectificationAssignment,
    RectificationEvent,
    RectificationFinding,
    Supervision,
    Task,
)
from models.org_unit_tree import present
from models.rules import calendar
from models.rules.responsibility import written_order
from models.supervision import current_supervision, supervision_valid_at
from resolvers.database import MAX_BATCH, Database
from resolvers.scope import EVERYTHING, Scope, visibility

L = TypeVar("L", bound=DataLoader[Any, Any])

org_unit_t = OrgUnit.__table__  # type: ignore[attr-defined]


class RowByKeyLoader(DataLoader[Hashable, RowMapping | None]):
    """Loads one row per key from `table` where `column IN (keys)`; None for misses."""

    def __init__(
        self,
        db: Database,
        table: sa.Table,
        column: str = "id",
        visible: sa.ColumnElement[bool] | None = None,
    ) -> None:
        super().__init__(max_batch_size=MAX_BATCH)
        self.db, self.table, self.column = db, table, column
        self.visible = visible if visible is not None else sa.true()

    async def batch_load_fn(self, keys: Sequence[Hashable]) -> list[RowMapping | None]:
        col = self.table.c[self.column]
        rows = await self.db.fetch_all(
            sa.select(self.table).where(col.in_(list(keys)), self.visible)
        )
        by_key = {row[self.column]: row for row in rows}
        return [by_key.get(key) for key in keys]

    async def get(self, key: Hashable) -> RowMapping:
        """The row of a key that must exist (a required relation)."""
        row: RowMapping | None = await self.load(key)
        if row is None:
            raise LookupError(f"{self.table.name} {key} not found")
        return row


class RowsByKeyLoader(DataLoader[Hashable, list[RowMapping]]):
    """Loads every row per key (one-to-many), in `order_by` order."""

    def __init__(
        self,
        db: Database,
        statement: sa.Select[Any],
        key: sa.ColumnElement[Any],
        order_by: Sequence[sa.ColumnElement[Any]] = (),
    ) -> None:
        super().__init__(max_batch_size=MAX_BATCH)
        self.db, self.statement, self.key, self.order_by = db, statement, key, order_by

    async def batch_load_fn(self, keys: Sequence[Hashable]) -> list[list[RowMapping]]:
        stmt = (
            self.statement.add_columns(self.key.label("_key"))
            .where(self.key.in_(list(keys)))
            .order_by(*self.order_by)
        )
        grouped: dict[Any, list[RowMapping]] = defaultdict(list)
        for row in await self.db.fetch_all(stmt):
            grouped[row["_key"]].append(row)
        return [grouped.get(key, []) for key in keys]


def _table(model: Any) -> sa.Table:
    table: sa.Table = model.__table__
    return table


class Loaders:
    """Every loader of one request, created on first use."""

    def __init__(self, db: Database, scope: Scope = EVERYTHING) -> None:
        self.db = db
        self.scope = scope
        self._cache: dict[Hashable, DataLoader[Any, Any]] = {}

    def get(self, name: Hashable, factory: Callable[[], L]) -> L:
        """The request's loader registered under `name`, created by `factory` on first use.

        Domains register their own loaders here, keyed by name and arguments, e.g.
        ("TaskRollupByUnit", as_of, role) so one batch serves every node with those arguments.
        """
        loader = self._cache.get(name)
        if loader is None:
            loader = self._cache[name] = factory()
        return loader  # type: ignore[return-value]

    def _get(self, name: str, factory: Any) -> Any:
        loader = self._cache.get(name)
        if loader is None:
            loader = self._cache[name] = factory()
        return loader

    def by_id(self, model: Any) -> RowByKeyLoader:
        """`<Model>ByIdLoader` for any table with an `id` column."""
        table = _table(model)
        return self._get(  # type: ignore[no-any-return]
            f"{model.__name__}ById",
            lambda: RowByKeyLoader(self.db, table, visible=visibility(self.scope, table)),
        )

    @property
    def org_unit_by_id(self) -> RowByKeyLoader:
        """OrgUnitByIdLoader."""
        return self.by_id(OrgUnit)

    def _rows_by_key(
        self,
        name: str,
        statement: Callable[[], sa.Select[Any]],
        key: sa.ColumnElement[Any],
        order_by: Sequence[sa.ColumnElement[Any]],
    ) -> RowsByKeyLoader:
        """The request's RowsByKeyLoader `name`; `statement` is built only when the loader is
        (the properties are read once per node, the scope predicates are not free)."""
        return self.get(name, lambda: RowsByKeyLoader(self.db, statement(), key, order_by))

    @property
    def aliases_by_org_unit(self) -> RowsByKeyLoader:
        """AliasesByOrgUnitLoader."""
        t = _table(OrgUnitAlias)
        return self._rows_by_key(
            "AliasesByOrgUnit",
            lambda: sa.select(t.c.alias).where(visibility(self.scope, t)),
            t.c.org_unit_id,
            [t.c.alias],
        )

    @property
    def children_by_org_unit(self) -> RowsByKeyLoader:
        """ChildrenByOrgUnitLoader: today's (not ended: org_unit_tree.present), in sort
        order then name."""
        t = org_unit_t
        return self._rows_by_key(
            "ChildrenByOrgUnit",
            lambda: sa.select(t).where(visibility(self.scope, t), present(t)),
            t.c.parent_id,
            [t.c.sort_order, t.c.name, t.c.id],
        )

    @property
    def ancestors_by_org_unit(self) -> RowsByKeyLoader:
        """AncestorsByOrgUnitLoader: root first, the unit itself excluded."""
        t, c = org_unit_t, _table(OrgUnitClosure)
        return self._rows_by_key(
            "AncestorsByOrgUnit",
            lambda: (
                sa.select(t)
                .join(c, c.c.ancestor_id == t.c.id)
                .where(c.c.depth > 0, visibility(self.scope, t))
            ),
            c.c.descendant_id,
            [c.c.depth.desc()],
        )

    @property
    def assignments_by_task(self) -> RowsByKeyLoader:
        """AssignmentsByTaskLoader: leads first, as the text names them, then by unit order."""
        a, u = _table(Assignment), org_unit_t
        return self._rows_by_key(
            "AssignmentsByTask",
            lambda: (
                sa.select(a).join(u, u.c.id == a.c.org_unit_id).where(visibility(self.scope, a))
            ),
            a.c.task_id,
            [a.c.role, written_order(a.c.position), u.c.sort_order, u.c.name],
        )

    @property
    def subtasks_by_task(self) -> RowsByKeyLoader:
        """SubtasksByTaskLoader."""
        t = _table(Task)
        return self._rows_by_key(
            "SubtasksByTask",
            lambda: sa.select(t).where(visibility(self.scope, t)),
            t.c.parent_id,
            [t.c.seq, t.c.id],
        )

    @property
    def plans_by_document(self) -> RowsByKeyLoader:
        """PlansByDocumentLoader."""
        p = _table(Plan)
        return self._rows_by_key(
            "PlansByDocument",
            lambda: sa.select(p).where(visibility(self.scope, p)),
            p.c.document_id,
            [p.c.seq, p.c.id],
        )

    @property
    def findings_by_inspection(self) -> RowsByKeyLoader:
        """FindingsByInspectionLoader, by number."""
        f = _table(Finding)
        return self._rows_by_key(
            "FindingsByInspection",
            lambda: sa.select(f).where(visibility(self.scope, f)),
            f.c.inspection_id,
            [f.c.number],
        )

    @property
    def finding_numbers_by_rectification(self) -> RowsByKeyLoader:
        """FindingNumbersByRectificationLoader."""
        f, rf = _table(Finding), _table(RectificationFinding)
        return self._rows_by_key(
            "FindingNumbersByRectification",
            lambda: sa.select(f.c.number).join(rf, rf.c.finding_id == f.c.id),
            rf.c.rectification_id,
            [f.c.number],
        )

    @property
    def units_by_rectification(self) -> RowsByKeyLoader:
        """ResponsibleUnitsByRectificationLoader."""
        ra, u = _table(RectificationAssignment), org_unit_t
        return self._rows_by_key(
            "UnitsByRectification",
            lambda: (
                sa.select(u, ra.c.role, ra.c.via_group)
                .join(ra, ra.c.org_unit_id == u.c.id)
                .where(visibility(self.scope, u))
            ),
            ra.c.rectification_id,
            [ra.c.role, written_order(ra.c.position), u.c.sort_order, u.c.name],
        )

    @property
    def events_by_rectification(self) -> RowsByKeyLoader:
        """EventsByRectificationLoader, oldest first (with the unit of the share each moved)."""
        e, ra = _table(RectificationEvent), _table(RectificationAssignment)
        return self._rows_by_key(
            "EventsByRectification",
            lambda: (
                sa.select(e, ra.c.org_unit_id.label("share_unit_id"))
                .outerjoin(ra, ra.c.id == e.c.assignment_id)
                .where(visibility(self.scope, e))
            ),
            e.c.rectification_id,
            [e.c.occurred_at, e.c.id],
        )

    @property
    def shares_by_rectification(self) -> RowsByKeyLoader:
        """SharesByRectificationLoader: each responsible unit's share, first-named first."""
        ra, u = _table(RectificationAssignment), org_unit_t
        return self._rows_by_key(
            "SharesByRectification",
            lambda: (
                sa.select(ra).join(u, u.c.id == ra.c.org_unit_id).where(visibility(self.scope, ra))
            ),
            ra.c.rectification_id,
            [ra.c.role, written_order(ra.c.position), u.c.sort_order, u.c.name],
        )

    @property
    def events_by_share(self) -> RowsByKeyLoader:
        """EventsByShareLoader: a share's own events and the moves of its item as a whole,
        oldest first (models/rules/rectification_state.py: what its state comes from)."""
        e, ra = _table(RectificationEvent), _table(RectificationAssignment)
        return self._rows_by_key(
            "EventsByShare",
            lambda: (
                sa.select(
                    e,
                    sa.case((e.c.assignment_id.is_(None), sa.null()), else_=ra.c.org_unit_id).label(
                        "share_unit_id"
                    ),
                )
                .join(
                    ra,
                    sa.and_(
                        ra.c.rectification_id == e.c.rectification_id,
                        sa.or_(e.c.assignment_id == ra.c.id, e.c.assignment_id.is_(None)),
                    ),
                )
                .where(visibility(self.scope, e))
            ),
            ra.c.id,
            [e.c.occurred_at, e.c.id],
        )

    def supervisors_of(self, column: str, as_of: date | None = None) -> RowsByKeyLoader:
        """Supervisors (units) by plan_id or inspection_id, current ones (as_of None) or those
        in force at the end of `as_of` (models/supervision.py): SupervisorsBy<column>Loader."""
        sv, u = _table(Supervision), org_unit_t

        def statement() -> sa.Select[Any]:
            # No cutoff (today, or no day): the current ones.
            cutoff = calendar.cutoff(as_of) if as_of is not None else None
            valid = current_supervision(sv) if cutoff is None else supervision_valid_at(sv, cutoff)
            return (
                sa.select(u)
                .join(sv, sv.c.org_unit_id == u.c.id)
                .where(valid, visibility(self.scope, sv), visibility(self.scope, u))
            )

        return self._rows_by_key(
            f"SupervisorsBy{column}{as_of or ''}",
            statement,
            sv.c[column],
            [u.c.sort_order, u.c.name],
        )

    @property
    def document_by_id(self) -> RowByKeyLoader:
        """DocumentByIdLoader."""
        return self.by_id(Document)

    @property
    def plan_by_id(self) -> RowByKeyLoader:
        """PlanByIdLoader."""
        return self.by_id(Plan)

    @property
    def task_by_id(self) -> RowByKeyLoader:
        """TaskByIdLoader."""
        return self.by_id(Task)

    @property
    def inspection_by_id(self) -> RowByKeyLoader:
        """InspectionByIdLoader."""
        return self.by_id(Inspection)

    @property
    def rectification_by_id(self) -> RowByKeyLoader:
        """RectificationByIdLoader."""
        return self.by_id(Rectification)

    @property
    def indicator_by_id(self) -> RowByKeyLoader:
        """IndicatorByIdLoader."""
        return self.by_id(Indicator)

    @property
    def section_by_id(self) -> RowByKeyLoader:
        """MonitoringSectionByIdLoader."""
        return self.by_id(MonitoringSection)
