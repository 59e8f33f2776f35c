"""Scope (DESIGN.md, "Access"): what a viewer may see and write, as SQL predicates.

The one home of scope. Reads (both read engines, loaders, rollups, exports, the change feed,
subscriptions), writes (every service's check) and PostgreSQL's row-level security (generated
from this module by models/rules/scope_rls.py) all build on the pieces below, so what a viewer
reads and what it may write cannot drift apart.

Reads. A viewer sees its unit's subtree and what is assigned to it, never other branches:
- tasks: a task with an assignment (any role) to a unit in the subtree, or from a document
  issued in the subtree (the task's *anchors*: the change log attaches entries to the same
  units, resolvers/changes/log.py);
- units: the subtree and its ancestors (context); the units assigned to a visible task
  (co-assigned units: a bureau on a five-lead task sees the other four leads and their
  shares' state, as units only: name and kind, not their other tasks, reports or subtrees)
  and the responsible units of a visible rectification (likewise, with their shares' state);
  and the 条 superior (`line_parent`) of each of those;
- assignments (shares): every share of a visible task, with its status and progress;
  progress reports (narratives): those of shares in the subtree, and those of tasks the
  subtree reviews (their issuer, or a current supervisor of their plan, is in the subtree:
  a reviewer sees what it accepts or returns, `report_share`);
- evidence files: a report's with the report, a rectification event's with the rectification,
  an extension request's with the request;
- extension requests (延期申请): with their task;
- rectifications: a responsible unit in the subtree, or made by an inspection team in it;
- supervision (issue 17, point 6): a unit designated supervisor of a plan or an inspection
  (models/supervision.py) is one more anchor of the plan's tasks or the inspection's
  rectifications, so its subtree sees them, their rollups, and what hangs on them (their
  document, plan, inspection, co-assigned units), without being above their units in the
  tree and without seeing anything else of those units; supervision rows are read with
  their plan or inspection. Only current supervisions count (a revoked one keeps its dated
  row, models/supervision.py, and gives nothing);
- documents and plans: issued in the subtree, or holding a visible task;
- plan measures: of a visible plan, or naming a unit in the subtree;
- targets, measurements, sections, reported facts, proposals, escalations, audit events,
  rollup rows: of a unit in the subtree.
ADMIN (the system administrator, whatever its unit) and the anonymous demo viewer of
`make run` see everything. A sharing partner (API key) gets its unit's subtree with the SHARED
disclosure tier (no responsible persons, actors or internal notes), read-only.

Writes (NOT_FOUND when the object is invisible, FORBIDDEN when visible but not writable):
- ADMIN writes wherever it reads, that is everywhere;
- reporting on a share (`can_report_on`): REPORTER or higher and the share's unit in the
  subtree (a unit reports on its own share; a superior may report for a unit below it);
- editing the task itself (`can_edit_task`: title, deadline, description, weight, 序号,
  leads and cooperating units): COORDINATOR or higher whose unit is the task document's
  issuer or an ancestor of it, i.e. the plan's issuer and the units above it. A town that
  leads a district task reports on its share and decomposes it; it does not retitle it;
- creating a task in a plan (`can_edit_plan`): COORDINATOR or higher over the plan's issuer;
- decomposing a share (`can_decompose`): COORDINATOR or higher of the unit holding the lead
  share (the share is the viewer's own unit's);
- naming units in a write (`can_name_unit`): units in the subtree;
- escalating to a unit (`can_escalate_to`): COORDINATOR or higher of a unit above it;
- the 督办 inbox: signing for and replying to an escalation (`can_answer_escalation`),
  REPORTER or higher of the addressed unit; closing it (`can_close_escalation`), COORDINATOR
  or higher of the issuing unit or a unit above it;
- attaching evidence: to a report, as reporting on its share (`can_report_on`); to a
  rectification event (`can_attach_to_event`), REPORTER or higher whose subtree holds the
  unit that made the transition;
- signing for a share (签收, `can_sign_for`): REPORTER or higher of the share's unit itself;
- extension requests (延期申请): asking and withdrawing (`can_request_extension`), REPORTER or
  higher of the LEAD share's unit; approving or rejecting (`can_decide_extension`),
  COORDINATOR or higher over the task's issuer or strictly above the lead unit;
- rectification transitions: visible by `rectification_visible`, then the workflow decides
  (a share's own unit moves it; the supervising side is the inspection team, a designated
  supervisor of the inspection (`supervises`) or a unit above the share's unit; ADMIN may
  act as either; resolvers/inspection/workflow.py);
- reviewing a progress report (`can_review_report`, 审核 / 退回): COORDINATOR or higher of
  the task's issuer or a unit above it, or of a current designated supervisor of its plan
  (neither need be above the lead unit in the tree);
- comments (`can_comment`): REPORTER or higher on a target it sees; 批示 (`can_instruct`):
  COORDINATOR or higher of the target's issuer or a unit above it, or of a unit strictly
  above one of the target's units. Comments are read with their target (row_condition);
- designating or revoking a supervisor (`can_edit_plan` over the plan's issuer, or over the
  inspection's document issuer or its team): COORDINATOR or higher, naming a unit in the
  subtree (`can_name_unit`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import sqlalchemy as sa

from models import (
    Assignment,
    Document,
    Inspection,
    MonitoringSection,
    OrgUnit,
    OrgUnitClosure,
    Plan,
    PlanMeasure,
    PlanMeasureUnit,
    Rectification,
    RectificationAssignment,
    Supervision,
    Task,
)
from models.enums import AssignmentRole, ViewerRole
from models.viewer import Viewer

closure_t: sa.Table = OrgUnitClosure.__table__  # type: ignore[attr-defined]
unit_t: sa.Table = OrgUnit.__table__  # type: ignore[attr-defined]
assignment_t: sa.Table = Assignment.__table__  # type: ignore[attr-defined]
task_t: sa.Table = Task.__table__  # type: ignore[attr-defined]
document_t: sa.Table = Document.__table__  # type: ignore[attr-defined]
plan_t: sa.Table = Plan.__table__  # type: ignore[attr-defined]
rect_t: sa.Table = Rectification.__table__  # type: ignore[attr-defined]
rect_assignment_t: sa.Table = RectificationAssignment.__table__  # type: ignore[attr-defined]
inspection_t: sa.Table = Inspection.__table__  # type: ignore[attr-defined]
section_t: sa.Table = MonitoringSection.__table__  # type: ignore[attr-defined]
measure_t: sa.Table = PlanMeasure.__table__  # type: ignore[attr-defined]
measure_unit_t: sa.Table = PlanMeasureUnit.__table__  # type: ignore[attr-defined]
supervision_t: sa.Table = Supervision.__table__  # type: ignore[attr-defined]

# Tables a database does not have yet: row-level security compiles the scope functions of an
# older migration without the anchors that read them (scope_rls.py; `without_tables`).
_ABSENT: ContextVar[frozenset[str]] = ContextVar("scope_absent_tables", default=frozenset())


@contextmanager
def without_tables(absent: frozenset[str]) -> Iterator[None]:
    """Build the predicates as a database without the tables `absent` has them."""
    token = _ABSENT.set(absent)
    try:
        yield
    finally:
        _ABSENT.reset(token)


def _has(table: sa.Table) -> bool:
    return table.name not in _ABSENT.get()


# A feature of a later migration that is not a table: row-level security of a migration
# before 0041 compiles `current_supervision` as true (supervision had no ended_at then).
DATED_SUPERVISION = "supervision.ended_at"
FEATURES = frozenset({DATED_SUPERVISION})


def current_supervision(table: sa.Table | None = None) -> Predicate:
    """A supervision in force (not revoked, models/supervision.py): what visibility and the
    supervising rights follow."""
    if DATED_SUPERVISION in _ABSENT.get():
        return sa.true()
    return (table if table is not None else supervision_t).c.ended_at.is_(None)


Column = sa.ColumnElement[Any]
Predicate = sa.ColumnElement[bool]


class Disclosure(StrEnum):
    """How much of a visible row a viewer may read."""

    INTERNAL = "INTERNAL"  # government users: every field
    SHARED = "SHARED"  # sharing partners: no responsible persons, actors or internal notes


@dataclass(frozen=True, slots=True)
class Scope:
    """A subtree root (None: everything) and a disclosure tier.

    `parameter` names a bind parameter that holds the root in the SQL instead of the value
    (the compiled read path: one plan serves every viewer of a query shape; a plan run
    without the parameter sees nothing).

    `sets`: the id sets below as named FROM clauses of one column `id` (`with_sets`: CTEs
    of one statement, each computed once), which the predicates then read instead of
    repeating their definitions in every subquery.

    `whole`: the root is the tree's only root (`spans_tree`), so every unit lies in the
    subtree, and the predicates below take that for granted: a unit is in the subtree when it
    is a unit at all, an object is visible when it has an anchor at all (one probe of its
    anchors, not the set of every anchored object). The same rows as the plain predicates
    for such a root; valid only in a statement guarded by `spans_tree` (the compiled read
    path's whole-tree plan, api/compiled.py).
    """

    root: uuid.UUID | None
    disclosure: Disclosure = Disclosure.INTERNAL
    parameter: str | None = None
    sets: Mapping[str, Any] | None = field(default=None, compare=False, hash=False)
    whole: bool = False

    @property
    def unrestricted(self) -> bool:
        """Sees every row."""
        return self.root is None


EVERYTHING = Scope(root=None)


def scope_for(viewer: Viewer) -> Scope:
    """A viewer's scope: its unit's subtree; ADMIN and the anonymous demo viewer see all."""
    if viewer.unit_id is None or viewer.is_admin:
        return EVERYTHING
    return Scope(
        root=viewer.unit_id,
        disclosure=Disclosure.SHARED if viewer.partner else Disclosure.INTERNAL,
    )


# -- the pieces: subtree and ancestors -------------------------------------------------------


def root_of(scope: Scope) -> Any:
    """The scope root in SQL: its value, or the bind parameter `scope.parameter` (no default:
    NULL matches no unit)."""
    if scope.parameter is None:
        return scope.root
    return sa.bindparam(scope.parameter, None, type_=sa.Uuid())


def tree_root() -> tuple[sa.ColumnElement[Any], sa.ColumnElement[bool]]:
    """The tree's root unit (the first without a parent) and whether it is the only one:
    then every unit lies in its subtree (a unit's rollup parent is its successor or its
    parent, never none but at a root: models/org_unit_tree.py rollup_parent)."""
    roots = sa.select(unit_t.c.id).where(unit_t.c.parent_id.is_(None))
    first = roots.order_by(unit_t.c.id).limit(1).scalar_subquery()
    two = roots.limit(2).subquery("tree_roots")
    only = sa.select(sa.func.count()).select_from(two).scalar_subquery() == 1
    return first, only


def spans_tree(scope: Scope) -> Predicate:
    """The scope's root is the tree's only root: its subtree holds every unit (what a
    `whole` scope takes for granted, checked once per statement)."""
    first, only = tree_root()
    return sa.and_(only, root_of(scope) == first)


def _set(scope: Scope, name: str) -> sa.Select[Any] | None:
    """The ids of the scope's named set when it carries them (`with_sets`)."""
    if scope.sets is None or name not in scope.sets:
        return None
    return sa.select(scope.sets[name].c.id)


def subtree(scope: Scope) -> sa.Select[Any]:
    """Ids of the units in the scope's subtree."""
    known = _set(scope, "subtree")
    if known is not None:
        return known
    if scope.whole:
        return sa.select(unit_t.c.id)
    return sa.select(closure_t.c.descendant_id).where(closure_t.c.ancestor_id == root_of(scope))


def ancestors(scope: Scope) -> sa.Select[Any]:
    """Ids of the scope root's ancestors (and itself)."""
    known = _set(scope, "ancestors")
    if known is not None:
        return known
    return sa.select(closure_t.c.ancestor_id).where(closure_t.c.descendant_id == root_of(scope))


def with_sets(scope: Scope, prefix: str = "scope_") -> Scope:
    """The scope whose predicates read its id sets (subtree, ancestors, visible tasks,
    rectifications and units) from CTEs of the statement they go into, defined here by the
    same predicates and each computed once (MATERIALIZED), instead of their definitions
    nested in every subquery that tests a row: SQLite (which has no hash joins and parses
    only so deep) runs such a statement in a fraction of the time, and parses it at all.
    An unrestricted scope has no sets, nor a whole one (its predicates probe by key)."""
    if scope.unrestricted or scope.whole:
        return scope
    sets: dict[str, Any] = {}

    def add(name: str, ids: sa.Select[Any] | sa.CompoundSelect[Any]) -> None:
        # Built from the sets added before it (a CTE may read an earlier one).
        column = next(iter(ids.selected_columns))
        if isinstance(ids, sa.Select):
            ids = ids.with_only_columns(column.label("id"), maintain_column_froms=True)
        else:
            ids = ids.subquery(f"{prefix}{name}_ids").select()
            ids = ids.with_only_columns(next(iter(ids.selected_columns)).label("id"))
        sets[name] = ids.cte(f"{prefix}{name}").prefix_with("MATERIALIZED")

    def current() -> Scope:
        return Scope(scope.root, scope.disclosure, scope.parameter, dict(sets))

    add("subtree", subtree(scope))
    add("ancestors", ancestors(scope))
    add("tasks", visible_task_ids(current()))
    add("rectifications", visible_rectification_ids(current()))
    add("known_units", sa.union_all(*_known_units(current())))
    add("units", visible_unit_ids(current(), known=sets["known_units"]))
    return current()


def in_subtree(scope: Scope, column: Column) -> Predicate:
    """`column` (an org unit id) is in the subtree (ancestors excluded)."""
    if scope.unrestricted:
        return sa.true()
    if scope.whole:
        return column.is_not(None)
    return column.in_(subtree(scope))


def covered(scope: Scope, unit: Column) -> Predicate:
    """`unit` lies in the subtree: the scope *covers* it, and what a read of that unit's
    subtree finds needs no further scope predicate. From the read rules above, for a unit U
    in the subtree:

    - every unit below U is in the subtree (the closure is transitive), so visible;
    - U's ancestors are visible: each is in the subtree (between the root and U) or an
      ancestor of the root (a tree's ancestors of U form one chain through the root);
    - a task assigned (any role) to U or a unit below it is visible (an assignment anchor in
      the subtree), so is every rollup over U's units (all their tasks are visible);
    - a rectification with a responsible unit at or below U is visible (its anchor), so is
      every rectification rollup over U's units;
    - a target or section of U is visible (its unit in the subtree);
    - of a visible task, its assigned units (co-assigned), its document and plan (holding a
      visible task) are visible; of a visible rectification, its responsible units.

    It does not extend to what a visible task's other shares hold (their reports: own shares
    only), to U's parent's other children, or to the tasks of an ancestor or a co-assigned
    unit: those keep the predicates. The compiled read path tests this once per statement
    (a guard) and reads below U as for a viewer who sees everything (covered plans,
    resolvers/compiled/compiler.py Env.covered); anyone may test it here.
    """
    return in_subtree(scope, unit)


# -- anchors: the units whose subtrees see an object -----------------------------------------


def task_anchors() -> list[sa.Select[Any]]:
    """(task_id, unit_id) pairs: a task is visible to the subtrees of these units.

    Its assignments' units (any role), its document's issuer and the designated supervisors
    of its plan. task_visible and the change log's attached units (resolvers/changes/log.py)
    are both built from these.
    """
    anchors = [
        sa.select(assignment_t.c.task_id.label("object_id"), assignment_t.c.org_unit_id),
        sa.select(task_t.c.id.label("object_id"), document_t.c.issuer_id.label("org_unit_id"))
        .join(document_t, document_t.c.id == task_t.c.document_id)
        .where(document_t.c.issuer_id.is_not(None)),
    ]
    if _has(supervision_t):
        anchors.append(
            sa.select(task_t.c.id.label("object_id"), supervision_t.c.org_unit_id)
            .join(supervision_t, supervision_t.c.plan_id == task_t.c.plan_id)
            .where(current_supervision())
        )
    return anchors


def rectification_anchors() -> list[sa.Select[Any]]:
    """(rectification_id, unit_id): its responsible units, its inspection team and the
    designated supervisors of its inspection."""
    anchors = [
        sa.select(
            rect_assignment_t.c.rectification_id.label("object_id"),
            rect_assignment_t.c.org_unit_id,
        ),
        sa.select(rect_t.c.id.label("object_id"), inspection_t.c.inspector_id.label("org_unit_id"))
        .join(inspection_t, inspection_t.c.id == rect_t.c.inspection_id)
        .where(inspection_t.c.inspector_id.is_not(None)),
    ]
    if _has(supervision_t):
        anchors.append(
            sa.select(rect_t.c.id.label("object_id"), supervision_t.c.org_unit_id)
            .join(supervision_t, supervision_t.c.inspection_id == rect_t.c.inspection_id)
            .where(current_supervision())
        )
    return anchors


def review_anchors() -> list[sa.Select[Any]]:
    """(task_id, unit_id): the units that review a task's progress reports (审核) and so read
    them: its issuer (its document's; a subtask's is the unit whose share it splits) and the
    current designated supervisors of its plan. Their subtrees read the reports."""
    origin = assignment_t.alias("review_origin")
    document = document_t.alias("review_document")
    # The issuer is the origin share's unit for a subtask, else the document's issuer: one
    # anchor each, so that the unit column is a plain one and the subtree's units find their
    # tasks by index (as coalesce() of the two, every task was read to test it).
    anchors = [
        sa.select(
            task_t.c.id.label("object_id"), origin.c.org_unit_id.label("org_unit_id")
        ).select_from(task_t.join(origin, origin.c.id == task_t.c.origin_assignment_id)),
        sa.select(task_t.c.id.label("object_id"), document.c.issuer_id.label("org_unit_id"))
        .select_from(task_t.join(document, document.c.id == task_t.c.document_id))
        .where(task_t.c.origin_assignment_id.is_(None), document.c.issuer_id.is_not(None)),
    ]
    if _has(supervision_t):
        anchors.append(
            sa.select(task_t.c.id.label("object_id"), supervision_t.c.org_unit_id)
            .join(supervision_t, supervision_t.c.plan_id == task_t.c.plan_id)
            .where(current_supervision())
        )
    return anchors


def _anchored(scope: Scope, anchors: list[sa.Select[Any]], column: Column) -> Predicate:
    """`column` is an object with an anchor in the subtree (of a whole scope: an anchor at
    all, probed by the object's key)."""
    if scope.whole:
        probes = []
        for number, anchor in enumerate(anchors):
            found = anchor.subquery(f"anchor_{number}")
            object_id, unit = found.c
            probes.append(sa.exists().where(object_id == column, unit.is_not(None)))
        return sa.or_(*probes)
    return sa.or_(
        *(
            column.in_(
                anchor.with_only_columns(anchor.selected_columns[0]).where(
                    anchor.selected_columns[1].in_(subtree(scope))
                )
            )
            for anchor in anchors
        )
    )


# -- read predicates -------------------------------------------------------------------------


def task_visible(scope: Scope, task_id: Column | None = None) -> Predicate:
    """The task (default: `task.id`) is assigned into the subtree or issued inside it."""
    if scope.unrestricted:
        return sa.true()
    known = _set(scope, "tasks")
    if known is not None:
        return (task_id if task_id is not None else task_t.c.id).in_(known)
    return _anchored(scope, task_anchors(), task_id if task_id is not None else task_t.c.id)


def visible_task_ids(scope: Scope) -> sa.Select[Any] | sa.CompoundSelect[Any]:
    """Ids of the visible tasks (task_visible's), one branch per anchor (with repeats)."""
    known = _set(scope, "tasks")
    if known is not None:
        return known
    return _anchored_ids(scope, task_anchors())


def visible_rectification_ids(scope: Scope) -> sa.Select[Any] | sa.CompoundSelect[Any]:
    """Ids of the visible rectifications (rectification_visible's), one branch per anchor."""
    known = _set(scope, "rectifications")
    if known is not None:
        return known
    return _anchored_ids(scope, rectification_anchors())


def _anchored_ids(scope: Scope, anchors: list[sa.Select[Any]]) -> sa.CompoundSelect[Any]:
    """Ids of the objects with an anchor in the subtree, one branch per anchor (with repeats).

    Each anchor's unit is joined to the closure rows of the root, not tested against the
    subtree's set: PostgreSQL then knows how many units the root has below it, and how few
    documents they issued, and finds those documents' tasks by index (tested against the
    set, it guessed a third of all documents and read every task: 49 of a district viewer's
    unit tree's 50 ms at province scale)."""

    def branch(anchor: sa.Select[Any]) -> sa.Select[Any]:
        object_id, unit = anchor.selected_columns[0], anchor.selected_columns[1]
        ids = anchor.with_only_columns(object_id, maintain_column_froms=True)
        if scope.whole:
            return ids.where(unit.is_not(None))
        c = closure_t.alias("anchor_subtree")
        return ids.join(c, c.c.descendant_id == unit).where(c.c.ancestor_id == root_of(scope))

    return sa.union_all(*(branch(anchor) for anchor in anchors))


def _known_units(scope: Scope) -> list[sa.Select[Any]]:
    """The sets of units a viewer knows of itself (unit_visible's first three kinds): its
    subtree, its ancestors, and the units co-assigned to its visible tasks and
    rectifications."""
    # From the visible tasks' ids to their assignments (by task id): as a task_visible filter
    # on the assignment table, PostgreSQL read every assignment to test it.
    return [
        subtree(scope),
        ancestors(scope),
        sa.select(assignment_t.c.org_unit_id).where(
            assignment_t.c.task_id.in_(visible_task_ids(scope))
        ),
        sa.select(rect_assignment_t.c.org_unit_id).where(
            rect_assignment_t.c.rectification_id.in_(visible_rectification_ids(scope))
        ),
    ]


def unit_visible(scope: Scope, column: Column) -> Predicate:
    """`column` (an org unit id) is in the subtree, an ancestor, co-assigned, or a 条 superior.

    Co-assigned: assigned (any role) to a visible task, or responsible for a visible
    rectification. 条 superior: the `line_parent` of a unit of the first three kinds. Seeing a
    unit shows the unit itself (name, kind); what hangs below it or is assigned to it stays
    under the other predicates. `visible_unit_ids` is the same rule as a set.
    """
    if scope.unrestricted:
        return sa.true()
    if scope.whole:
        return column.is_not(None)
    listed = _set(scope, "units")
    if listed is not None:
        return column.in_(listed)
    known = _known_units(scope)

    def knows(unit: Column) -> Predicate:
        return sa.or_(*(unit.in_(units) for units in known))

    line = unit_t.alias("line_of")
    line_parents = sa.select(line.c.line_parent_id).where(
        line.c.line_parent_id.is_not(None), knows(line.c.id)
    )
    return sa.or_(knows(column), column.in_(line_parents))


def visible_unit_ids(scope: Scope, known: Any = None) -> sa.CompoundSelect[Any]:
    """Ids of the units unit_visible shows (with repeats), built from the known sets rather
    than by testing every unit: the known units (`known`: a set of their ids, e.g. a CTE of
    them; default _known_units'), and the 条 superiors of those, found by key."""
    line = unit_t.alias("line_of")
    sets = _known_units(scope) if known is None else [sa.select(known.c.id)]
    return sa.union_all(
        *sets,
        *(
            sa.select(line.c.line_parent_id).where(
                line.c.id.in_(units), line.c.line_parent_id.is_not(None)
            )
            for units in sets
        ),
    )


def share_visible(scope: Scope, assignment_id: Column) -> Predicate:
    """An assignment (a unit's share) of a visible task: its unit, status and progress."""
    if scope.unrestricted:
        return sa.true()
    if scope.whole:  # a share anchors its own task (its unit is in the subtree)
        return assignment_id.is_not(None)
    return assignment_id.in_(
        sa.select(assignment_t.c.id).where(task_visible(scope, assignment_t.c.task_id))
    )


def own_share(scope: Scope, assignment_id: Column) -> Predicate:
    """An assignment of a unit in the subtree: its progress reports (narratives) are visible."""
    if scope.unrestricted:
        return sa.true()
    if scope.whole:  # every unit is in the subtree
        return assignment_id.is_not(None)
    return assignment_id.in_(
        sa.select(assignment_t.c.id).where(assignment_t.c.org_unit_id.in_(subtree(scope)))
    )


def reviewed_task(scope: Scope, task_id: Column) -> Predicate:
    """A task whose reports the subtree reviews (its issuer or a current supervisor of its
    plan is in the subtree: `review_anchors`)."""
    if scope.unrestricted:
        return sa.true()
    return _anchored(scope, review_anchors(), task_id)


def report_share(scope: Scope, assignment_id: Column) -> Predicate:
    """An assignment whose progress reports (narratives, their evidence files and comments)
    the viewer reads: its own share (`own_share`), or a share of a task the subtree reviews
    (`reviewed_task`) — the reviewer must see what it accepts or returns."""
    if scope.unrestricted:
        return sa.true()
    if scope.whole:  # every share is its own (own_share)
        return own_share(scope, assignment_id)
    reviewed = sa.select(assignment_t.c.id).where(reviewed_task(scope, assignment_t.c.task_id))
    return sa.or_(own_share(scope, assignment_id), assignment_id.in_(reviewed))


def rectification_visible(scope: Scope, rectification_id: Column) -> Predicate:
    """A responsible unit of the rectification, or its inspection team, is in the subtree."""
    if scope.unrestricted:
        return sa.true()
    return _anchored(scope, rectification_anchors(), rectification_id)


def document_visible(scope: Scope, document_id: Column) -> Predicate:
    """Issued in the subtree, or holding a visible task."""
    if scope.unrestricted:
        return sa.true()
    if scope.whole:  # probed by the document's key
        issuer = document_t.alias("issued_document")
        holder = task_t.alias("holding_task")
        return sa.or_(
            sa.exists().where(issuer.c.id == document_id, in_subtree(scope, issuer.c.issuer_id)),
            sa.exists().where(
                holder.c.document_id == document_id, task_visible(scope, holder.c.id)
            ),
        )
    issued = sa.select(document_t.c.id).where(document_t.c.issuer_id.in_(subtree(scope)))
    holding = sa.select(task_t.c.document_id).where(task_visible(scope))
    return sa.or_(document_id.in_(issued), document_id.in_(holding))


def plan_visible(scope: Scope, plan_id: Column) -> Predicate:
    """The plan's document is visible."""
    if scope.unrestricted:
        return sa.true()
    return plan_id.in_(sa.select(plan_t.c.id).where(document_visible(scope, plan_t.c.document_id)))


def measure_visible(scope: Scope, measure_id: Column) -> Predicate:
    """A plan measure of a visible plan, or naming a unit in the subtree."""
    if scope.unrestricted:
        return sa.true()
    of_plans = sa.select(measure_t.c.id).where(plan_visible(scope, measure_t.c.plan_id))
    naming = sa.select(measure_unit_t.c.measure_id).where(
        measure_unit_t.c.org_unit_id.in_(subtree(scope))
    )
    return sa.or_(measure_id.in_(of_plans), measure_id.in_(naming))


def section_visible(scope: Scope, section_id: Column) -> Predicate:
    """A monitoring section of a unit in the subtree."""
    if scope.unrestricted:
        return sa.true()
    return section_id.in_(
        sa.select(section_t.c.id).where(section_t.c.org_unit_id.in_(subtree(scope)))
    )


def subject_visible(scope: Scope, unit: Column, section: Column) -> Predicate:
    """A target's or measurement's unit, or its section's unit, is in the subtree."""
    if scope.unrestricted:
        return sa.true()
    return sa.or_(unit.in_(subtree(scope)), section_visible(scope, section))


def inspection_visible(scope: Scope, inspection_id: Column) -> Predicate:
    """An inspection with a visible rectification, or of (or by) a unit in the subtree."""
    if scope.unrestricted:
        return sa.true()
    with_items = sa.select(rect_t.c.inspection_id).where(rectification_visible(scope, rect_t.c.id))
    of_units = sa.select(inspection_t.c.id).where(
        sa.or_(
            inspection_t.c.subject_unit_id.in_(subtree(scope)),
            inspection_t.c.inspector_id.in_(subtree(scope)),
        )
    )
    return sa.or_(inspection_id.in_(with_items), inspection_id.in_(of_units))


# -- rows of every table ---------------------------------------------------------------------

# The named id sets a row condition tests membership in: name -> (table whose ids the set
# holds, predicate on such an id). RLS turns each into one SQL function (scope_rls.py).
SETS: dict[str, tuple[sa.Table, Callable[[Scope, Column], Predicate]]] = {
    "subtree": (unit_t, in_subtree),
    "units": (unit_t, unit_visible),
    "tasks": (task_t, lambda scope, column: task_visible(scope, column)),
    "shares": (assignment_t, share_visible),
    "own_shares": (assignment_t, own_share),
    "report_shares": (assignment_t, report_share),
    "documents": (document_t, document_visible),
    "plans": (plan_t, plan_visible),
    "measures": (measure_t, measure_visible),
    "rectifications": (rect_t, rectification_visible),
    "inspections": (inspection_t, inspection_visible),
    "sections": (section_t, section_visible),
}

Member = Callable[[Column, str], Predicate]


def row_condition(table: sa.Table, member: Member) -> Predicate | None:
    """A restricted viewer's condition on `table`'s rows, from memberships in the SETS.

    None: the table is not scoped (reference data, or not a viewer's business at all).
    `member(column, set name)` says how membership is written: as the set's predicate
    (visibility) or as a call of its SQL function (row-level security).
    """
    c = table.c
    match table.name:
        case "org_unit":
            return member(c.id, "units")
        case "org_unit_alias":
            return member(c.org_unit_id, "units")
        case "task":
            return member(c.id, "tasks")
        case "task_deadline_change":
            return member(c.task_id, "tasks")
        case "assignment":
            # Every share of a visible task (its unit is then visible: co-assigned).
            return member(c.task_id, "tasks")
        case "assignment_status_event":
            return member(c.assignment_id, "shares")
        case "progress_report":
            return member(c.assignment_id, "report_shares")
        case "plan":
            return member(c.id, "plans")
        case "document":
            return member(c.id, "documents")
        case "rectification":
            return member(c.id, "rectifications")
        case "evidence_file":
            # A report's files with its narrative (own shares); an event's with its item; an
            # extension request's with the request (its task).
            return sa.or_(
                member(c.assignment_id, "report_shares"),
                member(c.rectification_id, "rectifications"),
                member(c.task_id, "tasks"),
            )
        case "comment":
            # Comments and 批示 are read with their target: a task's, a rectification's, a
            # report's (its share's unit in the subtree, like the report's narrative).
            return sa.or_(
                member(c.task_id, "tasks"),
                member(c.rectification_id, "rectifications"),
                member(c.assignment_id, "report_shares"),
            )
        case "supervision":
            return sa.or_(member(c.plan_id, "plans"), member(c.inspection_id, "inspections"))
        case "extension_request":
            # With its task: the lead units, the issuer and the units above them.
            return member(c.task_id, "tasks")
        case "rectification_event" | "rectification_finding":
            return member(c.rectification_id, "rectifications")
        case "rectification_assignment":
            return sa.and_(
                member(c.rectification_id, "rectifications"), member(c.org_unit_id, "units")
            )
        case "plan_measure":
            return member(c.id, "measures")
        case "plan_measure_unit":
            return member(c.measure_id, "measures")
        case "reported_fact":
            return member(c.org_unit_id, "subtree")
        case "inspection":
            return member(c.id, "inspections")
        case "finding":
            return member(c.inspection_id, "inspections")
        case "target" | "measurement":
            return sa.or_(member(c.org_unit_id, "subtree"), member(c.section_id, "sections"))
        case "monitoring_section":
            return member(c.org_unit_id, "subtree")
        case "proposal":
            return member(c.handling_unit_id, "subtree")
        case "escalation" | "escalation_reply":
            return member(c.addressed_to_id, "subtree")
        case "audit_event":
            # auditEvents: writes scoped to a unit in the subtree.
            return member(c.scope_unit_id, "subtree")
        case (
            "rollup_member"
            | "rollup_bucket"
            | "rollup_member_history"
            | "rollup_bucket_history"
            | "rollup_overdue_span"
        ):
            return member(c.root_id, "subtree")
    return None


# Tables whose rows every viewer reads whole (reference data).
UNSCOPED = frozenset({"indicator", "score_rubric", "score_rule"})  # reference data


def visibility(scope: Scope, table: sa.Table) -> Predicate:
    """The scope predicate for any table's rows (true for reference data)."""
    if scope.unrestricted or table.name in UNSCOPED:
        return sa.true()
    condition = row_condition(table, lambda column, name: SETS[name][1](scope, column))
    # Unknown tables are invisible until someone decides otherwise.
    return sa.false() if condition is None else condition


# -- write predicates ------------------------------------------------------------------------


def can_report_on(viewer: Viewer, share_unit: Column) -> Predicate:
    """reportProgress: REPORTER or higher, and the share's unit (`share_unit`) in the subtree."""
    return _writes(viewer, ViewerRole.REPORTER, lambda scope: in_subtree(scope, share_unit))


def can_edit_task(viewer: Viewer, document_issuer: Column) -> Predicate:
    """Editing a task itself: COORDINATOR or higher over its issuer.

    `document_issuer`: who issued the task — its document's issuer_id, or for a subtask
    (decomposeTask) the unit whose share it splits, which issued it. A unit that only leads or
    cooperates on the task may read it and report on its share, not edit it.
    """
    return _writes(
        viewer,
        ViewerRole.COORDINATOR,
        lambda scope: sa.and_(document_issuer.is_not(None), in_subtree(scope, document_issuer)),
    )


def can_edit_plan(viewer: Viewer, document_issuer: Column) -> Predicate:
    """Creating tasks in a plan, editing a document: COORDINATOR or higher over its issuer."""
    return can_edit_task(viewer, document_issuer)


def can_decompose(viewer: Viewer, share_unit: Column, share_role: Column) -> Predicate:
    """decomposeTask: COORDINATOR or higher of the unit holding the LEAD share itself."""
    if viewer.unit_id is None or not viewer.at_least(ViewerRole.COORDINATOR):
        return sa.false()
    return sa.and_(share_unit == viewer.unit_id, share_role == AssignmentRole.LEAD.value)


def can_name_unit(viewer: Viewer, unit: Column) -> Predicate:
    """A unit a write may name (as lead, cooperating, owner, issuer): one in the subtree."""
    return _writes(viewer, ViewerRole.VIEWER, lambda scope: in_subtree(scope, unit))


def can_write_unit(viewer: Viewer, role: ViewerRole, unit: Column) -> Predicate:
    """A write of `role` or higher on something of `unit` (a target's owner, an issuer...)."""
    return _writes(viewer, role, lambda scope: in_subtree(scope, unit))


def can_attach_to_event(viewer: Viewer, actor_unit: Column) -> Predicate:
    """attachEvidence on a rectification event: REPORTER or higher over the unit that made
    the transition (`actor_unit`: its own unit, or a unit above it)."""
    return _writes(viewer, ViewerRole.REPORTER, lambda scope: in_subtree(scope, actor_unit))


def can_answer_escalation(viewer: Viewer, addressed_to: Column) -> Predicate:
    """Signing for and replying to an escalation (督办件): REPORTER or higher of the addressed
    unit itself (ADMIN: any)."""
    if viewer.is_admin:
        return _writes(viewer, ViewerRole.REPORTER, lambda scope: sa.true())
    if viewer.unit_id is None:
        return sa.false()
    unit = viewer.unit_id
    return _writes(viewer, ViewerRole.REPORTER, lambda scope: addressed_to == unit)


def can_close_escalation(viewer: Viewer, issued_by: Column) -> Predicate:
    """Closing an escalation: COORDINATOR or higher of the issuing unit or a unit above it."""
    return _writes(viewer, ViewerRole.COORDINATOR, lambda scope: in_subtree(scope, issued_by))


def can_escalate_to(viewer: Viewer, unit: Column) -> Predicate:
    """escalate: COORDINATOR or higher of a unit strictly above `unit` (ADMIN: any unit)."""
    if viewer.is_admin:
        return _writes(viewer, ViewerRole.COORDINATOR, lambda scope: sa.true())
    return _writes(
        viewer,
        ViewerRole.COORDINATOR,
        lambda scope: sa.and_(in_subtree(scope, unit), unit != viewer.unit_id),
    )


def can_review_report(viewer: Viewer, task_issuer: Column, plan: Column | None = None) -> Predicate:
    """reviewProgressReport (审核 / 退回): the task's supervising unit, that is COORDINATOR or
    higher whose unit is the task's issuer or above it (`task_issuer`: its document's issuer,
    or for a subtask the unit whose share it splits) — the units that assigned the work and
    may edit the task (`can_edit_task`) — or of a unit currently designated supervisor of the
    task's `plan` (`supervises`), whether or not it is above the lead unit in the tree. A lead
    unit does not review its own reports unless it issued the task itself."""
    by_issuer = can_edit_task(viewer, task_issuer)
    if plan is None or viewer.unit_id is None:
        return by_issuer
    unit = viewer.unit_id
    return sa.or_(
        by_issuer,
        _writes(viewer, ViewerRole.COORDINATOR, lambda scope: supervises(unit, plan=plan)),
    )


def can_comment(viewer: Viewer) -> Predicate:
    """addComment (COMMENT): REPORTER or higher, on a target the viewer sees (the service
    checks the target's visibility with the target's read predicate)."""
    return _writes(viewer, ViewerRole.REPORTER, lambda scope: sa.true())


def can_instruct(viewer: Viewer, issuers: Any, units: Any) -> Predicate:
    """addComment (INSTRUCTION, 批示): COORDINATOR or higher whose unit is an issuer of the
    target or above one (`issuers`: a task's issuer; a rectification's inspection team), or
    strictly above one of the target's units (`units`: a task's assigned units, a
    rectification's responsible units, a report's share unit). ADMIN: any target."""
    if viewer.is_admin:
        return _writes(viewer, ViewerRole.COORDINATOR, lambda scope: sa.true())
    if viewer.unit_id is None:
        return sa.false()
    unit = viewer.unit_id
    over_issuer = sa.exists(
        sa.select(sa.literal(1)).where(
            closure_t.c.ancestor_id == unit, closure_t.c.descendant_id.in_(issuers)
        )
    )
    above_unit = sa.exists(
        sa.select(sa.literal(1)).where(
            closure_t.c.ancestor_id == unit,
            closure_t.c.descendant_id.in_(units),
            closure_t.c.depth > 0,
        )
    )
    return _writes(viewer, ViewerRole.COORDINATOR, lambda scope: sa.or_(over_issuer, above_unit))


def supervises(
    unit: uuid.UUID, *, plan: Column | None = None, inspection: Column | None = None
) -> Predicate:
    """`unit` itself is a designated supervisor of the plan or the inspection (its rights:
    the supervising side of the rectification workflow over the inspection's items)."""
    target = (
        supervision_t.c.plan_id == plan
        if plan is not None
        else (supervision_t.c.inspection_id == inspection)
    )
    return sa.exists(
        sa.select(sa.literal(1)).where(
            target, supervision_t.c.org_unit_id == unit, current_supervision()
        )
    )


def can_request_extension(viewer: Viewer, lead_unit: Column) -> Predicate:
    """requestExtension (延期申请): REPORTER or higher of the LEAD share's unit itself (ADMIN:
    any); withdrawing it, the same."""
    return can_answer_escalation(viewer, lead_unit)


def can_sign_for(viewer: Viewer, share_unit: Column) -> Predicate:
    """signFor (签收): REPORTER or higher of the share's unit itself (ADMIN: any)."""
    return can_answer_escalation(viewer, share_unit)


def can_decide_extension(viewer: Viewer, issuer: Column, lead_unit: Column) -> Predicate:
    """Approving or rejecting an extension request: COORDINATOR or higher of the task's issuer
    (the plan's issuer, or for a subtask the unit whose share it splits) or a unit above it,
    or of a unit strictly above the requesting lead unit (ADMIN: any)."""
    if viewer.is_admin:
        return _writes(viewer, ViewerRole.COORDINATOR, lambda scope: sa.true())
    return _writes(
        viewer,
        ViewerRole.COORDINATOR,
        lambda scope: sa.or_(
            sa.and_(issuer.is_not(None), in_subtree(scope, issuer)),
            sa.and_(in_subtree(scope, lead_unit), lead_unit != viewer.unit_id),
        ),
    )


def _writes(viewer: Viewer, role: ViewerRole, within: Callable[[Scope], Predicate]) -> Predicate:
    """The role check, then ADMIN everywhere, anyone else within its scope."""
    if viewer.anonymous or viewer.partner or not viewer.at_least(role):
        return sa.false()
    return within(scope_for(viewer))


def can_manage_rubric(viewer: Viewer, owner_unit: Column) -> Predicate:
    """Creating or changing a 考核 rubric (models/score.py): ADMIN any; COORDINATOR or higher
    over the owning unit (its own unit or one below); a rubric without an owner: ADMIN only."""
    if viewer.is_admin:
        return _writes(viewer, ViewerRole.ADMIN, lambda scope: sa.true())
    return sa.and_(
        owner_unit.is_not(None),
        _writes(viewer, ViewerRole.COORDINATOR, lambda scope: in_subtree(scope, owner_unit)),
    )
