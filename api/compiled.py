"""The compiled read path as a schema extension (resolvers/compiled).

After parsing, validation and the query limits, a query whose every field has a compile
rule is answered by one SQL statement that builds the JSON in the database (PostgreSQL or
SQLite: resolvers/compiled/sql.py); strawberry then skips execution. Anything else, and
everything with GOVGRAPH_COMPILED=0, runs through the resolvers as before.
"""

from __future__ import annotations

import functools
import logging
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Hashable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

import orjson
import sqlalchemy as sa
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    SelectionSetNode,
    get_operation_ast,
    located_error,
)
from graphql.execution.values import get_variable_values
from starlette.requests import Request
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from api import errors
from api.context import RequestContext
from api.metrics import COMPILED_PLANS, COMPILED_READS, RESOLVER_READS, SQL_STATEMENTS
from resolvers import cursors
from resolvers.common import decode_global_id
from resolvers.compiled import sql as compiled_sql
from resolvers.compiled.compiler import (
    Bound,
    Env,
    NotCompilable,
    RollupSource,
    bound_variables,
    compile_operation,
    param_key,
    request_params,
)
from resolvers.compiled.rollups import rollup_statement_for
from resolvers.org_unit.queries import name_parameters, name_shape

ROLLUPS = RollupSource(rollup_statement_for)
# Row-level security (GOVGRAPH_RLS=1) hides the rollup_member rows of units outside the
# viewer's subtree, which ROLLUPS reads for them: such units' rollups aggregate live there.
ROLLUPS_RLS = RollupSource(functools.partial(rollup_statement_for, members=False))
logger = logging.getLogger("govgraph")

# The plans a request may run (`variants`): the general one; the covered one (below the units
# asked about, read as ADMIN reads); the whole-tree one (a restricted viewer whose unit is the
# tree's only root: compiler.py Env.whole).
GENERAL, COVERED, WHOLE = "general", "covered", "whole"


class LruCache:
    """A bounded mapping that forgets the least recently used entry."""

    def __init__(self, maxsize: int = 512) -> None:
        self.maxsize = maxsize
        self._plans: OrderedDict[Hashable, Any] = OrderedDict()

    def get(self, key: Hashable) -> Any:
        plan = self._plans.get(key)
        if plan is not None:
            self._plans.move_to_end(key)
        return plan

    def put(self, key: Hashable, plan: Any) -> None:
        self._plans[key] = plan
        if len(self._plans) > self.maxsize:
            self._plans.popitem(last=False)

    def __len__(self) -> int:
        return len(self._plans)


@dataclass(frozen=True, slots=True)
class Plan:
    """A compiled statement as driver SQL and its positional arguments; bound variables'
    positions and the viewer's and day's parameters (request_params) are filled per request.
    Kilobytes, not the statement tree's hundreds.

    `day_checks`: the explicit asOf dates the compiler compared with today, and the outcome;
    the plan answers only while today gives the same outcomes (fresh). `root`: the response
    key of the operation's first field, where an error of the statement is reported.
    """

    sql: str
    names: tuple[str, ...]
    values: tuple[Any, ...]
    day_checks: tuple[tuple[date, bool], ...] = ()
    cursor_checks: tuple[tuple[str, str, str], ...] = ()
    root: str = ""
    # Where each name is among the positional arguments (arguments() fills only those).
    positions: dict[str, tuple[int, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        positions: dict[str, list[int]] = {}
        for index, name in enumerate(self.names):
            positions.setdefault(name, []).append(index)
        object.__setattr__(self, "positions", {k: tuple(v) for k, v in positions.items()})

    # The driver's conversions of the parameters that need one (SQLite: uuids, dates,
    # booleans), by position: applied to the request's values too.
    processors: tuple[tuple[int, Any], ...] = ()
    # Whether the text starts with one character reporting a covered plan's guard ('1': the
    # units asked about lie in the viewer's subtree, '0': not): a restricted viewer's
    # general plan of a query that has a covered variant (compiler.py Env.reports_guards).
    reports: bool = False
    # Whether the statement reads by keys only (compiler.py Env.generic, PostgreSQL): it
    # runs on the connections that let PostgreSQL keep a generic plan (api/db.py).
    generic: bool = False

    def answer(self, text: Any, hints: tuple[Hashable, ...], whole: Hashable | None = None) -> Any:
        """The response text of the statement's `text`, noting in INSIDE under each of
        `hints` what it says of its guard: a general plan's report, or a covered plan's NULL
        (the guard failed); of a whole-tree plan (`whole`: its hint), only its NULL."""
        if whole is not None:
            if text is None:
                INSIDE.put(whole, False)
            return text
        if hints:
            if self.reports and text is not None:
                for hint in hints:
                    INSIDE.put(hint, text[0] == "1")
                return text[1:]
            if text is None:
                for hint in hints:
                    INSIDE.put(hint, False)
        return text

    def fresh(self, today: date) -> bool:
        """Whether the plan still answers for `today`, with the cursors it was made for still
        signed by the current key (resolvers/cursors.py)."""
        if not all((day >= today) is current for day, current in self.day_checks):
            return False
        try:
            for cursor, digest, parent in self.cursor_checks:
                cursors.verify(cursor, digest, parent)
        except ValueError:
            return False
        return True

    @classmethod
    def of(
        cls,
        statement: sa.Select[Any],
        dialect: Any,
        day_checks: tuple[Any, ...] = (),
        cursor_checks: tuple[Any, ...] = (),
        root: str = "",
        reports: bool = False,
        generic: bool = False,
    ) -> Plan:
        compiled = statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
        params = compiled.construct_params()
        processors = cast(dict[str, Any], compiled._bind_processors)
        names = tuple(compiled.positiontup or ())
        values = []
        converting = []
        for position, name in enumerate(names):
            value = params[name]
            processor = processors.get(name)
            values.append(processor(value) if processor is not None else value)
            if processor is not None:
                converting.append((position, processor))
        return cls(
            str(compiled),
            names,
            tuple(values),
            tuple(day_checks),
            tuple(cursor_checks),
            root,
            tuple(converting),
            reports,
            generic,
        )

    def arguments(self, params: dict[str, Any]) -> list[Any]:
        """The positional arguments with the request's parameters."""
        values = list(self.values)
        for name, value in params.items():
            for index in self.positions.get(name, ()):
                values[index] = value
        for position, processor in self.processors:
            if self.names[position] in params:
                value = values[position]
                values[position] = None if value is None else processor(value)
        return values


# Plans by query, operation, whether the scope is restricted, and the variables that shape
# them (unit ids, the viewer's scope root and disclosure and today are bind parameters, so one
# plan serves every unit and every viewer); per worker process.
PLANS = LruCache()
BOUND = LruCache()  # bound_variables() by query and operation name
ANSWERABLE = LruCache()  # (query, operation name) with at least one compiled plan
UNCOMPILABLE = object()  # cached too: such queries go straight to the resolvers


def plan_cache_size() -> int:
    """How many plans (and uncompilable markers) this worker holds."""
    return len(PLANS)


COMPILED_PLANS.set_function(plan_cache_size)


class CompiledReads(SchemaExtension):
    """Answers compilable queries with one SQL statement (PostgreSQL and SQLite)."""

    async def on_execute(self) -> AsyncIterator[None]:
        ec = self.execution_context
        context = ec.context
        if (
            isinstance(context, RequestContext)
            and context.settings.compiled
            and ec.operation_type == OperationType.QUERY
        ):
            try:
                data = await self._compiled(context)
            except StatementFailed as failed:
                # An execution error (200 with `data`): the error boundary codes and masks it.
                COMPILED_READS.inc()
                context.compiled = True
                ec.result = GraphQLExecutionResult(data=None, errors=[failed.error])
                yield
                return
            (RESOLVER_READS if data is None else COMPILED_READS).inc()
            if data is not None:
                context.compiled = True
                ec.result = GraphQLExecutionResult(data=data, errors=None)
        yield

    async def _compiled(self, context: RequestContext) -> Any:
        ec = self.execution_context
        document = ec.graphql_document
        if document is None:
            return None
        operation = get_operation_ast(document, ec.operation_name)
        if operation is None:
            return None
        raw = ec.variables or {}
        # The operation name as the client sent it (None for a one-operation document), so
        # the HTTP layer finds the plan without parsing (answer_from_plan).
        requested = ec._provided_operation_name
        bound = BOUND.get((ec.query, requested))
        if bound is None:
            fragments = {
                d.name.value: d
                for d in document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            bound = bound_variables(operation, fragments)
            BOUND.put((ec.query, requested), bound)
        query = ec.query or ""
        hints = hint_keys(context, query, requested, raw, bound)
        for variant in variants(context, hints, raw, bound):
            key = plan_key(context, query, requested, raw, bound, variant=variant)
            plan, text = await self._variant(context, key, variant, operation, raw, bound)
            if plan is None:
                if variant != GENERAL:
                    continue  # no unit asked about: the general plan
                return None
            text = plan.answer(text, hints, whole_hint(context) if variant == WHOLE else None)
            if text is None and variant != GENERAL:  # its guard failed
                continue
            return self._answer(context, text)
        return None

    async def _variant(
        self,
        context: RequestContext,
        key: Hashable,
        variant: str,
        operation: Any,
        raw: dict[str, Any],
        bound: Bound,
    ) -> tuple[Plan | None, Any]:
        """(the plan of `key`, its statement's text): compiled first when it is not cached
        (or stale); (None, None) when the resolvers must answer."""
        ec = self.execution_context
        document = ec.graphql_document
        assert document is not None
        requested = ec._provided_operation_name
        today = context.today()
        plan = PLANS.get(key)
        if plan is UNCOMPILABLE:
            return None, None
        if plan is None or not plan.fresh(today):
            schema = ec.schema._schema
            variables = get_variable_values(schema, operation.variable_definitions or (), raw)
            if isinstance(variables, list):  # bad variables: the resolvers report them
                return None, None
            fragments = {
                d.name.value: d
                for d in document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            env = Env(
                schema,
                fragments,
                variables,
                context.scope,
                today,
                ROLLUPS_RLS if context.settings.rls else ROLLUPS,
                viewer=context.viewer,
                members=not context.settings.rls,
                bound=bound,
                dialect=compiled_sql.dialect(context.db.dialect),
                covered=variant == COVERED,
                whole=variant == WHOLE,
            )
            try:
                statement = compile_operation(env, operation)
            except NotCompilable:
                if not bound:  # with bound ids it may be just this value (a malformed id)
                    PLANS.put(key, UNCOMPILABLE)
                return None, None
            except Exception:  # a compiler bug must not fail the query: resolvers answer
                logger.exception("request %s: compiling failed", context.request_id)
                PLANS.put(key, UNCOMPILABLE)
                return None, None
            root = first_field(operation.selection_set, fragments)
            plan = Plan.of(
                statement,
                context.db.engine.dialect,
                tuple(env.day_checks),
                tuple(env.cursor_checks),
                root.alias.value if root and root.alias else root.name.value if root else "",
                reports=env.reports_guards,
                generic=env.generic,
            )
            params = env.params
            try:
                text = await run_plan(context, plan, params)
            except StatementFailed as failed:
                if not env.dialect.too_complex(failed.__cause__):
                    raise
                # Beyond what the database can parse (SQLite's parser stack): the resolvers
                # answer this query shape from now on.
                logger.info("request %s: %s", context.request_id, failed.__cause__)
                PLANS.put(key, UNCOMPILABLE)
                return None, None
            PLANS.put(key, plan)
            ANSWERABLE.put((ec.query, requested), True)
            return plan, text
        try:
            params = bound_params(raw, bound) | request_params(context.scope, today, context.viewer)
        except ValueError:
            return None, None  # the resolvers report the malformed id
        return plan, await run_plan(context, plan, params)

    @staticmethod
    def _answer(context: RequestContext, text: str) -> Any:
        if isinstance(context.request, Request):
            return orjson.Fragment(text)  # written into the response as is
        return orjson.loads(text)


class StatementFailed(Exception):
    """A plan's statement failed (a timeout, a refused value, an outage): `error` is the
    GraphQL error at the operation's first field, its cause the database's exception."""

    def __init__(self, error: GraphQLError) -> None:
        super().__init__(error.message)
        self.error = error


class UnknownUnit(Exception):
    """The token's unit, checked in the plan's statement (run_plan's `check`), is not there."""


async def run_plan(
    context: RequestContext, plan: Plan, params: dict[str, Any], check: uuid.UUID | None = None
) -> Any:
    """The JSON text a plan's statement builds; StatementFailed when it fails.

    `check` (PostgreSQL): a token's unit whose existence the same statement checks
    (api/auth.py KnownUnits, without a statement of its own); UnknownUnit when it is not
    there, and nothing of the plan's answer is returned."""
    try:
        if check is None:
            return await context.db.scalar_sql(
                plan.sql, plan.arguments(params), single=True, generic=plan.generic
            )
        text = await context.db.scalar_sql(
            checked_sql(plan), [*plan.arguments(params), check], single=True, generic=plan.generic
        )
    except Exception as exc:
        path = [plan.root] if plan.root else None
        raise StatementFailed(located_error(exc, None, path)) from exc
    if text is None:
        raise UnknownUnit(str(check))
    context.tree_root = text[0] == "*"
    return None if text[1:] == "-" else text[2:]


def checked_sql(plan: Plan) -> str:
    """The plan's PostgreSQL statement that first checks that the unit (one more positional
    parameter) exists: NULL when it does not, else '*' when it has no parent ('+' when it
    has), then '+' and the plan's text ('-' for NULL)."""
    unit = f"${len(plan.names) + 1}::UUID"
    return (
        f"SELECT (SELECT CASE WHEN parent_id IS NULL THEN '*' ELSE '+' END FROM org_unit"
        f" WHERE org_unit.id = {unit}) || coalesce('+' || ({plan.sql}), '-')"
    )


def first_field(
    selection_set: SelectionSetNode, fragments: dict[str, FragmentDefinitionNode]
) -> FieldNode | None:
    """The first field an operation selects (through fragments)."""
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            return selection
        inner: SelectionSetNode | None = None
        if isinstance(selection, InlineFragmentNode):
            inner = selection.selection_set
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            inner = fragment.selection_set if fragment is not None else None
        found = first_field(inner, fragments) if inner is not None else None
        if found is not None:
            return found
    return None


def plan_key(
    context: RequestContext,
    query: str,
    operation_name: str | None,
    raw: dict[str, Any],
    bound: Bound,
    variant: str = GENERAL,
) -> Hashable:
    """A plan's cache key: what shapes its SQL (bound ids only by being null or not, bound
    names by their shape: resolvers/org_unit/queries.py name_shape).

    Of the viewer only whether its scope is restricted: its root and disclosure are bind
    parameters. Today is not in it either (Plan.fresh). Whether row-level security is on
    (the rollups differ: ROLLUPS_RLS). The database's dialect is (a process may serve both,
    as the tests do). Which variant it is (`variants`): whether the whole-tree one, then
    whether the covered one (last).
    """
    shaping = {k: v for k, v in raw.items() if k not in bound}
    return (
        context.db.dialect,
        query,
        operation_name,
        context.scope.unrestricted,
        context.settings.rls,  # its plans read no rollup_member rows (ROLLUPS_RLS)
        orjson.dumps(shaping, option=orjson.OPT_SORT_KEYS) if shaping else b"",
        tuple(sorted((k, bound_shape(raw.get(k), k in bound.names)) for k in bound)),
        variant == WHOLE,
        variant == COVERED,
    )


def bound_shape(value: Any, name: bool) -> Hashable:
    """What a bound variable's value says of the plan's SQL: of an id, whether it is null;
    of a name, its name_shape (None: no name, a plan answering null)."""
    if not name:
        return value is None
    if not isinstance(value, str) or not value.strip():
        return None
    return name_shape(value)


# Whether the units a restricted viewer's request asks about lie in its subtree, by
# hint_key: what the last statement of the same question said (a covered plan's guard, or
# the general plan's report of it). A hint only, never trusted for an answer: the covered
# plan tests its guard itself (NULL when it fails: the general plan answers then), and the
# general plan answers every case.
INSIDE = LruCache(8192)


def hint_keys(
    context: RequestContext,
    query: str,
    operation_name: str | None,
    raw: dict[str, Any],
    bound: Bound,
) -> tuple[Hashable, ...]:
    """INSIDE's keys of a request (none for an unrestricted viewer): first the query and its
    shaping variables, the viewer's root and the bound values; then, when it binds unit
    names, the viewer's root and those names alone, which other queries asking about the
    same names read when they have no hint of their own yet (a name outside the branch
    then costs its covered plan once per viewer, not once per query)."""
    if context.scope.unrestricted:
        return ()
    key = plan_key(context, query, operation_name, raw, bound)
    root = context.scope.root
    exact = (key, root, tuple(sorted((k, str(raw.get(k))) for k in bound)))
    if not bound.names or len(bound.names) != len(bound):
        return (exact,)
    return exact, ("names", root, tuple(sorted(str(raw.get(k)) for k in bound.names)))


def whole_hint(context: RequestContext) -> Hashable:
    """INSIDE's key of whether a restricted viewer's unit is the tree's only root (only a
    failed whole-tree guard is noted: the unit is a root, but not the only one)."""
    return ("whole", context.db.dialect, context.scope.root)


def variants(
    context: RequestContext, hints: tuple[Hashable, ...], raw: dict[str, Any], bound: Bound
) -> tuple[str, ...]:
    """The plans tried for a request, in order.

    A restricted viewer whose unit has no parent (RequestContext.tree_root, learnt with the
    token's unit: api/auth.py KnownUnits) runs the whole-tree plan first (compiler.py
    Env.whole: every unit lies in its subtree, read as ADMIN reads; its guard checks that the
    unit is the tree's only root), unless its guard failed before (INSIDE).

    A restricted viewer's request runs the covered plan (resolvers/compiled/compiler.py
    Env.covered: below the units asked about, read as ADMIN reads, with ADMIN's planning
    cost) when they lie in its subtree, as far as is known here: each bound unit id is the
    viewer's own unit (the usual case), or the last statement of this question said so
    (INSIDE). Else the general plan, which reports the guard for next time; the general
    plan also answers when the covered one's guard fails or it has none (no unit asked
    about: UNCOMPILABLE)."""
    if not hints or not compiled_sql.dialect(context.db.dialect).covered_plans:
        return (GENERAL,)
    if context.tree_root and INSIDE.get(whole_hint(context)) is None:
        return (WHOLE, GENERAL)
    inside = None
    for hint in hints:
        inside = INSIDE.get(hint)
        if inside is not None:
            break
    if inside is None:
        inside = own_unit(context, raw, bound)
    return (COVERED, GENERAL) if inside else (GENERAL,)


def own_unit(context: RequestContext, raw: dict[str, Any], bound: Bound) -> bool:
    """Whether the request asks about the viewer's own unit only, as far as its variables
    say: every bound unit id is it, or (nothing bound: ids used elsewhere too) every
    variable holding an OrgUnit id is it. A bound name is taken to be (a viewer looks up its
    own branch's units by name, and the covered plan's guard checks it; when it fails, the
    general plan answers and INSIDE remembers)."""
    root = context.scope.root
    if bound:
        try:
            return all(
                raw.get(k) is not None and unit_id(raw[k]) == root
                for k in bound
                if k not in bound.names
            )
        except ValueError:
            return False  # the resolvers report the malformed id
    ids = []
    for value in raw.values():
        if isinstance(value, str) and len(value) < 100:
            try:
                ids.append(unit_id(value))
            except ValueError:
                continue  # not a unit's id
    return bool(ids) and all(found == root for found in ids)


def bound_params(raw: dict[str, Any], bound: Bound) -> dict[str, Any]:
    """The bind parameters of a request's bound variables; ValueError for a malformed id."""
    params: dict[str, Any] = {
        param_key(k): unit_id(raw[k])
        for k in bound
        if raw.get(k) is not None and k not in bound.names
    }
    for k in bound.names:
        value = raw.get(k)
        if isinstance(value, str) and value.strip():
            params |= name_parameters(param_key(k), value)
    return params


UNIT_IDS = LruCache(4096)  # OrgUnit global ids the plans were asked about -> their UUIDs


def unit_id(value: Any) -> uuid.UUID:
    """decode_global_id(value, "OrgUnit"), remembered for the ids asked about again (valid
    ones only: a malformed id raises its ValueError each time)."""
    if not isinstance(value, str):
        return decode_global_id(value, "OrgUnit")
    found: uuid.UUID | None = UNIT_IDS.get(value)
    if found is None:
        found = decode_global_id(value, "OrgUnit")
        UNIT_IDS.put(value, found)
    return found


def answerable(query: str, operation_name: str | None) -> bool:
    """Whether some plan was compiled for this query text: only then is the HTTP layer's
    shortcut worth building a request context (the others never take it)."""
    return ANSWERABLE.get((query, operation_name)) is not None


async def answer_from_plan(
    context: RequestContext,
    query: str,
    operation_name: str | None,
    raw: dict[str, Any],
    found: Callable[[uuid.UUID, bool], None] | None = None,
) -> bytes | None:
    """The whole response body of a query a cached plan answers, before any GraphQL work.

    A plan exists only after the same query, operation, kind of scope and shaping variables went
    through parsing, validation, the query limits and compilation (CompiledReads): it is a
    persisted query, found by its text. None sends the request down the full path.

    The token's unit, when not yet known to exist (RequestContext.unit_check), is checked
    by the first statement (run_plan); `found` is told when it is there. When it is not,
    None: the full path checks it again and refuses the token.
    """
    bound = BOUND.get((query, operation_name))
    if bound is None:
        return None
    today = context.today()
    body: dict[str, Any]
    hints = hint_keys(context, query, operation_name, raw, bound)
    try:
        for variant in variants(context, hints, raw, bound):
            plan = PLANS.get(plan_key(context, query, operation_name, raw, bound, variant=variant))
            if variant != GENERAL and plan is UNCOMPILABLE:
                continue  # no unit asked about: the general plan
            if not isinstance(plan, Plan) or not plan.fresh(today):
                return None  # the full path compiles it
            try:
                params = bound_params(raw, bound)
                params |= request_params(context.scope, today, context.viewer)
            except ValueError:
                return None
            check, context.unit_check = context.unit_check, None
            try:
                text = await run_plan(context, plan, params, check)
            except UnknownUnit:
                return None
            if check is not None and found is not None:
                found(check, context.tree_root)
            text = plan.answer(text, hints, whole_hint(context) if variant == WHOLE else None)
            if text is None and variant != GENERAL:  # its guard failed: the next plan
                continue
            break
        else:
            return None
    except StatementFailed as failed:
        # The boundary every path shares: logged once, coded and masked; an execution error.
        errors.report([failed.error], context.request_id)
        shielded = errors.shield([failed.error], context.request_id, language=context.language)
        body = {"data": None, "errors": [e.formatted for e in shielded]}
    else:
        body = {"data": orjson.Fragment(text)}
    finally:
        await context.db.close()
    COMPILED_READS.inc()
    SQL_STATEMENTS.observe(context.db.statements)
    if context.settings.debug:
        sql = {"statements": context.db.statements, "ms": round(context.db.elapsed_ms, 3)}
        body["extensions"] = {"sql": sql | {"compiled": True}}
    return orjson.dumps(body)
