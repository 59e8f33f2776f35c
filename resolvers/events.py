"""Change notes a write leaves on its request; published once the transaction commits.

The same notes feed the change log (resolvers/changes/log.py): the unit of work
(resolvers/unit_of_work.py) appends one entry per noted object in the write's savepoint, so
a rolled-back write logs nothing.
A write that takes a unit off an object (or deletes the object) passes that unit as
`former_units`, so viewers of the unit's subtree get a tombstone for it.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterable
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncConnection

from resolvers.service_context import Change, ServiceContext, Unlogged

__all__ = ["API_KEY", "Broker", "Change", "ChangeQueue", "Unlogged"]

# The kind of change that announces a revoked API key (`("api_key", key id)`): no object of
# the change log, only a signal to the connections the key opened (api/websocket.py).
API_KEY = "api_key"


class ChangeQueue(Protocol):
    """One subscriber's queue of changes (api/events.py's Subscriber)."""

    async def next_batch(self) -> set[Change]:
        """The next change and every change already queued behind it."""

    def drain(self) -> set[Change]:
        """Every change queued now, without waiting."""


class Broker(Protocol):
    """Delivers the changes of committed writes to every subscriber of every process.

    api/events.py implements it (in-process and PostgreSQL LISTEN/NOTIFY); subscriptions
    receive it through the request's context.
    """

    async def start(self) -> None:
        """Begin receiving (the app's lifespan calls it)."""

    async def close(self) -> None:
        """Stop receiving and release connections."""

    async def publish(self, changes: Iterable[Change]) -> None:
        """Deliver the changes of a write that has committed."""

    async def publish_in_transaction(
        self, connection: AsyncConnection, changes: Iterable[Change]
    ) -> bool:
        """Deliver `changes` when `connection`'s transaction commits (never if it rolls
        back); False when this broker cannot, so the caller calls `publish` after the commit.
        """

    def subscribe(self) -> contextlib.AbstractContextManager[ChangeQueue]:
        """A queue receiving every change published from now until the block exits."""

    @property
    def subscriber_count(self) -> int:
        """Subscribers of this process."""


def _note(
    ctx: ServiceContext, kind: str, row_id: uuid.UUID, former_units: Iterable[uuid.UUID] = ()
) -> None:
    ctx.changes.add((kind, row_id))
    ctx.unlogged.setdefault((kind, row_id), set()).update(former_units)


def task_changed(
    ctx: ServiceContext, task_id: uuid.UUID, *, former_units: Iterable[uuid.UUID] = ()
) -> None:
    """A task's state, fields or assignments changed (`former_units`: units taken off it)."""
    _note(ctx, "task", task_id, former_units)


def rectification_changed(
    ctx: ServiceContext, rectification_id: uuid.UUID, *, former_units: Iterable[uuid.UUID] = ()
) -> None:
    """A rectification's state or fields changed."""
    _note(ctx, "rectification", rectification_id, former_units)


def api_key_revoked(ctx: ServiceContext, key_id: uuid.UUID) -> None:
    """A sharing partner's key was revoked: every process closes the connections it opened
    (published like a write's changes; PostgreSQL delivers it across processes at commit)."""
    ctx.changes.add((API_KEY, key_id))


def pending_changes(ctx: ServiceContext) -> set[Change]:
    """Everything the request's committed writes changed."""
    return ctx.changes


def noted_tasks(ctx: ServiceContext) -> set[uuid.UUID]:
    """The tasks noted since the change log last took the notes (the running mutation's)."""
    return {row_id for kind, row_id in ctx.unlogged if kind == "task"}


def take_unlogged(ctx: ServiceContext) -> Unlogged:
    """The notes not yet in the change log (and forget them)."""
    unlogged, ctx.unlogged = ctx.unlogged, {}
    return unlogged
