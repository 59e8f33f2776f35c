"""Change notes a write leaves on its request; published once the transaction commits.

The same notes feed the change log (resolvers/changes/log.py): run_mutation appends one
entry per noted object in the mutation's savepoint, so a rolled-back write logs nothing.
A write that takes a unit off an object (or deletes the object) passes that unit as
`former_units`, so viewers of the unit's subtree get a tombstone for it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from api.context import Context

CHANGES = "changes"
UNLOGGED = "changes_unlogged"

# (kind, id) → units the object was attached to before the write and no longer is.
Unlogged = dict[tuple[str, uuid.UUID], set[uuid.UUID]]


def _note(
    ctx: Context, kind: str, row_id: uuid.UUID, former_units: Iterable[uuid.UUID] = ()
) -> None:
    changes: set[tuple[str, uuid.UUID]] = ctx.extra.setdefault(CHANGES, set())
    changes.add((kind, row_id))
    unlogged: Unlogged = ctx.extra.setdefault(UNLOGGED, {})
    unlogged.setdefault((kind, row_id), set()).update(former_units)


def task_changed(
    ctx: Context, task_id: uuid.UUID, *, former_units: Iterable[uuid.UUID] = ()
) -> None:
    """A task's state, fields or assignments changed (`former_units`: units taken off it)."""
    _note(ctx, "task", task_id, former_units)


def rectification_changed(
    ctx: Context, rectification_id: uuid.UUID, *, former_units: Iterable[uuid.UUID] = ()
) -> None:
    """A rectification's state or fields changed."""
    _note(ctx, "rectification", rectification_id, former_units)


def pending_changes(ctx: Context) -> set[tuple[str, uuid.UUID]]:
    """Everything the request's committed writes changed."""
    changes: set[tuple[str, uuid.UUID]] = ctx.extra.get(CHANGES, set())
    return changes


def noted_tasks(ctx: Context) -> set[uuid.UUID]:
    """The tasks noted since the change log last took the notes (the running mutation's)."""
    unlogged: Unlogged = ctx.extra.get(UNLOGGED, {})
    return {row_id for kind, row_id in unlogged if kind == "task"}


def take_unlogged(ctx: Context) -> Unlogged:
    """The notes not yet in the change log (and forget them)."""
    unlogged: Unlogged = ctx.extra.pop(UNLOGGED, {})
    return unlogged
