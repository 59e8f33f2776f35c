"""The context of one service call: database, viewer, request id, clock and change notes.

Services (`resolvers/<domain>/service.py`, resolvers/writes.py …) take a ServiceContext and
nothing of GraphQL: a request's Context (resolvers/context.py) extends it with loaders and the
broker, and the command line builds one directly (api/cli_ledger.py).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from models.messages import DEFAULT as DEFAULT_LANGUAGE
from models.rules import calendar
from models.viewer import ANONYMOUS, Viewer
from resolvers.database import Database
from resolvers.scope import Scope, scope_for

# What a write changed: ("task" | "rectification", id) (resolvers/events.py).
Change = tuple[str, uuid.UUID]
# (kind, id) → units the object was attached to before the write and no longer is.
Unlogged = dict[Change, set[uuid.UUID]]


@dataclass(kw_only=True)
class ServiceContext:
    """Who calls, on which database handle, at what time; and what the call's writes changed."""

    db: Database
    request_id: str
    viewer: Viewer = ANONYMOUS
    # The language of the caller's messages (models/messages.py; Accept-Language over HTTP).
    language: str = DEFAULT_LANGUAGE
    # Changes of the writes kept so far, published once the transaction commits.
    changes: set[Change] = field(default_factory=set)
    # Changes not yet in the change log (the unit of work appends them in its savepoint).
    unlogged: Unlogged = field(default_factory=dict)
    # The running write's unit of work (resolvers/unit_of_work.py), None between writes.
    work: object | None = None
    # The request's clock, fixed at its first reading (now()).
    clock: datetime | None = None

    @property
    def scope(self) -> Scope:
        """What the viewer may see (resolvers.scope)."""
        return scope_for(self.viewer)

    def now(self) -> datetime:
        """The request's clock (UTC); one value for every row a request writes."""
        if self.clock is None:
            self.clock = datetime.now(UTC)
        return self.clock

    def today(self) -> date:
        """Today at the request's clock, in the one configured time zone (models/rules/
        calendar.py, GOVGRAPH_TIMEZONE): the default `asOf`."""
        return calendar.today(self.now())
