"""Compiled read path: a validated query and the viewer's scope as ONE SQL statement.

For the fields dashboards and sync clients read most (units, their children, task lists with
leads, cooperating units and latest reports, task rollups), the whole response is built by
the database with its JSON functions, as Hasura does, and returned as text: no resolver runs,
no row reaches Python. PostgreSQL and SQLite differ only in how JSON and values are written:
resolvers/compiled/sql.py's Dialect (Env.dialect) is the one home of that. Any field,
argument or directive without a rule here raises NotCompilable and the operation runs
through the resolvers as before, so the compiled path is an optimisation only;
tests/compiled holds the differential test proving both paths answer alike.

The SQL reuses the resolvers' own pieces (scope predicates, TaskFilter conditions, sort keys,
rollup statements), so the two paths cannot drift apart on semantics; each level refers to
its parent row by alias name (`outer`) so nested derived tables stay correlated.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    ListValueNode,
    NamedTypeNode,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_abstract_type,
)
from graphql.execution.values import get_argument_values
from sqlalchemy.sql import util as sql_util

from models import (
    Assignment,
    Document,
    Finding,
    Indicator,
    Measurement,
    MonitoringSection,
    OrgUnit,
    OrgUnitAlias,
    OrgUnitClosure,
    Plan,
    ProgressReport,
    Rectification,
    RectificationAssignment,
    RectificationFinding,
    Target,
    Task,
    enums,
)
from models.org_unit_tree import in_force_at, parent_links, present
from models.rules import calendar, rectification_state
from models.rules.health import rectification_light
from models.rules.labels import task_label_sql
from models.rules.names import normalize_doc_number
from models.rules.responsibility import written_order
from models.rules.scope import (
    EVERYTHING,
    covered,
    reviewed_task,
    section_visible,
    spans_tree,
    visible_task_ids,
    with_sets,
)
from models.rules.task_state import state_as_of, status_of, unit_scope
from resolvers import cursors, fields
from resolvers.common import decode_global_id
from resolvers.compiled import sql
from resolvers.indicator.queries import TARGETS_OF_UNIT, target_order
from resolvers.inspection.queries import _order as rectification_order
from resolvers.inspection.queries import rectification_conditions
from resolvers.inspection.types import RectificationFilter
from resolvers.org_unit.queries import name_match_statement, name_parameters
from resolvers.pagination import OrderKey, _arguments, after_predicate
from resolvers.rollups.attainment import attainment_of
from resolvers.rollups.history import history_t as member_history_t
from resolvers.rollups.history import member_state_on
from resolvers.rollups.maintained import (
    MemberList,
    filtered_member_rollup,
    member_list,
    member_rows,
    members_passing,
    whole_tasks_overdue,
)
from resolvers.rollups.rectification import rectification_rollup_statement
from resolvers.rollups.task import (
    end_of_day,
    health_statement,
    light_counts,
    rollup_statement,
    tasks_of_plans,
    tasks_of_units,
)
from resolvers.scope import (
    Disclosure,
    Scope,
    document_visible,
    in_subtree,
    plan_visible,
    rectification_visible,
    subject_visible,
    subtree,
    task_visible,
    unit_visible,
)
from resolvers.task.filters import (
    shares_state,
    state_tests,
    task_filter_conditions,
    whole_task_state,
)
from resolvers.task.order import is_deadline, task_order
from resolvers.task.types import TaskFilter

unit_t: sa.Table = OrgUnit.__table__  # type: ignore[attr-defined]
task_t: sa.Table = Task.__table__  # type: ignore[attr-defined]
assignment_t: sa.Table = Assignment.__table__  # type: ignore[attr-defined]
closure_t: sa.Table = OrgUnitClosure.__table__  # type: ignore[attr-defined]
report_t: sa.Table = ProgressReport.__table__  # type: ignore[attr-defined]
plan_t: sa.Table = Plan.__table__  # type: ignore[attr-defined]
document_t: sa.Table = Document.__table__  # type: ignore[attr-defined]
alias_t: sa.Table = OrgUnitAlias.__table__  # type: ignore[attr-defined]
rect_t: sa.Table = Rectification.__table__  # type: ignore[attr-defined]
rect_assignment_t: sa.Table = RectificationAssignment.__table__  # type: ignore[attr-defined]
rect_finding_t: sa.Table = RectificationFinding.__table__  # type: ignore[attr-defined]
finding_t: sa.Table = Finding.__table__  # type: ignore[attr-defined]
target_t: sa.Table = Target.__table__  # type: ignore[attr-defined]
measurement_t: sa.Table = Measurement.__table__  # type: ignore[attr-defined]
indicator_t: sa.Table = Indicator.__table__  # type: ignore[attr-defined]
section_t: sa.Table = MonitoringSection.__table__  # type: ignore[attr-defined]

MAX_PAIRS = 50  # json_build_object takes at most 100 arguments

# What is viewer- or day-specific is a bind parameter of the plan, never a constant in it, so
# one plan serves every viewer of a query shape (request_params gives the values):
SCOPE_ROOT = "scope_root"  # the viewer's subtree root (restricted plans only)
SCOPE_SHARED = "scope_shared"  # the viewer is a sharing partner (disclosure SHARED)
TODAY = "today"  # the default asOf
# Query.me: the request's viewer (models/viewer.py), never a constant of the plan.
VIEWER_SUBJECT, VIEWER_ROLE = "viewer_subject", "viewer_role"
VIEWER_PARTNER, VIEWER_UNIT = "viewer_partner", "viewer_unit"
# A stand-in root for compiling: the real one never enters a plan, so a Python-side use of
# it would show as wrong answers in the differential test, never as another viewer's rows.
NO_ROOT = uuid.UUID(int=0)


class NotCompilable(Exception):
    """The operation needs the resolvers (a field, argument or directive without a rule)."""


Row = Any  # a FROM clause (table alias or subquery) whose columns a level reads


@dataclass
class Env:
    """What compiling one operation needs."""

    schema: GraphQLSchema
    fragments: dict[str, FragmentDefinitionNode]
    variables: Any  # graphql-core's coerced VariableValues
    scope: Scope
    today: date
    rollups: RollupSource
    viewer: Any = None  # models.viewer.Viewer: Query.me's values are bind parameters
    # Whether the maintained members (rollup_member, rollup_member_history) may be read: not
    # under row-level security, which hides the rows of units outside the viewer's subtree.
    members: bool = True
    # How JSON and rendered values are written (PostgreSQL or SQLite).
    dialect: sql.Dialect = sql.POSTGRESQL
    # Variables compiled as bind parameters (unit ids and names): the statement serves any
    # value (of a name: any name of its shape).
    bound: Bound = field(default_factory=lambda: Bound())
    params: dict[str, Any] = field(default_factory=dict)
    # (explicit asOf, whether it counted as today or later): the plan holds while today
    # leaves every answer unchanged (Plan.fresh).
    day_checks: list[tuple[date, bool]] = field(default_factory=list)
    # Rows whose id is a constant of the plan (orgUnit(id:) without bound variables), by the
    # alias's name: a cursor passed to their connections is checked while compiling.
    known_ids: dict[str, uuid.UUID] = field(default_factory=dict)
    # The id argument of orgUnit(id:) rows (a bind parameter or a constant), by the alias's
    # name: where the dialect asks for it (Dialect.inline_root_ids), their lists and rollups
    # use it instead of the correlated column.
    root_ids: dict[str, sa.ColumnElement[Any]] = field(default_factory=dict)
    # The cursors checked while compiling, (cursor, list digest, parent): a cached plan
    # answers only while they still verify (the signing key may have changed).
    cursor_checks: list[tuple[str, str, str]] = field(default_factory=list)
    # A covered plan (restricted viewers only; models/rules/scope.py `covered`): the units the
    # operation asks about (orgUnit(id:), orgUnit(name:), orgUnits(filter: {ancestor|parent}))
    # are taken to lie in the viewer's subtree, each a guard of the statement (it answers
    # NULL when one fails: api/compiled.py runs the general plan then), and what lies below
    # them is read without scope predicates, as ADMIN reads it. A restricted viewer's general
    # plan reports the guards instead (`reports_guards`), so the next request knows.
    covered: bool = False
    guards: list[sa.ColumnElement[bool]] = field(default_factory=list)
    # A whole-tree plan (a covered plan of a restricted viewer whose unit is the tree's only
    # root: models/rules/scope.py Scope.whole): every unit lies in the subtree, so every unit
    # row is known and every unit asked about covered; its one guard is `spans_tree`. The
    # lists that start from no unit (tasks, documents, plans) probe each candidate's anchors
    # instead of building the set of every visible object.
    whole: bool = False
    # Rows (by alias name) a covered plan knows about: unit rows in the viewer's subtree,
    # task and rectification rows of their lists (visible: scope.py `covered`).
    known: set[str] = field(default_factory=set)
    # Whether the statement reads by keys only (GENERIC_SAFE): the same plan is right for
    # every unit, so PostgreSQL may keep a generic plan of it (api/compiled.py Plan.generic)
    # instead of planning each execution afresh.
    generic: bool = True
    # What the statement's parts build once and share (RollupSource's `shared`: CTEs).
    shared: dict[str, Any] = field(default_factory=dict)
    _names: itertools.count[int] = field(default_factory=itertools.count)

    def __post_init__(self) -> None:
        """The viewer's scope becomes bind parameters (see SCOPE_ROOT)."""
        self.params |= request_params(self.scope, self.today, self.viewer)
        if not self.scope.unrestricted:
            self.scope = Scope(
                root=NO_ROOT,
                disclosure=Disclosure.INTERNAL,
                parameter=SCOPE_ROOT,
                whole=self.whole,
            )
            if self.whole:
                self.covered = True
                self.guards.append(spans_tree(self.scope))
            elif self.dialect.scope_sets:
                self.use_scope_sets()

    def use_scope_sets(self) -> None:
        """A restricted viewer's predicates from here on read its id sets from CTEs of the
        statement (models/rules/scope.py with_sets), each computed once."""
        if not self.scope.unrestricted and self.scope.sets is None:
            self.scope = with_sets(self.scope)

    def scope_at(self, row: Row) -> Scope:
        """The scope a field of `row` is read with: everything for a row a covered plan knows
        (a unit in the viewer's subtree, a visible task or rectification: what the field's
        rule then reads is visible by models/rules/scope.py `covered`), else the viewer's."""
        return EVERYTHING if row.name in self.known else self.scope

    def cover(self, unit: sa.ColumnElement[Any]) -> bool:
        """`unit` (an asked unit's id) becomes a guard of a restricted viewer's plan; True in
        a covered plan, whose rows of that unit (or below it) are then known."""
        if self.scope.unrestricted or not self.dialect.covered_plans:
            return False  # no guards: no covered plan, and none to report (api/compiled.py)
        if self.scope.whole:
            return True  # every unit lies in the subtree (the plan's one guard)
        self.guards.append(covered(self.scope, unit))
        return self.covered

    @property
    def reports_guards(self) -> bool:
        """Whether the statement's text starts with the guards' outcome ('1' or '0'): a
        general plan of a restricted viewer that asks about units (api/compiled.py Plan)."""
        return bool(self.guards) and not self.covered

    def day(self, as_of: date | None) -> tuple[Any, bool]:
        """An asOf argument in SQL and whether it is today or later (the present state).

        The default (today) is the parameter TODAY; an explicit date is a constant, and its
        comparison with today is recorded in day_checks.
        """
        if as_of is None:
            return self.today_value(), True
        current = as_of >= self.today
        self.day_checks.append((as_of, current))
        return as_of, current

    def state_tests(self, flt: TaskFilter | None) -> list[Any]:
        """The filter's state tests (resolvers/task/filters.py), each date a day check; a
        test as of today (dueSoon, dueWithin) pins the plan to today (today's date is in
        the SQL). ValueError for a dueWithin out of range (the resolvers report it)."""
        tests = state_tests(flt, self.today)
        pin_lights(self, flt)
        for test in tests:
            self.day(test.as_of)
        if flt is not None and (flt.due_soon is not None or flt.due_within is not None):
            self.day_checks.append((self.today - timedelta(days=1), False))
        return tests

    def today_value(self) -> Any:
        """Today in SQL: the parameter TODAY, or where the dialect cannot compute on a date
        parameter (Dialect.date_parameters) today as a constant, the plan then holding for
        today only (a day check)."""
        if self.dialect.date_parameters:
            return sa.bindparam(TODAY, self.today, type_=sa.Date())
        self.day_checks.append((self.today, True))
        return self.today

    def hidden(self) -> sa.ColumnElement[bool]:
        """Whether internal fields are hidden from the viewer (a sharing partner)."""
        if self.scope.unrestricted:
            return sa.false()
        # Hidden unless the request says otherwise.
        return sa.bindparam(SCOPE_SHARED, True, type_=sa.Boolean())

    def alias(self, table: sa.Table, prefix: str) -> Any:
        """A fresh alias, so nested levels never share a name. In a whole-tree plan a unit's
        row is known (it lies in the subtree)."""
        alias = table.alias(f"{prefix}{next(self._names)}")
        if self.scope.whole and table is unit_t:
            self.known.add(alias.name)
        return alias

    def name(self, prefix: str) -> str:
        """A fresh name for a derived table."""
        return f"{prefix}{next(self._names)}"

    def unit_id(self, value: Any, node: Any) -> sa.ColumnElement[Any]:
        """A unit id argument: a bind parameter when it is a bound variable, else a constant.

        A malformed id is the resolvers' to report.
        """
        try:
            unit = decode_global_id(value, "OrgUnit")
        except ValueError as exc:
            raise NotCompilable(str(exc)) from exc
        if isinstance(node, VariableNode) and node.name.value in self.bound:
            key = param_key(node.name.value)
            self.params[key] = unit
            return sa.bindparam(key, value=unit, type_=sa.Uuid())
        return sa.literal(unit, sa.Uuid())


def param_key(variable: str) -> str:
    """The bind parameter of a bound variable."""
    return f"gqlvar_{variable}"


def request_params(scope: Scope, today: date, viewer: Any = None) -> dict[str, Any]:
    """The values of a request's viewer and day parameters (SCOPE_ROOT, SCOPE_SHARED, TODAY,
    Query.me's VIEWER_*) and the cursors' signing keys."""
    inner_key, outer_key = cursors.padded_keys()
    params = {
        SCOPE_ROOT: scope.root,
        SCOPE_SHARED: scope.disclosure is Disclosure.SHARED,
        TODAY: today,
        sql.CURSOR_INNER_KEY: inner_key,
        sql.CURSOR_OUTER_KEY: outer_key,
    }
    if viewer is not None:
        params |= {
            VIEWER_SUBJECT: viewer.subject,
            VIEWER_ROLE: None if viewer.role is None else viewer.role.value,
            VIEWER_PARTNER: bool(viewer.partner),
            VIEWER_UNIT: viewer.unit_id,
        }
    return params


# The fields whose SQL reads rows by key only, the same way for every unit asked about: a
# statement of these alone (Env.generic) may run on a generic plan (api/compiled.py). A unit
# and its own columns, its path up the tree (bounded by the depth), and a rollup from the
# maintained buckets (unit_task_rollup checks the arguments: today, LEAD, whole subtree, no
# filter, read as ADMIN reads). Lists and live aggregations are not: their best plan
# depends on the size of the subtree asked about.
GENERIC_SAFE = frozenset(
    {
        ("Query", "orgUnit"),
        *(
            ("OrgUnit", name)
            for name in ("id", "name", "kind", "code", "depth", "aliases", "parent", "ancestors")
        ),
        ("OrgUnit", "taskRollup"),
        # Lists read in index order, a page at a time: their handlers keep `generic` only for
        # a unit's children today, its own tasks, its overdue members (the pending index),
        # and the units below or under a unit (unit_children, unit_tasks, query_org_units).
        ("OrgUnit", "children"),
        ("OrgUnit", "tasks"),
        ("Query", "orgUnits"),
        *(
            (connection, name)
            for connection in ("OrgUnitConnection", "TaskConnection")
            for name in ("totalCount", "edges", "pageInfo")
        ),
        *((edge, name) for edge in ("OrgUnitEdge", "TaskEdge") for name in ("node", "cursor")),
        *(
            ("PageInfo", name)
            for name in ("hasNextPage", "hasPreviousPage", "startCursor", "endCursor")
        ),
        *(
            ("Task", name)
            for name in (
                "id",
                "code",
                "seq",
                "title",
                "category",
                "status",
                "progress",
                "deadline",
                "leadUnits",
                "cooperatingUnits",
            )
        ),
        *(("Deadline", name) for name in fields.DEADLINE),
        # The rest of the dashboard's screen (api/static/dashboard/queries/screen.graphql):
        # per row, key and index reads (a task's plan, label and state as of a day; a
        # unit's targets and their attainment's slot probes; the subtree's rectifications
        # and their rollup, whose handlers keep `generic` without a filter and for today).
        # Measured for a province, a city, a district and a town: a generic plan answers
        # the screen in 0.5-0.75x the time of planning it afresh (bench/RESULTS.md).
        *(("Task", name) for name in ("label", "plan", "statusAsOf", "progressAsOf")),
        *(("Plan", name) for name in ("id", "field", "title")),
        ("OrgUnit", "targets"),
        *(
            ("Target", name)
            for name in (
                "id",
                "year",
                "month",
                "kind",
                "value",
                "baseline",
                "baselineYear",
                "indicator",
                "attainment",
            )
        ),
        *(("Indicator", name) for name in ("code", "name", "unit", "direction", "kind")),
        *(
            ("Attainment", name)
            for name in ("asOf", "status", "basis", "actual", "target", "monthsMeasured", "gap")
        ),
        ("OrgUnit", "rectificationRollup"),
        *(
            ("RectificationRollup", name)
            for name in (
                "asOf",
                "total",
                "notStarted",
                "inProgress",
                "completed",
                "verified",
                "closed",
                "reopened",
                "overdue",
                "dueSoon",
                "ongoing",
                "completionRate",
            )
        ),
        ("OrgUnit", "rectifications"),
        *(("RectificationConnection", name) for name in ("totalCount", "edges", "pageInfo")),
        *(("RectificationEdge", name) for name in ("node", "cursor")),
        *(
            ("Rectification", name)
            for name in (
                "id",
                "seq",
                "category",
                "problem",
                "status",
                "statusAsOf",
                "findingNumbers",
                "deadline",
                "responsibleUnits",
            )
        ),
        *(
            ("TaskRollup", name)
            for name in (
                "asOf",
                "total",
                "completed",
                "inProgress",
                "notStarted",
                "overdue",
                "dueSoon",
                "ongoing",
                "completionRate",
                "weightedProgress",
            )
        ),
    }
)


# Where a variable may be a bind parameter: (root field, argument, input field or None).
BINDABLE = {
    ("orgUnit", "id", None),
    ("orgUnits", "filter", "ancestor"),
    ("orgUnits", "filter", "parent"),
}
# The same at any depth (field, argument): their handlers take the id through Env.unit_id.
BINDABLE_ANYWHERE = {("statusAsOf", "unit"), ("progressAsOf", "unit")}
# Where a String variable may be bound: a unit's name, whose plan is per name_shape.
NAME_BINDABLE = {("orgUnit", "name")}


class Bound(frozenset[str]):
    """The bound variables of an operation (bound_variables): `names` are unit names
    (orgUnit(name:)), bound by their name_shape; the others unit ids."""

    names: frozenset[str]

    def __new__(
        cls, ids: frozenset[str] = frozenset(), names: frozenset[str] = frozenset()
    ) -> Bound:
        bound = super().__new__(cls, ids | names)
        bound.names = names
        return bound


def bound_variables(
    operation: OperationDefinitionNode,
    fragments: dict[str, FragmentDefinitionNode] | None = None,
) -> Bound:
    """Variables used only where the compiler binds them (BINDABLE, BINDABLE_ANYWHERE:
    unit ids; NAME_BINDABLE: unit names), so one compiled statement serves every value (of
    a name: every name of its shape); any other use puts the variable in the plan's cache
    key. Fragments are walked where they are spread (`fragments`: the document's; a spread
    of an unknown fragment binds nothing).

    Cursors are bound to their list (resolvers/cursors.py): an operation passing `after`
    binds nothing, so the cursor is checked against the plan's constant parent. Bound ids
    of orgUnits(filter:) are that list's parent (cursors.PARENT_FILTERS), signed in SQL.
    """
    fragments = fragments or {}
    if _uses(
        operation.selection_set,
        lambda f: any(a.name.value == "after" for a in f.arguments or ()),
        fragments,
    ):
        return Bound()
    types = {
        d.variable.name.value: _type_name(d.type) for d in operation.variable_definitions or ()
    }
    safe: set[str] = set()
    names: set[str] = set()
    unsafe: set[str] = set()

    def variables(value: Any) -> list[str]:
        if isinstance(value, VariableNode):
            return [value.name.value]
        if isinstance(value, ObjectValueNode):
            return [v for f in value.fields or () for v in variables(f.value)]
        if isinstance(value, ListValueNode):
            return [v for item in value.values or () for v in variables(item)]
        return []

    def walk(selection_set: SelectionSetNode | None, root: bool, seen: frozenset[str]) -> None:
        if selection_set is None:
            return
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                name = selection.name.value
                for argument in selection.arguments or ():
                    value = argument.value
                    site = (name, argument.name.value)
                    if isinstance(value, VariableNode) and (
                        (root and (*site, None) in BINDABLE) or site in BINDABLE_ANYWHERE
                    ):
                        safe.add(value.name.value)
                        continue
                    if root and isinstance(value, VariableNode) and site in NAME_BINDABLE:
                        names.add(value.name.value)
                        continue
                    if root and isinstance(value, ObjectValueNode):
                        for f in value.fields or ():
                            if isinstance(f.value, VariableNode) and (*site, f.name.value) in (
                                BINDABLE
                            ):
                                safe.add(f.value.name.value)
                            else:
                                unsafe.update(variables(f.value))
                        continue
                    unsafe.update(variables(value))
                walk(selection.selection_set, False, seen)
            elif isinstance(selection, InlineFragmentNode):
                walk(selection.selection_set, root, seen)
            elif isinstance(selection, FragmentSpreadNode):
                spread = selection.name.value
                fragment = fragments.get(spread)
                if fragment is None or spread in seen:
                    unsafe.add("*")
                else:
                    walk(fragment.selection_set, root, seen | {spread})

    walk(operation.selection_set, True, frozenset())
    if "*" in unsafe:
        return Bound()
    ids = frozenset(k for k in safe - unsafe if types.get(k) == "ID")
    return Bound(ids, frozenset(k for k in names - unsafe - safe if types.get(k) == "String"))


def _uses(
    selection_set: SelectionSetNode | None,
    test: Callable[[FieldNode], bool],
    fragments: dict[str, FragmentDefinitionNode],
    seen: frozenset[str] = frozenset(),
) -> bool:
    """Whether a field of `selection_set` or below passes `test` (through the fragments
    spread; a spread of an unknown fragment: yes)."""
    if selection_set is None:
        return False
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if test(selection) or _uses(selection.selection_set, test, fragments, seen):
                return True
        elif isinstance(selection, InlineFragmentNode):
            if _uses(selection.selection_set, test, fragments, seen):
                return True
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is None:
                return True
            if name not in seen and _uses(fragment.selection_set, test, fragments, seen | {name}):
                return True
    return False


def _type_name(node: Any) -> str:
    while not isinstance(node, NamedTypeNode):
        node = node.type
    return str(node.name.value)


@dataclass
class Field:
    """One response key: its merged field nodes, definition and coerced arguments."""

    key: str
    nodes: list[FieldNode]
    definition: GraphQLField
    args: dict[str, Any]

    @property
    def type(self) -> GraphQLObjectType:
        named = get_named_type(self.definition.type)
        if not isinstance(named, GraphQLObjectType):
            raise NotCompilable(f"{self.key}: not an object type")
        return named


Handler = Callable[[Env, Field, Row], sa.ColumnElement[Any]]


@dataclass
class RollupSource:
    """How TaskRollup rows are computed: (roots, as_of, current, include_descendants, role,
    scope) → a statement of rollup_statement's columns per root_id. Set by the caller."""

    statement: Callable[..., sa.Select[Any]]


def outer(column: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    """A parent level's column, referenced by name so nested derived tables correlate."""
    table = column.table
    return sa.literal_column(f"{table.name}.{column.name}", column.type)


def unit_row_id(env: Env, row: Row) -> sa.ColumnElement[Any]:
    """A unit row's id for the subqueries below it: the correlated column, or the id argument
    of an orgUnit(id:) row where the dialect wants subqueries independent of the row."""
    if env.dialect.inline_root_ids and row.name in env.root_ids:
        return env.root_ids[row.name]
    return outer(row.c.id)


# -- selections -------------------------------------------------------------------------------


def collect(
    env: Env, type_: GraphQLObjectType, selection_sets: list[SelectionSetNode]
) -> dict[str, list[FieldNode]]:
    """Response key → field nodes, fragments expanded, in response order."""
    out: dict[str, list[FieldNode]] = {}

    def applies(condition: Any) -> bool:
        if condition is None:
            return True
        target = env.schema.get_type(condition.name.value)
        if target is type_:
            return True
        return bool(is_abstract_type(target) and env.schema.is_sub_type(target, type_))

    def walk(selection_set: SelectionSetNode) -> None:
        for selection in selection_set.selections:
            if selection.directives:
                raise NotCompilable("directives")
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                out.setdefault(key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                if applies(selection.type_condition):
                    walk(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = env.fragments[selection.name.value]
                if fragment.directives:
                    raise NotCompilable("directives")
                if applies(fragment.type_condition):
                    walk(fragment.selection_set)

    for selection_set in selection_sets:
        walk(selection_set)
    return out


def fields_of(
    env: Env, type_: GraphQLObjectType, nodes: list[FieldNode] | list[SelectionSetNode]
) -> list[Field]:
    """The sub-fields of field `nodes` (or of selection sets) on `type_`, arguments coerced."""
    sets: list[SelectionSetNode] = []
    for node in nodes:
        selection_set = node if isinstance(node, SelectionSetNode) else node.selection_set
        if selection_set is not None:
            sets.append(selection_set)
    out = []
    for key, field_nodes in collect(env, type_, sets).items():
        name = field_nodes[0].name.value
        if name == "__typename":
            definition = GraphQLField(type_)  # placeholder; handled before use
            out.append(Field(key, field_nodes, definition, {}))
            continue
        definition = type_.fields.get(name)
        if definition is None:
            raise NotCompilable(f"{type_.name}.{name}")
        args = get_argument_values(definition, field_nodes[0], env.variables)
        known = ARGUMENTS.get((type_.name, name), frozenset())
        given = {a.name.value for node in field_nodes for a in node.arguments or ()}
        unknown = (given | {k for k, v in args.items() if v is not None}) - known
        if unknown:  # an argument without a rule (a new one too): the resolvers answer
            raise NotCompilable(f"{type_.name}.{name}({', '.join(sorted(unknown))})")
        out.append(Field(key, field_nodes, definition, args))
    return out


# The arguments each field's rule reads, by (type, field): a field given any other argument
# (one added to the schema later too) is not compiled. Input objects: INPUT_FIELDS.
ARGUMENTS: dict[tuple[str, str], frozenset[str]] = {
    (owner, name): frozenset(args.split())
    for owner, name, args in [
        ("Query", "orgUnit", "id name"),
        ("Query", "orgUnits", "first after filter asOf"),
        ("Query", "tasks", "first after filter orderBy"),
        ("Query", "targets", "first after filter"),
        ("Query", "measurements", "first after filter"),
        ("Query", "documents", "first after docNumber kind"),
        ("Query", "plans", "first after document field year"),
        ("Plan", "tasks", "filter first after orderBy"),
        ("Plan", "taskRollup", "asOf filter"),
        ("OrgUnit", "children", "kind asOf"),
        ("OrgUnit", "parent", "asOf"),
        ("OrgUnit", "tasks", "role includeDescendants filter first after orderBy"),
        ("OrgUnit", "taskRollup", "asOf includeDescendants role filter"),
        ("OrgUnit", "rectificationRollup", "asOf includeDescendants"),
        ("OrgUnit", "rectifications", "includeDescendants filter first after"),
        ("OrgUnit", "targets", "year"),
        ("Task", "reports", "first after"),
        ("Task", "statusAsOf", "asOf unit includeDescendants"),
        ("Task", "progressAsOf", "asOf unit includeDescendants"),
        ("Rectification", "statusAsOf", "asOf"),
        ("Rectification", "health", "asOf"),
        ("Target", "attainment", "asOf"),
    ]
}

# The input fields each filter's rule reads (TaskFilter: every field, through TaskFilter).
INPUT_FIELDS: dict[str, frozenset[str]] = {
    "OrgUnitFilter": frozenset({"kind", "parent", "ancestor", "name"}),
    "TargetFilter": frozenset({"indicator", "unit", "year", "month", "annualOnly", "kind"}),
    "MeasurementFilter": frozenset({"indicator", "unit", "year", "month", "annualOnly"}),
    "RectificationFilter": frozenset(
        {"status", "responsibleUnit", "dueBefore", "overdueAsOf", "dueSoonAsOf", "text"}
    ),
}


def known_filter(f: Field, input_type: str) -> dict[str, Any]:
    """A filter argument's coerced value, NotCompilable when it sets a field without a rule."""
    flt: dict[str, Any] = f.args.get("filter") or {}
    unknown = {k for k, v in flt.items() if v is not None} - INPUT_FIELDS[input_type]
    if unknown:
        raise NotCompilable(f"{input_type}: {', '.join(sorted(unknown))}")
    return flt


def json_object(
    env: Env,
    type_: GraphQLObjectType,
    nodes: list[FieldNode] | list[SelectionSetNode],
    value: Callable[[str, Field], Any],
) -> Any:
    """json_build_object of the selected fields of `type_`, in response order.

    `value(field name, field)` gives each field's SQL; it raises NotCompilable for a field
    without a rule. `__typename` is the type's name.
    """
    pairs: list[tuple[str, Any]] = []
    for f in fields_of(env, type_, nodes):
        name = f.nodes[0].name.value
        if (type_.name, name) not in GENERIC_SAFE and name != "__typename":
            env.generic = False
        sql_value = env.dialect.text(type_.name) if name == "__typename" else value(name, f)
        pairs.append((f.key, sql_value))
    if not pairs or len(pairs) > MAX_PAIRS:
        raise NotCompilable(f"{type_.name}: {len(pairs)} fields")
    return env.dialect.object(pairs)


def rule(table: dict[str, Any], type_name: str, name: str) -> Any:
    """The rule for a field, or NotCompilable."""
    found = table.get(name)
    if found is None:
        raise NotCompilable(f"{type_name}.{name}")
    return found


def build_object(env: Env, type_: GraphQLObjectType, nodes: list[FieldNode], row: Row) -> Any:
    """The selected fields of one `type_` row, by the rules of HANDLERS."""
    handlers = HANDLERS.get(type_.name)
    if handlers is None:
        raise NotCompilable(type_.name)
    return json_object(
        env, type_, nodes, lambda name, f: rule(handlers, type_.name, name)(env, f, row)
    )


def json_list(env: Env, item: Any, order: list[Any], source: sa.Select[Any]) -> Any:
    """The JSON list of `item` over `source`'s rows (FROM and WHERE only) in `order`; `[]`
    (not null) when there are none. A scalar subquery."""
    return env.dialect.list_of(item, order, source)


# -- generic field rules ----------------------------------------------------------------------


def column(name: str) -> Handler:
    return lambda env, f, row: row.c[name]


def registered(registry: fields.Registry) -> dict[str, Handler]:
    """The rules of a type's scalar fields from the shared registry (resolvers/fields.py)."""
    return {name: column(c.column) for name, c in registry.items()}


def node_id(type_name: str) -> Handler:
    return lambda env, f, row: env.dialect.global_id(type_name, row.c.id)


def same_row(env: Env, f: Field, row: Row) -> Any:
    """A nested object read from the same row (Task.deadline)."""
    return build_object(env, f.type, f.nodes, row)


def connection(
    env: Env,
    f: Field,
    base: sa.Select[Any],
    order: list[OrderKey],
    table: Any,
    *,
    owner: str,
    parent: sa.ColumnElement[str] | None,
    known: str | None,
    id_column: sa.ColumnElement[Any] | None = None,
    share: bool = True,
    count: sa.ColumnElement[Any] | None = None,
    known_rows: bool = False,
) -> Any:
    """A Relay connection over `base` (rows of `table`) as resolvers/pagination.py pages it.

    `known_rows`: the nodes are rows a covered plan knows (Env.known).

    `id_column`: the rows' id in `base` when it is not `table.c.id` (a set read from another
    table, joined to `table` for the page only). `share` False: the count and the page each
    read `base` (for a set an index serves in order: the page stops after its rows).
    `count`: totalCount read elsewhere (a maintained count of the same set).

    The matching set is computed once, narrow (id and sort keys): a CTE when totalCount is
    counted from it too. The page (size + 1 rows, for hasNextPage) is cut from it and only
    then joined back to `table` for the nodes' columns.

    `owner` and `parent` (the parent part as SQL text; None: "") make the list's identity
    (resolvers/cursors.py): cursors are signed in SQL. An `after` is checked here, so only
    where the parent is `known`, a constant of the plan (else the resolvers page, and check,
    per parent).
    """
    first, after = f.args.get("first"), f.args.get("after")
    digest = cursors.list_digest(owner, f.nodes[0].name.value, f.args)
    try:
        size, key = _arguments(first, after, len(order))
        if after:
            if known is None:
                raise NotCompilable("after: a cursor of a list below a list")
            cursors.verify(after, digest, known)
            env.cursor_checks.append((after, digest, known))
    except ValueError as exc:
        raise NotCompilable(str(exc)) from exc
    conn_type = f.type
    wanted = {w.nodes[0].name.value for w in fields_of(env, conn_type, f.nodes)}
    arity = len(order)
    narrow = base.with_only_columns(
        (table.c.id if id_column is None else id_column).label("_id"),
        *(k.column.label(f"_o{i}") for i, k in enumerate(order)),
        maintain_column_froms=True,
    ).order_by(None)
    shared = share and "totalCount" in wanted and bool(wanted & {"edges", "pageInfo"})
    matching: Any = (
        narrow.cte(env.name("set"), nesting=True) if shared else narrow.subquery(env.name("set"))
    )
    page: Any = None

    def sign(page: Any) -> sa.ColumnElement[str]:
        values = [page.c[f"_k{i}"] for i in range(arity)]
        return env.dialect.signed_cursor(values, digest, parent)

    if wanted & {"edges", "pageInfo"}:
        keys = [OrderKey(matching.c[f"_o{i}"], k.descending) for i, k in enumerate(order)]
        sorts = [k.sort() for k in keys]
        top = sa.select(
            matching.c._id,
            *(env.dialect.sortable(k.column).label(f"_k{i}") for i, k in enumerate(keys)),
            sa.func.row_number().over(order_by=sorts).label("_rn"),
        )
        if key is not None:
            top = top.where(after_predicate(keys, key))
        top_rows = top.order_by(*sorts).limit(size + 1).subquery(env.name("top"))
        rows = env.alias(getattr(table, "element", table), "n")  # the table of an alias
        page_rows = sa.select(
            *rows.c, *(top_rows.c[f"_k{i}"] for i in range(arity)), top_rows.c._rn
        ).select_from(top_rows.join(rows, rows.c.id == top_rows.c._id))
        page = env.dialect.ordered_rows(page_rows, top_rows.c._rn).subquery(env.name("page"))
        if known_rows:
            env.known.add(page.name)

    def value(name: str, w: Field) -> Any:
        if name == "totalCount":
            if count is not None:
                return count
            return sa.select(sa.func.count()).select_from(matching).scalar_subquery()
        if name == "edges":
            return _edges(env, w, page, size, sign)
        if name == "pageInfo":
            return _page_info(env, w, page, size, sign, key is not None)
        raise NotCompilable(f"{conn_type.name}.{name}")

    obj = json_object(env, conn_type, f.nodes, value)
    if page is None:
        return obj
    # HAVING: one row (one group) even when the object aggregates nothing, e.g. a pageInfo
    # of only hasPreviousPage or __typename, whatever the page's size (empty too).
    stmt = sa.select(env.dialect.one_row(obj)).select_from(page).having(sa.true())
    if shared:
        stmt = stmt.add_cte(matching, nest_here=True)
    return stmt.scalar_subquery()


Signer = Callable[[Any], sa.ColumnElement[str]]


def _edges(env: Env, f: Field, page: Any, size: int, sign: Signer) -> Any:
    rules = {
        "cursor": lambda w: sign(page),
        "node": lambda w: build_object(env, w.type, w.nodes, page),
    }
    edge = json_object(env, f.type, f.nodes, lambda name, w: rule(rules, f.type.name, name)(w))
    return env.dialect.page_items(edge, page.c._rn, page.c._rn <= size)


def _page_info(env: Env, f: Field, page: Any, size: int, sign: Signer, has_previous: bool) -> Any:
    info_type = f.type
    cursor = sign(page)
    in_page = page.c._rn <= size

    rules: dict[str, Any] = {
        "hasNextPage": sa.func.count() > size,
        "hasPreviousPage": env.dialect.boolean(has_previous),
        "startCursor": env.dialect.first_of(cursor, page.c._rn, in_page, last=False),
        "endCursor": env.dialect.first_of(cursor, page.c._rn, in_page, last=True),
    }
    return json_object(env, info_type, f.nodes, lambda name, w: rule(rules, info_type.name, name))


# -- OrgUnit ----------------------------------------------------------------------------------


def unit_object(
    env: Env, f: Field, where: list[sa.ColumnElement[bool]], alias: Any, inside: bool = False
) -> Any:
    """One visible unit (or null) as an object; `inside`: one a covered plan knows lies in the
    viewer's subtree (visible, and so is what lies below it)."""
    if inside:
        env.known.add(alias.name)
    obj = build_object(env, f.type, f.nodes, alias)
    return (
        sa.select(obj)
        .select_from(alias)
        .where(*where, unit_visible(EVERYTHING if inside else env.scope, alias.c.id))
        .limit(1)
        .scalar_subquery()
    )


def unit_list(
    env: Env,
    f: Field,
    where: list[sa.ColumnElement[bool]],
    order: list[Any],
    alias: Any,
    inside: bool = False,
) -> Any:
    """Visible units as a list, in `order` (`inside`: as unit_object's)."""
    if inside:
        env.known.add(alias.name)
    obj = build_object(env, f.type, f.nodes, alias)
    scope = EVERYTHING if inside else env.scope
    source = sa.select().select_from(alias).where(*where, unit_visible(scope, alias.c.id))
    return json_list(env, obj, order, source)


def related_unit(fk: str) -> Handler:
    def handler(env: Env, f: Field, row: Row) -> Any:
        u = env.alias(unit_t, "u")
        return unit_object(env, f, [u.c.id == outer(row.c[fk])], u)

    return handler


def tree_day(f: Field) -> date | None:
    """The asOf of a dated-tree field (models/org_unit_tree.py), a constant of the plan: the
    tree on a day reads the validity and parent links, never today's state, so it needs no
    day check. Out of range: the resolvers report it."""
    as_of = f.args.get("asOf")
    if as_of is None:
        return None
    try:
        return calendar.check_date(as_of)
    except calendar.DateOutOfRange as exc:
        raise NotCompilable(str(exc)) from exc


def unit_parent(env: Env, f: Field, row: Row) -> Any:
    """OrgUnit.parent: today's, or with asOf the parent whose link covers that day."""
    on = tree_day(f)
    u = env.alias(unit_t, "u")
    if on is None:
        return unit_object(env, f, [u.c.id == outer(row.c.parent_id)], u)
    link = parent_links().alias(env.name("link"))
    parent_then = (
        sa.select(link.c.parent_id)
        .where(link.c.org_unit_id == unit_row_id(env, row), in_force_at(link, on))
        .order_by(link.c.parent_id)
        .limit(1)
        .scalar_subquery()
    )
    return unit_object(env, f, [u.c.id == parent_then], u)


def unit_children(env: Env, f: Field, row: Row) -> Any:
    """OrgUnit.children: today's (not ended), or with asOf those in force on that day whose
    link to this unit covers it (as resolvers/org_unit/history.py children_on)."""
    on = tree_day(f)
    u = env.alias(unit_t, "u")
    if on is None:
        where = [u.c.parent_id == unit_row_id(env, row), present(u)]
    else:
        link = parent_links().alias(env.name("link"))
        linked = sa.select(link.c.org_unit_id).where(
            link.c.parent_id == unit_row_id(env, row), in_force_at(link, on)
        )
        where = [u.c.id.in_(linked), in_force_at(u, on)]
    if f.args.get("kind") is not None:
        where.append(u.c.kind == f.args["kind"].value)
    # GENERIC_SAFE either way: today's children by the parent index, or those of a day by
    # the parent links' and the units' keys (the day is a constant of the statement).
    # A known unit's children lie in the subtree too.
    inside = row.name in env.known
    return unit_list(env, f, where, [u.c.sort_order, u.c.name, u.c.id], u, inside=inside)


def unit_tasks(env: Env, f: Field, row: Row) -> Any:
    role: enums.RoleScope = f.args["role"]
    include_descendants: bool = f.args["includeDescendants"]
    a = env.alias(assignment_t, "a")
    unit = unit_row_id(env, row)
    scope = env.scope_at(row)  # a known unit's tasks are all visible (scope.py `covered`)
    known_rows = scope.unrestricted and not env.scope.unrestricted
    in_scope: Any
    if include_descendants:
        c = env.alias(closure_t, "c")
        in_scope = sa.select(a.c.task_id).join(c, c.c.descendant_id == a.c.org_unit_id)
        in_scope = in_scope.where(c.c.ancestor_id == unit)
    else:
        in_scope = sa.select(a.c.task_id).where(a.c.org_unit_id == unit)
    if role is not enums.RoleScope.ANY:
        in_scope = in_scope.where(a.c.role == role.value)
    try:
        flt = task_filter(f.args.get("filter"))
        filtered = task_filter_conditions(flt)
        tests = env.state_tests(flt)
    except ValueError as exc:  # a malformed id in the filter: the resolvers report it
        raise NotCompilable(str(exc)) from exc
    if include_descendants or tests or filtered or not scope.unrestricted:
        # GENERIC_SAFE: a unit's own tasks, as ADMIN reads them (or member_tasks' pending
        # index, which keeps it for itself); a subtree's tasks vary in number by thousands.
        generic, env.generic = env.generic, False
    else:
        generic = env.generic
    if tests and include_descendants and role is enums.RoleScope.LEAD and env.members:
        # The unit's rollup members (rollup_member and its history) are exactly these tasks
        # with their state in the unit's scope: the tests become index reads of them, for a
        # unit the viewer's scope covers (all its members are visible tasks); each date read
        # as present state or history is a day check of the plan.
        if scope.unrestricted:
            env.generic = generic
            return member_tasks(env, f, row, unit, tests, filtered, known_rows=known_rows)
        if env.dialect.outside_members:
            # Inside the subtree all members are visible; outside it, the visible ones are
            # the live branch's tasks (each judged by its state in the unit's scope).
            members = members_passing(unit, tests, name=env.name("m"))
            task_id = members.selected_columns[0]
            in_scope = members.where(task_visible(scope, task_id))
            return _unit_task_page(env, f, row, in_scope, filtered, known_rows)
        name = env.name("j")
        units = unit_scope([unit], include_descendants).cte(f"units_{name}", nesting=True)
        inside = unit.in_(subtree(scope))
        live = in_scope.where(
            sa.not_(inside),
            task_visible(scope, a.c.task_id),
            *shares_state(
                flt, units=units, role=role, root=unit, task=a.c.task_id, name=name, today=env.today
            ),
        )
        members = members_passing(unit, tests, name=env.name("m"))
        in_scope = sa.union_all(members.where(inside), live)
    else:
        if tests:
            # Judged by the unit's shares, as the resolvers judge them
            # (resolvers/task/filters.py); each date read as present state or history is a
            # day check of the plan.
            name = env.name("j")
            units = unit_scope([unit], include_descendants).cte(f"units_{name}", nesting=True)
            filtered = [
                *filtered,
                *shares_state(
                    flt,
                    units=units,
                    role=role,
                    root=unit,
                    task=task_t.c.id,
                    name=name,
                    today=env.today,
                ),
            ]
        in_scope = assigned_visible(scope, unit, in_scope, a.c.task_id)
    return _unit_task_page(env, f, row, in_scope, filtered, known_rows)


def _unit_task_page(
    env: Env,
    f: Field,
    row: Row,
    in_scope: Any,
    filtered: list[sa.ColumnElement[bool]],
    known_rows: bool = False,
) -> Any:
    """OrgUnit.tasks: the page of the tasks of `in_scope` (ids) passing `filtered`."""
    base = sa.select(task_t).where(task_t.c.id.in_(in_scope), *filtered)
    known = env.known_ids.get(row.name)
    return connection(
        env,
        f,
        base,
        task_order(f.args.get("orderBy")),
        task_t,
        owner="OrgUnit",
        parent=env.dialect.id_text(outer(row.c.id)),
        known=None if known is None else str(known),
        known_rows=known_rows,
    )


def member_tasks(
    env: Env,
    f: Field,
    row: Row,
    unit: sa.ColumnElement[Any],
    tests: list[Any],
    filtered: list[sa.ColumnElement[bool]],
    known_rows: bool = False,
) -> Any:
    """OrgUnit.tasks(includeDescendants, role LEAD) with state tests, for a viewer who sees
    every task of the unit (`known_rows`: a covered plan's, whose task rows are known): the
    unit's rollup members passing the tests (resolvers/rollups/maintained.py `member_list`).
    Ordered by deadline (and id) with no other filter, the list never reads the task table
    but for its page: the members' own deadline (the task row's, kept with it) orders it,
    so the count and the first page are reads of ix_rollup_member_pending."""
    members = member_list(unit, tests, name=env.name("m"))
    m, conditions = members.rows, members.conditions
    order = task_order(f.args.get("orderBy"))
    own = [member_order_key(k, members) for k in order]
    # The count is the buckets' (the members grouped) where no other filter applies.
    count = None if filtered else members.counted
    if count is None or not all(k is not None for k in own):
        env.generic = False  # GENERIC_SAFE: the pending index in its order, and the buckets
    if not filtered and all(k is not None for k in own):
        base = sa.select(m.c.task_id).where(*conditions)
        order = [k for k in own if k is not None]
    else:
        base = (
            sa.select(task_t)
            .select_from(m.join(task_t, task_t.c.id == m.c.task_id))
            .where(*conditions, *filtered)
        )
    known = env.known_ids.get(row.name)
    return connection(
        env,
        f,
        base,
        order,
        task_t,
        owner="OrgUnit",
        parent=env.dialect.id_text(outer(row.c.id)),
        known=None if known is None else str(known),
        id_column=m.c.task_id,
        share=False,
        count=count,
        known_rows=known_rows,
    )


def member_order_key(key: OrderKey, members: MemberList) -> OrderKey | None:
    """A task order key read from `member_list`'s rows, or None when the task row is needed:
    the deadline (the members' own DEADLINE key: their deadline end, kept with them) and
    the id."""
    if key.column is task_t.c.id:
        return OrderKey(members.rows.c.task_id, key.descending)
    if is_deadline(key.column):
        return OrderKey(members.deadline_sort, key.descending)
    return None


def assigned_visible(
    scope: Scope, unit: sa.ColumnElement[Any], in_scope: sa.Select[Any], task_id: Any
) -> Any:
    """The visible tasks of `in_scope` (ids of tasks assigned to `unit` or below it:
    OrgUnit.tasks), as task_visible selects them.

    When `unit` lies in the viewer's subtree, every such task is assigned into the subtree,
    so visible. The two cases are two branches gated by that test alone (a one-time filter
    on the outer row's unit): for a unit inside the subtree the visible-task sets are never
    built, and the tasks are found from their assignments by index; task_visible as a
    filter on the task table instead made PostgreSQL scan the whole table per unit.
    """
    if scope.unrestricted:
        return in_scope
    inside = unit.in_(subtree(scope))
    return sa.union_all(
        in_scope.where(inside),
        in_scope.where(sa.not_(inside), task_visible(scope, task_id)),
    )


def task_filter(raw: dict[str, Any] | None) -> Any:
    """A TaskFilter from coerced input (camelCase keys)."""
    if raw is None:
        return None
    return TaskFilter(**{fields.python_name(k): v for k, v in raw.items()})


def pin_lights(env: Env, flt: TaskFilter | None) -> None:
    """TaskFilter.health is judged as of today (resolvers/task/filters.py `tasks_lit`, today's
    date in the SQL): the plan then holds for today only (two day checks)."""
    if flt is not None and flt.health:
        env.day_checks += [(env.today, True), (env.today - timedelta(days=1), False)]


def unit_task_rollup(env: Env, f: Field, row: Row) -> Any:
    day, current = env.day(f.args.get("asOf"))
    if not (
        f.args.get("filter") is None
        and f.args["includeDescendants"]
        and f.args["role"] is enums.RoleScope.LEAD
        and env.scope_at(row).unrestricted
    ):
        # GENERIC_SAFE: the maintained buckets' key read, today, or their history's key
        # ranges of a past day (history.period_rows; the day is a constant of the plan).
        env.generic = False
    if f.args.get("filter") is not None:
        try:
            flt = task_filter(f.args["filter"])
            tests = env.state_tests(flt)  # present state or history: a day check of the plan
            statement = filtered_rollup_statement(
                unit_row_id(env, row),
                flt,
                as_of=day,
                current=current,
                include_descendants=f.args["includeDescendants"],
                role=f.args["role"],
                scope=env.scope_at(row),
                name=env.name("r"),
                today=env.today,
            )
            if (
                not tests
                and env.members
                and f.args["includeDescendants"]
                and f.args["role"] is enums.RoleScope.LEAD
            ):
                # The unit's members as of the day (rollup_member or its history), each in
                # its state there: the filter only picks which (task columns alone).
                statement = members_or_live(
                    env,
                    env.scope_at(row),
                    unit_row_id(env, row),
                    filtered_member_rollup(
                        unit_row_id(env, row),
                        task_filter_conditions(flt),
                        as_of=day,
                        current=current,
                        name=env.name("fm"),
                    ),
                    statement,
                    env.name("r"),
                )
            lights = unit_lights(env, f, row, day, current) if wants_lights(env, f) else None
        except ValueError as exc:  # a malformed id in the filter: the resolvers report it
            raise NotCompilable(str(exc)) from exc
        return rollup_object(env, f, statement.subquery(env.name("r")), day, lights)
    statement = env.rollups.statement(
        unit_row_id(env, row),
        as_of=day,
        current=current,
        include_descendants=f.args["includeDescendants"],
        role=f.args["role"],
        scope=env.scope_at(row),
        name=env.name("r"),
        outside_members=env.dialect.outside_members,
        shared=env.shared,
    )
    lights = unit_lights(env, f, row, day, current) if wants_lights(env, f) else None
    return rollup_object(env, f, statement.subquery(env.name("r")), day, lights)


def filtered_rollup_statement(
    root: sa.ColumnElement[Any],
    flt: TaskFilter,
    *,
    as_of: Any,
    current: bool,
    include_descendants: bool,
    role: enums.RoleScope,
    scope: Scope,
    name: str,
    today: date,
) -> sa.Select[Any]:
    """taskRollup(filter:) of the unit `root`, as the resolvers' live aggregation computes it
    (resolvers/task/rollup.py TaskRollupLoader._live: the buckets never answer a filter).

    ValueError for a malformed id in the filter (the resolvers report it)."""
    cutoff = None if current else end_of_day(as_of)
    units = unit_scope([root], include_descendants).cte(f"unit_scope_{name}", nesting=True)
    scoped = tasks_of_units(units, role, cutoff).where(
        *shares_state(
            flt,
            units=units,
            role=role,
            root=units.c.root_id,
            task=assignment_t.c.task_id,
            name=name,
            today=today,
        )
    )
    return rollup_statement(
        scoped,
        as_of=as_of,
        current=current,
        units=units,
        conditions=[*task_filter_conditions(flt), task_visible(scope)],
        nesting=f"_{name}",
    )


def members_or_live(
    env: Env,
    scope: Scope,
    root: sa.ColumnElement[Any],
    members: sa.Select[Any],
    live: sa.Select[Any],
    name: str,
) -> sa.Select[Any]:
    """`members` (a statement over the maintained members of `root`) for a root the viewer's
    scope covers (all its members visible), `live` for any other: two branches gated by
    that test alone, so only one of them runs."""
    if scope.unrestricted:
        return members
    inside = root.in_(subtree(scope))
    either = sa.union_all(members.where(inside), live.where(sa.not_(inside)))
    return either.subquery(f"either_{name}").select()


LIGHTS = ("green", "yellow", "red")


def wants_lights(env: Env, f: Field) -> bool:
    """Whether a TaskRollup selection asks for a light count (green, yellow, red)."""
    return any(w.nodes[0].name.value in LIGHTS for w in fields_of(env, f.type, f.nodes))


def unit_lights(env: Env, f: Field, row: Row, day: Any, current: bool) -> Any:
    """OrgUnit.taskRollup's light counts (a row of root_id, green, yellow, red, or none), as
    HealthRollupLoader counts them (resolvers/task/rollup.py): each task of the scope judged
    by models/rules/health.py (`task_light`) on its state in the unit's scope as of the day.
    LEAD over the whole subtree, unfiltered, for a unit the viewer's scope covers: those
    states are the maintained members' (rollup_member, or the history span holding then), so
    only the lights are computed; any other shape aggregates the shares live."""
    root = unit_row_id(env, row)
    scope = env.scope_at(row)
    include, role = f.args["includeDescendants"], f.args["role"]
    name = env.name("h")
    flt = task_filter(f.args.get("filter"))
    cutoff = None if current else end_of_day(day)
    units = unit_scope([root], include).cte(f"light_scope_{name}", nesting=True)
    scoped = tasks_of_units(units, role, cutoff).where(
        *shares_state(
            flt,
            units=units,
            role=role,
            root=units.c.root_id,
            task=assignment_t.c.task_id,
            name=f"_{name}",
            today=env.today,
        )
    )
    live = health_statement(
        scoped,
        as_of=day,
        current=current,
        units=units,
        conditions=[*task_filter_conditions(flt), task_visible(scope)],
        nesting=f"_{name}",
    )
    if flt is None and include and role is enums.RoleScope.LEAD and env.members:
        m = member_rows(root, day, current=current, name=name)
        kept = light_counts(m, env.alias(task_t, "lit"), day, cutoff)
        live = members_or_live(env, scope, root, kept, live, name)
    return live.subquery(env.name("h"))


def rollup_object(env: Env, f: Field, r: Any, day: Any, lights: Any = None) -> Any:
    """TaskRollup fields from a rollup row (one or none: sums make none zeros), the light
    counts from `lights` (a row of green, yellow, red, or none)."""

    def total(name: str) -> Any:
        return sa.func.coalesce(sa.func.sum(r.c[name]), 0)

    def lit(name: str) -> Any:
        if lights is None:
            raise NotCompilable(f"TaskRollup.{name}")
        count = sa.func.coalesce(sa.func.sum(lights.c[name]), 0)
        return sa.select(count).select_from(lights).scalar_subquery()

    rated = total("total") - total("ongoing")
    weight = total("weight_sum")
    formulas: dict[str, Any] = {
        "asOf": day if isinstance(day, sa.ColumnElement) else sa.literal(day, sa.Date),
        "total": total("total"),
        "completed": total("completed"),
        "inProgress": total("in_progress"),
        "notStarted": total("not_started"),
        "overdue": total("overdue"),
        "dueSoon": total("due_soon"),
        "ongoing": total("ongoing"),
        "completionRate": sa.case(
            (rated > 0, sa.cast(total("completed_rated"), sa.Float) / sa.cast(rated, sa.Float))
        ),
        "weightedProgress": sa.case(
            (
                weight > 0,
                sa.cast(total("weighted_progress_sum"), sa.Float) / sa.cast(weight, sa.Float),
            )
        ),
    }
    obj = json_object(
        env,
        f.type,
        f.nodes,
        lambda name, w: lit(name) if name in LIGHTS else rule(formulas, f.type.name, name),
    )
    # HAVING: one row even when the object aggregates nothing of `r` (lights alone).
    return sa.select(obj).select_from(r).having(sa.true()).scalar_subquery()


# -- Task -------------------------------------------------------------------------------------


def task_units(role: enums.AssignmentRole) -> Handler:
    """Task.leadUnits / cooperatingUnits: the visible assignments' visible units."""

    def handler(env: Env, f: Field, row: Row) -> Any:
        a, u = env.alias(assignment_t, "a"), env.alias(unit_t, "u")
        obj = build_object(env, f.type, f.nodes, u)
        source = (
            sa.select()
            .select_from(a.join(u, u.c.id == a.c.org_unit_id))
            .where(
                a.c.task_id == outer(row.c.id),
                a.c.role == role.value,
                # A unit assigned to a visible task is visible (co-assigned: unit_visible),
                # so unit_visible(a.org_unit_id) would only repeat this test, over every
                # assignment of the visible tasks.
                task_visible(env.scope_at(row), a.c.task_id),
            )
        )
        order = [a.c.role, written_order(a.c.position), u.c.sort_order, u.c.name]
        return json_list(env, obj, order, source)

    return handler


def task_label(env: Env, f: Field, row: Row) -> Any:
    """Task.label: models/rules/labels.py's rule over the plan's stored label stem and kind
    and the task's stored 序号 path (never its parents, which the viewer may not see)."""
    p = env.alias(plan_t, "pl")
    label = task_label_sql(p.c.label_stem, p.c.kind, row.c.seq_path)
    return sa.select(label).where(p.c.id == outer(row.c.plan_id)).scalar_subquery()


def task_reports(env: Env, f: Field, row: Row) -> Any:
    r, a = env.alias(report_t, "r"), env.alias(assignment_t, "a")
    # Reports (narratives) of the viewer's own shares, or of a task it reviews (models/rules/
    # scope.py report_share): `a` is the report's share, so own_share(r.assignment_id) is its
    # unit's test, made once per share instead of once per report through another read of
    # the assignment; reviewed_task is the same test for every report of the task.
    visible = sa.or_(in_subtree(env.scope, a.c.org_unit_id), reviewed_task(env.scope, a.c.task_id))
    base = (
        sa.select(*r.c)
        .select_from(r.join(a, a.c.id == r.c.assignment_id))
        .where(a.c.task_id == outer(row.c.id), visible if not env.scope.unrestricted else sa.true())
    )
    order = [OrderKey(r.c.reported_at, True), OrderKey(r.c.id, True)]
    parent = env.dialect.id_text(outer(row.c.id))
    return connection(env, f, base, order, r, owner="Task", parent=parent, known=None)


def reported_by(env: Env, f: Field, row: Row) -> Any:
    hidden = env.hidden()
    if isinstance(hidden, sa.sql.elements.False_):
        return row.c.reported_by
    return sa.case((hidden, sa.null()), else_=row.c.reported_by)


def report_task(env: Env, f: Field, row: Row) -> Any:
    """ProgressReport.task: the task of the report's share, null when not visible."""
    t, a = env.alias(task_t, "t"), env.alias(assignment_t, "a")
    obj = build_object(env, f.type, f.nodes, t)
    return (
        sa.select(obj)
        .select_from(t.join(a, a.c.task_id == t.c.id))
        .where(a.c.id == outer(row.c.assignment_id), task_visible(env.scope, t.c.id))
        .scalar_subquery()
    )


def reported_at(env: Env, f: Field, row: Row) -> Any:
    return env.dialect.datetime(row.c.reported_at)


def reviewed_at(env: Env, f: Field, row: Row) -> Any:
    """ProgressReport.reviewedAt: null until a review (审核) decides."""
    return env.dialect.datetime(row.c.reviewed_at)


def unit_ancestors(env: Env, f: Field, row: Row) -> Any:
    """OrgUnit.ancestors: root first, the unit itself excluded."""
    u, c = env.alias(unit_t, "u"), env.alias(closure_t, "c")
    obj = build_object(env, f.type, f.nodes, u)
    # A known unit's ancestors are visible (in the subtree or above its root: `covered`),
    # though not known themselves.
    source = (
        sa.select()
        .select_from(u.join(c, c.c.ancestor_id == u.c.id))
        .where(
            c.c.descendant_id == unit_row_id(env, row),
            c.c.depth > 0,
            unit_visible(env.scope_at(row), u.c.id),
        )
    )
    return json_list(env, obj, [c.c.depth.desc()], source)


def unit_aliases(env: Env, f: Field, row: Row) -> Any:
    """OrgUnit.aliases, alphabetical. A unit's aliases are the unit itself (scope.py
    `unit_visible`: seeing a unit shows its names), and every unit row of a plan is one the
    viewer sees (each list or link that yields one tests unit_visible, or holds only
    co-assigned units), so they are read without testing the unit again."""
    a = env.alias(alias_t, "al")
    source = sa.select().select_from(a).where(a.c.org_unit_id == outer(row.c.id))
    return json_list(env, a.c.alias, [a.c.alias], source)


def related(table: sa.Table, prefix: str, fk: str, visible: Callable[..., Any]) -> Handler:
    """A required or optional object by foreign key, null when not visible."""

    def handler(env: Env, f: Field, row: Row) -> Any:
        t = env.alias(table, prefix)
        obj = build_object(env, f.type, f.nodes, t)
        # A known task's plan and document are visible (they hold it: `covered`).
        return (
            sa.select(obj)
            .where(t.c.id == outer(row.c[fk]), visible(env.scope_at(row), t.c.id))
            .scalar_subquery()
        )

    return handler


# -- rectifications ---------------------------------------------------------------------------


def rectification_filter(f: Field) -> Any:
    """The RectificationFilter of a field (NotCompilable for a field without a rule)."""
    flt = known_filter(f, "RectificationFilter")
    if not flt:
        return None
    return RectificationFilter(**{fields.python_name(k): v for k, v in flt.items()})


def unit_rectifications(env: Env, f: Field, row: Row) -> Any:
    """OrgUnit.rectifications: resolvers/inspection/queries.py's conditions and order."""
    ra = env.alias(rect_assignment_t, "ra")
    unit = unit_row_id(env, row)
    if f.args["includeDescendants"]:
        c = env.alias(closure_t, "c")
        units = sa.select(c.c.descendant_id).where(c.c.ancestor_id == unit)
        in_scope = sa.select(ra.c.rectification_id).where(ra.c.org_unit_id.in_(units))
    else:
        in_scope = sa.select(ra.c.rectification_id).where(ra.c.org_unit_id == unit)
    try:
        flt = rectification_filter(f)
        conditions = rectification_conditions(flt)
        for as_of in (flt.overdue_as_of, flt.due_soon_as_of) if flt is not None else ():
            if as_of is not None:
                env.day(as_of)  # present state or history (calendar.cutoff): a day check
    except ValueError as exc:  # a malformed id in the filter: the resolvers report it
        raise NotCompilable(str(exc)) from exc
    if flt is not None:
        env.generic = False  # GENERIC_SAFE: the subtree's items in their order, unfiltered
    scope = env.scope_at(row)  # a known unit's rectifications are visible (`covered`)
    base = sa.select(rect_t).where(
        rect_t.c.id.in_(in_scope), *conditions, rectification_visible(scope, rect_t.c.id)
    )
    order = rectification_order()
    known = env.known_ids.get(row.name)
    return connection(
        env,
        f,
        base,
        order,
        rect_t,
        owner="OrgUnit",
        parent=env.dialect.id_text(outer(row.c.id)),
        known=None if known is None else str(known),
        known_rows=scope.unrestricted and not env.scope.unrestricted,
    )


def rectification_units(env: Env, f: Field, row: Row) -> Any:
    """Rectification.responsibleUnits: as the loader (units_by_rectification) lists them."""
    ra, u = env.alias(rect_assignment_t, "ra"), env.alias(unit_t, "u")
    obj = build_object(env, f.type, f.nodes, u)
    order = [ra.c.role, written_order(ra.c.position), u.c.sort_order, u.c.name]
    source = (
        sa.select()
        .select_from(ra.join(u, u.c.id == ra.c.org_unit_id))
        .where(ra.c.rectification_id == outer(row.c.id), unit_visible(env.scope_at(row), u.c.id))
    )
    return json_list(env, obj, order, source)


def finding_numbers(env: Env, f: Field, row: Row) -> Any:
    """Rectification.findingNumbers, ascending."""
    fi, rf = env.alias(finding_t, "fi"), env.alias(rect_finding_t, "rf")
    source = (
        sa.select()
        .select_from(rf.join(fi, fi.c.id == rf.c.finding_id))
        .where(rf.c.rectification_id == outer(row.c.id))
    )
    return json_list(env, fi.c.number, [fi.c.number], source)


def task_as_of(value: str) -> Handler:
    """Task.statusAsOf / progressAsOf: the task's state on a day as the rollups count it
    (models/rules/task_state.py state_as_of, as resolvers/task/as_of.py reads it); null when
    the task did not exist yet."""

    def handler(env: Env, f: Field, row: Row) -> Any:
        day, current = env.day(f.args["asOf"])
        unit = f.args.get("unit")
        if unit is not None and f.args["includeDescendants"]:
            # A unit's list: the rollup member's span on that day (a flat seek, which SQLite
            # parses where the nested history would not).
            h = env.alias(member_history_t, "mh")
            member = member_state_on(
                env.unit_id(unit, argument_node(f, "unit")), outer(row.c.id), day, table=h
            )
            hc = h.c
            value_of = status_of(hc.completed, hc.started) if value == "status" else hc.progress
            return member.with_only_columns(value_of).scalar_subquery()
        states = state_as_of(
            outer(row.c.id),
            cutoff=None if current else end_of_day(day),
            unit=None if unit is None else env.unit_id(unit, argument_node(f, "unit")),
            include_descendants=f.args["includeDescendants"],
            nesting=f"_{env.name('sa')}",
        )
        c = states.c
        column = status_of(c.completed, c.started) if value == "status" else c.progress
        return sa.select(column).select_from(states).scalar_subquery()

    return handler


def rectification_as_of(env: Env, f: Field, row: Row) -> Any:
    """Rectification.statusAsOf (models/rules/rectification_state.py, as
    resolvers/inspection/as_of.py reads it): null when the item did not exist yet."""
    day, current = env.day(f.args["asOf"])
    cutoff = None if current else end_of_day(day)
    return sa.case(
        (
            rectification_state.existed(row, cutoff),
            rectification_state.status_as_of(row, cutoff),
        )
    )


def rectification_health(env: Env, f: Field, row: Row) -> Any:
    """Rectification.health (models/rules/health.py `rectification_light`, as
    resolvers/inspection/health.py reads it): null when the item did not exist yet."""
    day, current = env.day(f.args.get("asOf"))
    cutoff = None if current else end_of_day(day)
    return sa.case(
        (rectification_state.existed(row, cutoff), rectification_light(row, day, cutoff))
    )


def responsible_persons(env: Env, f: Field, row: Row) -> Any:
    """Internal: null for sharing partners."""
    hidden = env.hidden()
    if isinstance(hidden, sa.sql.elements.False_):
        return row.c.responsible_persons
    return sa.case((hidden, sa.null()), else_=row.c.responsible_persons)


def json_array_column(name: str) -> Handler:
    """A JSON list column, [] when null (Rectification.measures)."""
    return lambda env, f, row: env.dialect.json_column(row.c[name])


def unit_rectification_rollup(env: Env, f: Field, row: Row) -> Any:
    """OrgUnit.rectificationRollup: resolvers/rollups/rectification.py's statement."""
    day, current = env.day(f.args.get("asOf"))
    name = env.name("rr")
    statement = rectification_rollup_statement(
        [unit_row_id(env, row)],
        include_descendants=f.args["includeDescendants"],
        as_of=day,
        current=current,
        visible=rectification_visible(env.scope_at(row), rect_t.c.id),
        nesting=name,
        lights=wants_lights(env, f),  # the light counts only when asked (SQLite's depth)
    )
    r = statement.subquery(env.name("rr"))

    def total(column: str) -> Any:
        return sa.func.coalesce(sa.func.sum(r.c[column]), 0)

    rated = total("total") - total("ongoing")
    formulas: dict[str, Any] = {
        "asOf": day if isinstance(day, sa.ColumnElement) else sa.literal(day, sa.Date),
        "total": total("total"),
        "notStarted": total("not_started"),
        "inProgress": total("in_progress"),
        "completed": total("completed"),
        "verified": total("verified"),
        "closed": total("closed"),
        "reopened": total("reopened"),
        "overdue": total("overdue"),
        "dueSoon": total("due_soon"),
        "ongoing": total("ongoing"),
        "completionRate": sa.case(
            (rated > 0, sa.cast(total("done_rated"), sa.Float) / sa.cast(rated, sa.Float))
        ),
        **{light: total(light) for light in LIGHTS if light in r.c},
    }
    obj = json_object(env, f.type, f.nodes, lambda n, w: rule(formulas, f.type.name, n))
    return sa.select(obj).select_from(r).scalar_subquery()


# -- targets, measurements, attainment ----------------------------------------------------------


def adapted(columns: list[Any], alias: Any) -> list[Any]:
    """Expressions over a table rewritten over its alias (the resolvers' sort keys)."""
    adapter = sql_util.ClauseAdapter(alias)
    return [adapter.traverse(c) for c in columns]


def unit_targets(env: Env, f: Field, row: Row) -> Any:
    """OrgUnit.targets: its own and its sections' (targets_of_unit), in target_order."""
    t, sec = env.alias(target_t, "tg"), env.alias(section_t, "sec")
    unit = unit_row_id(env, row)
    sections = sa.select(sec.c.id).where(sec.c.org_unit_id == unit)
    # Its own, then its sections' that are not its own: two index reads of disjoint rows
    # (as one OR, PostgreSQL read every target in the order's index to test it).
    year = [] if f.args.get("year") is None else [t.c.year == f.args["year"]]
    visible = subject_visible(env.scope_at(row), t.c.org_unit_id, t.c.section_id)
    both = sa.union_all(
        sa.select(t).where(t.c.org_unit_id == unit, visible, *year),
        sa.select(t).where(
            t.c.section_id.in_(sections),
            sa.or_(t.c.org_unit_id.is_(None), t.c.org_unit_id != unit),
            visible,
            *year,
        ),
    ).subquery(env.name("tg_mine"))
    order = adapted(target_order(), both)
    rows = sa.select(both).order_by(*order).limit(TARGETS_OF_UNIT).subquery(env.name("tr"))
    obj = build_object(env, f.type, f.nodes, rows)
    return json_list(env, obj, adapted(target_order(), rows), sa.select().select_from(rows))


TARGET_TERMS = ("indicator_id", "org_unit_id", "section_id", "year", "month", "value")


def target_attainment(env: Env, f: Field, row: Row) -> Any:
    """Target.attainment: resolvers/rollups/attainment.py's statement and classification."""
    # The date only (no present state to read): an explicit asOf needs no day check.
    as_of = f.args.get("asOf")
    day = env.today_value() if as_of is None else as_of
    # The target's own columns are at hand: the measurements are probed from them (no second
    # read of the target).
    target = SimpleNamespace(**{k: outer(row.c[k]) for k in TARGET_TERMS})
    i = env.alias(indicator_t, "ind")
    a = attainment_of(target, i, day, name=env.name("obs")).subquery(env.name("at"))
    formulas: dict[str, Any] = {
        "asOf": day if isinstance(day, sa.ColumnElement) else sa.literal(day, sa.Date),
        "status": a.c.status,
        "basis": a.c.basis,
        "actual": a.c.actual,
        "target": sa.cast(a.c.value, sa.Float),
        "monthsMeasured": a.c.measured,
        "gap": a.c.actual - sa.cast(a.c.value, sa.Float),
    }
    obj = json_object(env, f.type, f.nodes, lambda n, w: rule(formulas, f.type.name, n))
    return sa.select(obj).select_from(a).scalar_subquery()


def indicator_of(env: Env, f: Field, row: Row) -> Any:
    i = env.alias(indicator_t, "ind")
    obj = build_object(env, f.type, f.nodes, i)
    return sa.select(obj).where(i.c.id == outer(row.c.indicator_id)).scalar_subquery()


def section_of(env: Env, f: Field, row: Row) -> Any:
    sec = env.alias(section_t, "sec")
    obj = build_object(env, f.type, f.nodes, sec)
    return (
        sa.select(obj)
        .where(sec.c.id == outer(row.c.section_id), section_visible(env.scope, sec.c.id))
        .scalar_subquery()
    )


def subject_filter(
    env: Env, f: Field, table: Any, flt: dict[str, Any], alias: Any
) -> list[sa.ColumnElement[bool]]:
    """The TargetFilter / MeasurementFilter conditions (resolvers/indicator/queries.py)."""
    c = alias.c
    out: list[sa.ColumnElement[bool]] = []
    if flt.get("indicator") is not None:
        out.append(
            c.indicator_id.in_(
                sa.select(indicator_t.c.id).where(indicator_t.c.code == flt["indicator"])
            )
        )
    if flt.get("unit") is not None:
        try:
            out.append(c.org_unit_id == decode_global_id(flt["unit"], "OrgUnit"))
        except ValueError as exc:
            raise NotCompilable(str(exc)) from exc
    for key in ("year", "month"):
        if flt.get(key) is not None:
            out.append(c[key] == flt[key])
    if flt.get("annualOnly"):
        out.append(c.month.is_(None))
    if flt.get("kind"):
        out.append(c.kind.in_([k.value for k in flt["kind"]]))
    return out


def query_targets(env: Env, f: Field) -> Any:
    flt = known_filter(f, "TargetFilter")
    t = target_t
    base = sa.select(t).where(
        subject_visible(env.scope, t.c.org_unit_id, t.c.section_id),
        *subject_filter(env, f, t, flt, t),
    )
    order = [OrderKey(c) for c in target_order()]
    return connection(env, f, base, order, t, owner="Query", parent=None, known="")


def query_measurements(env: Env, f: Field) -> Any:
    flt = known_filter(f, "MeasurementFilter")
    m = measurement_t
    base = sa.select(m).where(
        subject_visible(env.scope, m.c.org_unit_id, m.c.section_id),
        *subject_filter(env, f, m, flt, m),
    )
    columns = [m.c.indicator_id, m.c.year, sa.func.coalesce(m.c.month, 13), m.c.id]
    order = [OrderKey(c) for c in columns]
    return connection(env, f, base, order, m, owner="Query", parent=None, known="")


# -- documents and plans ----------------------------------------------------------------------


def query_documents(env: Env, f: Field) -> Any:
    """Query.documents: resolvers/document/queries.py's filter and order (newest first)."""
    d = document_t
    base = sa.select(d).where(document_visible(env.scope, d.c.id))
    if f.args.get("docNumber") is not None:
        base = base.where(d.c.doc_number_normalized == normalize_doc_number(f.args["docNumber"]))
    if f.args.get("kind") is not None:
        base = base.where(d.c.kind == f.args["kind"].value)
    issued = sa.func.coalesce(d.c.issued_on, sa.literal(date(1, 1, 1), sa.Date))
    order = [OrderKey(issued, True), OrderKey(d.c.id, True)]
    return connection(env, f, base, order, d, owner="Query", parent=None, known="")


def query_plans(env: Env, f: Field) -> Any:
    """Query.plans: by document and order in it."""
    p = plan_t
    base = sa.select(p).where(plan_visible(env.scope, p.c.id))
    if f.args.get("document") is not None:
        try:
            base = base.where(p.c.document_id == decode_global_id(f.args["document"], "Document"))
        except ValueError as exc:
            raise NotCompilable(str(exc)) from exc
    if f.args.get("field") is not None:
        base = base.where(p.c.field == f.args["field"].value)
    if f.args.get("year") is not None:
        base = base.where(p.c.year == f.args["year"])
    order = [OrderKey(p.c.document_id), OrderKey(p.c.seq), OrderKey(p.c.id)]
    return connection(env, f, base, order, p, owner="Query", parent=None, known="")


def document_plans(env: Env, f: Field, row: Row) -> Any:
    """Document.plans: the visible plans, by order in the document."""
    p = env.alias(plan_t, "pl")
    obj = build_object(env, f.type, f.nodes, p)
    source = (
        sa.select()
        .select_from(p)
        .where(p.c.document_id == outer(row.c.id), plan_visible(env.scope, p.c.id))
    )
    return json_list(env, obj, [p.c.seq, p.c.id], source)


def plan_tasks(env: Env, f: Field, row: Row) -> Any:
    """Plan.tasks: its top-level tasks (resolvers/document/types.py)."""
    try:
        flt = task_filter(f.args.get("filter"))
        conditions = [*task_filter_conditions(flt), *whole_task_state(flt, env.today)]
        env.state_tests(flt)  # present state or history: a day check of the plan
    except ValueError as exc:
        raise NotCompilable(str(exc)) from exc
    base = sa.select(task_t).where(
        task_t.c.plan_id == outer(row.c.id),
        task_t.c.parent_id.is_(None),
        *conditions,
        task_visible(env.scope),
    )
    return connection(
        env,
        f,
        base,
        task_order(f.args.get("orderBy")),
        task_t,
        owner="Plan",
        parent=env.dialect.id_text(outer(row.c.id)),
        known=None,
    )


def plan_task_rollup(env: Env, f: Field, row: Row) -> Any:
    """Plan.taskRollup: the live aggregation of TaskRollupLoader (kind "plan")."""
    day, current = env.day(f.args.get("asOf"))
    try:
        flt = task_filter(f.args.get("filter"))
        env.state_tests(flt)
        filtered = task_filter_conditions(flt)
    except ValueError as exc:
        raise NotCompilable(str(exc)) from exc
    cutoff = None if current else end_of_day(day)
    scoped = tasks_of_plans([outer(row.c.id)], cutoff).where(*whole_task_state(flt, env.today))
    name = env.name("pr")
    statement = rollup_statement(
        scoped,
        as_of=day,
        current=current,
        conditions=[*filtered, task_visible(env.scope)],
        nesting=f"_{name}",
    )
    lights = None
    if wants_lights(env, f):
        # HealthRollupLoader's (kind "plan"): the same tasks, each judged as a whole.
        lit_scoped = tasks_of_plans([outer(row.c.id)], cutoff).where(
            *whole_task_state(flt, env.today)
        )
        lights = health_statement(
            lit_scoped,
            as_of=day,
            current=current,
            conditions=[*filtered, task_visible(env.scope)],
            nesting=f"_{name}_lit",
        ).subquery(env.name("h"))
    return rollup_object(env, f, statement.subquery(env.name("pr")), day, lights)


# -- Query.me ---------------------------------------------------------------------------------


def query_me(env: Env, f: Field) -> Any:
    """Query.me: the request's viewer, from bind parameters (request_params)."""
    viewer_unit = sa.bindparam(VIEWER_UNIT, None, type_=sa.Uuid())

    def unit(w: Field) -> Any:
        u = env.alias(unit_t, "u")
        return unit_object(env, w, [u.c.id == viewer_unit], u)

    rules: dict[str, Callable[[Field], Any]] = {
        "subject": lambda w: sa.bindparam(VIEWER_SUBJECT, "anonymous", type_=sa.Text()),
        "role": lambda w: sa.bindparam(VIEWER_ROLE, None, type_=sa.Text()),
        "partner": lambda w: sa.bindparam(VIEWER_PARTNER, False, type_=sa.Boolean()),
        "unrestricted": lambda w: env.dialect.boolean(env.scope.unrestricted),
        "unit": unit,
    }
    if env.viewer is None:
        raise NotCompilable("me: no viewer")
    return json_object(env, f.type, f.nodes, lambda n, w: rule(rules, f.type.name, n)(w))


HANDLERS: dict[str, dict[str, Handler]] = {
    "OrgUnit": {
        "id": node_id("OrgUnit"),
        **registered(fields.ORG_UNIT),
        "parent": unit_parent,
        "lineParent": related_unit("line_parent_id"),
        "children": unit_children,
        "ancestors": unit_ancestors,
        "aliases": unit_aliases,
        "tasks": unit_tasks,
        "taskRollup": unit_task_rollup,
        "rectifications": unit_rectifications,
        "rectificationRollup": unit_rectification_rollup,
        "targets": unit_targets,
    },
    "Task": {
        "id": node_id("Task"),
        **registered(fields.TASK),
        "label": task_label,
        "deadline": same_row,
        "plan": related(plan_t, "pl", "plan_id", plan_visible),
        "document": related(document_t, "doc", "document_id", document_visible),
        "leadUnits": task_units(enums.AssignmentRole.LEAD),
        "cooperatingUnits": task_units(enums.AssignmentRole.COOPERATING),
        "reports": task_reports,
        "statusAsOf": task_as_of("status"),
        "progressAsOf": task_as_of("progress"),
    },
    "Plan": {
        "id": node_id("Plan"),
        **registered(fields.PLAN),
        "document": related(document_t, "doc", "document_id", document_visible),
        "parent": related(plan_t, "pl", "parent_id", plan_visible),
        "tasks": plan_tasks,
        "taskRollup": plan_task_rollup,
    },
    "Document": {
        "id": node_id("Document"),
        **registered(fields.DOCUMENT),
        "issuer": related_unit("issuer_id"),
        "plans": document_plans,
    },
    "Deadline": registered(fields.DEADLINE),
    "Rectification": {
        "id": node_id("Rectification"),
        **{
            name: column(c)
            for name, c in {
                "seq": "seq",
                "category": "category",
                "problem": "problem",
                "goal": "goal",
                "responsibilityText": "responsibility_text",
                "status": "status",
                "version": "version",
            }.items()
        },
        "measures": json_array_column("measures"),
        "responsibilityUnresolved": json_array_column("responsibility_unresolved"),
        "responsiblePersons": responsible_persons,
        "deadline": same_row,
        "findingNumbers": finding_numbers,
        "responsibleUnits": rectification_units,
        "statusAsOf": rectification_as_of,
        "health": rectification_health,
    },
    "Target": {
        "id": node_id("Target"),
        **{
            name: column(c)
            for name, c in {
                "year": "year",
                "month": "month",
                "kind": "kind",
                "value": "value",
                "valueText": "value_text",
                "baseline": "baseline",
                "baselineYear": "baseline_year",
                "source": "source",
                "remarks": "remarks",
                "version": "version",
            }.items()
        },
        "indicator": indicator_of,
        "orgUnit": related_unit("org_unit_id"),
        "section": section_of,
        "attainment": target_attainment,
    },
    "Measurement": {
        **{
            name: column(c)
            for name, c in {
                "year": "year",
                "month": "month",
                "value": "value",
                "valueText": "value_text",
                "source": "source",
                "remarks": "remarks",
            }.items()
        },
        "indicator": indicator_of,
        "orgUnit": related_unit("org_unit_id"),
        "section": section_of,
    },
    "Indicator": {
        name: column(name) for name in ("code", "name", "unit", "direction", "kind", "description")
    },
    "MonitoringSection": {
        "id": node_id("MonitoringSection"),
        **{
            name: column(c)
            for name, c in {
                "name": "name",
                "river": "river",
                "assessmentLevel": "assessment_level",
                "targetText": "target_text",
                "remarks": "remarks",
            }.items()
        },
        "orgUnit": related_unit("org_unit_id"),
    },
    "ProgressReport": {
        "id": node_id("ProgressReport"),
        "reportedAt": reported_at,
        "reviewedAt": reviewed_at,
        **registered(fields.PROGRESS_REPORT),
        "reportedBy": reported_by,
        "unit": related_unit("reported_by_unit_id"),
        "task": report_task,
    },
}


# -- Query ------------------------------------------------------------------------------------


def query_org_unit(env: Env, f: Field) -> Any:
    if f.args.get("asOf") is not None:
        raise NotCompilable("orgUnit(asOf:)")
    if f.args.get("id") is None:
        return org_unit_by_name(env, f, f.args.get("name"))
    unit_id = env.unit_id(f.args["id"], argument_node(f, "id"))
    u = env.alias(unit_t, "u")
    if not env.bound:  # a constant: its connections can check a cursor
        env.known_ids[u.name] = decode_global_id(f.args["id"], "OrgUnit")
    env.root_ids[u.name] = unit_id
    return unit_object(env, f, [u.c.id == unit_id], u, inside=env.cover(unit_id))


def org_unit_by_name(env: Env, f: Field, name: str | None) -> Any:
    """orgUnit(name:): the first visible unit of resolvers/org_unit/queries.py's name match.
    A bound name variable (Bound.names) is a set of bind parameters (name_parameters), so
    one plan serves every name of its shape; else the name is a constant of the plan."""
    if name is None or not name.strip():
        return sa.null()
    node = argument_node(f, "name")
    bind = None
    if isinstance(node, VariableNode) and node.name.value in env.bound.names:
        bind = param_key(node.name.value)
        env.params |= name_parameters(bind, name)
    if not env.scope.unrestricted:
        # The first unit of the match among all units: when it lies in the subtree (the
        # guard) it is visible, so the first visible one too.
        match = name_match_statement(name, bind=bind)
        first = match.with_only_columns(unit_t.c.id).limit(1).scalar_subquery()
        if env.cover(first):
            u = env.alias(unit_t, "u")
            return unit_object(env, f, [u.c.id == first], u, inside=True)
    match = name_match_statement(name, bind=bind).where(unit_visible(env.scope, unit_t.c.id))
    first = match.with_only_columns(unit_t.c.id).limit(1).scalar_subquery()
    u = env.alias(unit_t, "u")
    return unit_object(env, f, [u.c.id == first], u)


def query_org_units(env: Env, f: Field) -> Any:
    flt = known_filter(f, "OrgUnitFilter")
    if flt.get("name"):
        raise NotCompilable("orgUnits(filter: {name})")
    on = tree_day(f)  # the tree of that day (resolvers/org_unit/queries.py)
    if on is not None or (flt.get("parent") is None and flt.get("ancestor") is None):
        env.generic = False  # GENERIC_SAFE: today's units below or under one unit
    u = env.alias(unit_t, "u")
    base = sa.select(*u.c).where(present(u) if on is None else in_force_at(u, on))
    if flt.get("kind"):
        base = base.where(u.c.kind.in_([k.value for k in flt["kind"]]))
    parent_id = root_id = None
    inside = False  # a covered plan's list of units in the subtree (below a guarded unit)
    if flt.get("parent") is not None:
        parent_id = env.unit_id(flt["parent"], argument_node(f, "filter", "parent"))
        if on is None:
            base = base.where(u.c.parent_id == parent_id)
        else:  # the parent that day
            link = parent_links().alias(env.name("link"))
            base = base.where(
                u.c.id.in_(
                    sa.select(link.c.org_unit_id).where(
                        link.c.parent_id == parent_id, in_force_at(link, on)
                    )
                )
            )
    if flt.get("ancestor") is not None:
        root_id = root = env.unit_id(flt["ancestor"], argument_node(f, "filter", "ancestor"))
        below = sa.select(closure_t.c.descendant_id).where(closure_t.c.ancestor_id == root)
        inside = env.cover(root)
        scope = EVERYTHING if inside else env.scope
        base = base.where(u.c.id.in_(units_below_visible(scope, root, below)))
    elif parent_id is not None and env.cover(parent_id):
        inside = True
    else:
        if env.dialect.unit_list_sets:
            env.use_scope_sets()
        base = base.where(unit_visible(env.scope, u.c.id))
    order = [OrderKey(u.c.depth), OrderKey(u.c.sort_order), OrderKey(u.c.code), OrderKey(u.c.id)]
    # The filter's units are the list's parent (resolvers/cursors.py PARENT_FILTERS).
    parent = env.dialect.concat(
        _id_text(env, parent_id), env.dialect.text("/"), _id_text(env, root_id)
    )
    known = None
    if f.args.get("after"):  # nothing is bound (bound_variables): the ids are constants
        known = cursors.parents(
            [
                decode_global_id(flt[k], "OrgUnit") if flt.get(k) else None
                for k in ("parent", "ancestor")
            ]
        )
    return connection(
        env, f, base, order, u, owner="Query", parent=parent, known=known, known_rows=inside
    )


def units_below_visible(scope: Scope, root: sa.ColumnElement[Any], below: sa.Select[Any]) -> Any:
    """The visible units of `below` (ids of `root`'s subtree), as unit_visible selects them.

    When `root` lies in the viewer's subtree, so does every unit below it: the two cases are
    branches gated by that test alone (a one-time filter), so for a root inside the subtree
    unit_visible's co-assigned sets, read from every assignment of the visible tasks, are
    never built (assigned_visible does the same for tasks).
    """
    if scope.unrestricted:
        return below
    inside = root.in_(subtree(scope))
    unit = below.selected_columns[0]
    return sa.union_all(
        below.where(inside), below.where(sa.not_(inside), unit_visible(scope, unit))
    )


def _id_text(env: Env, value: sa.ColumnElement[Any] | None) -> sa.ColumnElement[str]:
    """An id as the text of a cursor's parent part ('' when absent)."""
    return env.dialect.text("") if value is None else env.dialect.id_text(value)


def query_tasks(env: Env, f: Field) -> Any:
    try:
        flt = task_filter(f.args.get("filter"))
        conditions = task_filter_conditions(flt)
        walked = None
        # A whole-tree viewer's overdue tasks are ADMIN's: an overdue task has a lead share,
        # an anchor in the subtree (models/rules/scope.py Scope.whole).
        sees_all_members = env.scope.unrestricted or env.scope.whole
        if sees_all_members and env.members and not conditions:
            walked = overdue_walk(env, f, flt)
        if env.scope.unrestricted:
            conditions += whole_task_state(flt, env.today, members=env.members)
            visible: sa.ColumnElement[bool] = sa.true()
        elif env.scope.whole:  # each candidate's anchors probed (task_visible)
            conditions += whole_task_state(flt, env.today, members=env.members)
            visible = task_visible(env.scope)
        else:
            # A restricted viewer's tasks found from their anchors, and the state tests
            # judged on those alone (one probe of the members' history each, or live).
            anchored = visible_task_ids(env.scope).subquery(env.name("visible"))
            anchor = next(iter(anchored.c))
            if state_tests(flt, env.today):
                # Each task judged once: its anchors repeat it (a city's 14,000 visible tasks
                # came as 63,000 anchor rows, each probing the history); the CTE keeps
                # the tests from being pushed below the DISTINCT into every anchor's rows.
                once = (
                    sa.select(anchor.label("id"))
                    .distinct()
                    .cte(env.name("visible_once"))
                    .prefix_with("MATERIALIZED")
                )
                anchor = once.c.id
            judged = whole_task_state(flt, env.today, members=env.members, few=True, task=anchor)
            visible = task_t.c.id.in_(sa.select(anchor).where(*judged))
        env.state_tests(flt)  # present state or history: a day check of the plan
    except ValueError as exc:
        raise NotCompilable(str(exc)) from exc
    base = sa.select(task_t).where(*conditions, visible)
    order = task_order(f.args.get("orderBy"))
    judged = connection(env, f, base, order, task_t, owner="Query", parent=None, known="")
    if walked is None:
        return judged
    # Two whole answers, one chosen by the tree's shape alone: the judged one never runs
    # while the tree has a single root (and the walk keeps its index order).
    answer, only = walked
    return sa.case((only, answer), else_=judged)


def overdue_walk(env: Env, f: Field, flt: TaskFilter | None) -> Any:
    """Query.tasks(filter: {overdueAsOf: <a past day>}) ordered by deadline (and id) with no
    other filter, for a viewer who sees every task: the tree root's overdue spans holding on
    the day walked in the list's order, the count from the bucket history
    (resolvers/rollups/maintained.py `whole_tasks_overdue`), and the condition under which
    that is the answer (a single root); None where it does not apply."""
    tests = state_tests(flt, env.today)
    order = task_order(f.args.get("orderBy"))
    if len(tests) != 1 or not all(k.column is task_t.c.id or is_deadline(k.column) for k in order):
        return None
    found = whole_tasks_overdue(tests[0], name=env.name("o"))
    if found is None:
        return None
    rows, count, only = found
    keys = [
        OrderKey(rows.c.task_id if k.column is task_t.c.id else rows.c.deadline_sort, k.descending)
        for k in order
    ]
    answer = connection(
        env,
        f,
        sa.select(rows.c.task_id),
        keys,
        task_t,
        owner="Query",
        parent=None,
        known="",
        id_column=rows.c.task_id,
        share=False,
        count=count,
    )
    return answer, only


def argument_node(f: Field, argument: str, input_field: str | None = None) -> Any:
    """The AST value of an argument (or of one field of an input object argument)."""
    for node in f.nodes[0].arguments or ():
        if node.name.value == argument:
            value = node.value
            if input_field is None:
                return value
            if isinstance(value, ObjectValueNode):
                for item in value.fields:
                    if item.name.value == input_field:
                        return item.value
            return None
    return None


QUERY_FIELDS: dict[str, Callable[[Env, Field], Any]] = {
    "orgUnit": query_org_unit,
    "orgUnits": query_org_units,
    "tasks": query_tasks,
    "targets": query_targets,
    "measurements": query_measurements,
    "me": query_me,
    "documents": query_documents,
    "plans": query_plans,
}


def compile_operation(env: Env, operation: OperationDefinitionNode) -> sa.Select[Any]:
    """SELECT of one text column: the response's `data` object as JSON."""
    if operation.operation.value != "query":
        raise NotCompilable("not a query")
    if operation.directives:
        raise NotCompilable("directives")
    root = env.schema.query_type
    assert root is not None
    data = json_object(
        env,
        root,
        [operation.selection_set],
        lambda name, f: rule(QUERY_FIELDS, root.name, name)(env, f),
    )
    document = env.dialect.document(data)
    if not env.scope.unrestricted and not env.covered:
        env.generic = False  # the viewer's visible sets: their sizes vary with the viewer
    if env.covered:
        if not env.guards:
            raise NotCompilable("covered plan: no unit asked about")
        # NULL (never a response) when an asked unit lies outside the viewer's subtree.
        return sa.select(sa.case((sa.and_(*env.guards), document)))
    if env.reports_guards:
        inside = sa.case((sa.and_(*env.guards), sa.literal("1")), else_=sa.literal("0"))
        return sa.select(inside.concat(document))
    return sa.select(document)
