"""Subscription root (`graphql-transport-ws`): taskChanged and rollupChanged.

Both listen to the app's broker (resolvers/events.py's Broker, on the context; api/events.py
implements it), which carries the ids of what committed
writes changed. Every event is checked and loaded on a database handle of its own, opened for
that event and closed after it: a subscription never holds a connection (nor an open read
transaction, which on SQLite would pin an old snapshot) while it waits.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncGenerator, AsyncIterator

import sqlalchemy as sa
import strawberry
from graphql import GraphQLError

from models import OrgUnit as OrgUnitModel
from models import Task as TaskModel
from models.enums import RoleScope
from models.messages import message
from resolvers.common import Info, decode_global_id
from resolvers.context import Context
from resolvers.database import Database
from resolvers.events import Broker, ChangeQueue
from resolvers.loaders import Loaders
from resolvers.rollups.task import tasks_of_units, unit_scope
from resolvers.scope import task_visible, unit_visible
from resolvers.task.rollup import TaskRollup, unit_task_rollup
from resolvers.task.types import Task

unit_t: sa.Table = OrgUnitModel.__table__  # type: ignore[attr-defined]
task_t: sa.Table = TaskModel.__table__  # type: ignore[attr-defined]

TASK = "task"
# rollupChanged sends at most one event per this many seconds; changes in between coalesce.
ROLLUP_COALESCE_SECONDS = 0.2


@contextlib.asynccontextmanager
async def event_database(ctx: Context) -> AsyncIterator[Database]:
    """A fresh database handle (and loaders) for one event, closed after it.

    The operation's context carries it while the event's fields resolve; the context is the
    operation's own (api/websocket.py), so no other operation sees the swap.
    """
    db = Database(ctx.db.engine, rls_scope=ctx.db.rls_scope)
    ctx.db, ctx.loaders = db, Loaders(db, ctx.loaders.scope)
    try:
        yield db
    finally:
        await db.close()


def _broker(ctx: Context) -> Broker:
    if ctx.broker is None:
        raise GraphQLError("subscriptions are unavailable: the server runs without its lifespan")
    return ctx.broker


async def _visible_unit(ctx: Context, unit: strawberry.ID) -> uuid.UUID:
    """The unit's id; an unknown, malformed or out-of-scope id is one NOT_FOUND error."""
    try:
        unit_id = decode_global_id(unit, "OrgUnit")
    except ValueError:
        unit_id = None
    if unit_id is not None:
        async with event_database(ctx) as db:
            found = await db.scalar(
                sa.select(unit_t.c.id).where(
                    unit_t.c.id == unit_id, unit_visible(ctx.scope, unit_t.c.id)
                )
            )
        if found is not None:
            return unit_id
    text = message("SUBSCRIPTION_NO_UNIT", unit=unit).render(ctx.language)
    raise GraphQLError(text, extensions={"code": "NOT_FOUND"})


def _tasks_in_scope(unit: uuid.UUID, include_descendants: bool, role: RoleScope) -> sa.Subquery:
    """(root_id, task_id) of tasks with an assignment in `role` to the unit (or its subtree)."""
    units = unit_scope([unit], include_descendants).cte("unit_scope")
    return tasks_of_units(units, role, None).subquery("tasks_in_scope")


async def _changed_tasks(changes: ChangeQueue) -> set[uuid.UUID]:
    """Ids of the tasks in the next batch of changes (waits for a batch that has some)."""
    while True:
        ids = {row_id for kind, row_id in await changes.next_batch() if kind == TASK}
        if ids:
            return ids


async def task_events(
    info: Info, broker: Broker, unit: uuid.UUID, include_descendants: bool
) -> AsyncGenerator[Task, None]:
    """Each changed task assigned (any role) in the unit's scope, in its committed state."""
    ctx = info.context
    with broker.subscribe() as changes:
        while True:
            ids = await _changed_tasks(changes)
            in_scope = _tasks_in_scope(unit, include_descendants, RoleScope.ANY)
            async with event_database(ctx) as db:
                rows = await db.fetch_all(
                    sa.select(task_t)
                    .where(
                        task_t.c.id.in_(ids),
                        task_t.c.id.in_(sa.select(in_scope.c.task_id)),
                        task_visible(ctx.scope),
                    )
                    .order_by(task_t.c.id)
                )
                for row in rows:
                    yield Task.from_row(row)


async def rollup_events(
    info: Info, broker: Broker, unit: uuid.UUID
) -> AsyncGenerator[TaskRollup, None]:
    """The unit's current taskRollup each time it changes, as the viewer sees it; bursts
    coalesce into one event per ROLLUP_COALESCE_SECONDS.

    Wakes only for tasks the viewer sees led in the unit's subtree (models/rules/scope.py), and
    sends only a rollup that differs from the last one sent (or from the one at subscription):
    a write the viewer cannot see (another district's share of a task it sees, its progress
    report) changes nothing the viewer's rollup counts, so it sends nothing, not even the
    timing of that write.
    """
    ctx = info.context
    loop = asyncio.get_running_loop()
    quiet_until = 0.0
    last = await _current_rollup(info, unit)
    with broker.subscribe() as changes:
        # A write may have committed between the two: its change reached no queue.
        if (rollup := await _current_rollup(info, unit)) != last:
            last = rollup
            quiet_until = loop.time() + ROLLUP_COALESCE_SECONDS
            yield rollup
        while True:
            ids = await _changed_tasks(changes)
            in_scope = _tasks_in_scope(unit, True, RoleScope.LEAD)
            async with event_database(ctx) as db:
                relevant = await db.scalar(
                    sa.select(in_scope.c.task_id)
                    .where(in_scope.c.task_id.in_(ids), task_visible(ctx.scope, in_scope.c.task_id))
                    .limit(1)
                )
            if relevant is None:
                continue
            if (wait := quiet_until - loop.time()) > 0:
                await asyncio.sleep(wait)
            # Whatever arrived meanwhile is committed, so the rollup computed now covers it.
            changes.drain()
            rollup = await _current_rollup(info, unit)
            if rollup == last:
                continue
            last = rollup
            quiet_until = loop.time() + ROLLUP_COALESCE_SECONDS
            yield rollup


async def _current_rollup(info: Info, unit: uuid.UUID) -> TaskRollup:
    """The unit's taskRollup (subtree, LEAD, today) as the viewer sees it, on a handle of its
    own."""
    async with event_database(info.context):
        return await unit_task_rollup(
            info, unit, as_of=None, include_descendants=True, role=RoleScope.LEAD, flt=None
        )


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description=(
            "A task after each committed write that changed it, when it has an assignment"
            " (any role) to the unit, or with includeDescendants to a unit of its subtree."
        )
    )
    async def task_changed(
        self, info: Info, unit: strawberry.ID, include_descendants: bool = True
    ) -> AsyncGenerator[Task, None]:
        broker = _broker(info.context)
        unit_id = await _visible_unit(info.context, unit)
        return task_events(info, broker, unit_id, include_descendants)

    @strawberry.subscription(
        description=(
            "The unit's taskRollup (subtree, LEAD, as of today) each time committed writes"
            " change it as the viewer sees it; at most one event per 200 ms."
        )
    )
    async def rollup_changed(
        self, info: Info, unit: strawberry.ID
    ) -> AsyncGenerator[TaskRollup, None]:
        broker = _broker(info.context)
        unit_id = await _visible_unit(info.context, unit)
        return rollup_events(info, broker, unit_id)
