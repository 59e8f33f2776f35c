"""Change notes a write leaves on its request; published once the transaction commits."""

from __future__ import annotations

import uuid

from api.context import Context

CHANGES = "changes"


def _note(ctx: Context, kind: str, row_id: uuid.UUID) -> None:
    changes: set[tuple[str, uuid.UUID]] = ctx.extra.setdefault(CHANGES, set())
    changes.add((kind, row_id))


def task_changed(ctx: Context, task_id: uuid.UUID) -> None:
    """A task's state, fields or assignments changed."""
    _note(ctx, "task", task_id)


def rectification_changed(ctx: Context, rectification_id: uuid.UUID) -> None:
    """A rectification's state or fields changed."""
    _note(ctx, "rectification", rectification_id)


def pending_changes(ctx: Context) -> set[tuple[str, uuid.UUID]]:
    """Everything the request's committed writes changed."""
    changes: set[tuple[str, uuid.UUID]] = ctx.extra.get(CHANGES, set())
    return changes
