"""Rectification.statusAsOf: an item's workflow state on a past day, as rectificationRollup
counts it (models/rules/rectification_state.py `status_as_of` and `existed`): the `to_status`
of its latest event by the end of the day, NOT_STARTED before any, null when the item was
created after that day. Today and later read the present state. One statement per batch of
items asked with the same day (a dataloader)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from aiodataloader import DataLoader

from models import Rectification
from models.enums import RectificationStatus
from models.rules import calendar
from models.rules import rectification_state as rules
from resolvers.common import Info

rect_t: sa.Table = Rectification.__table__  # type: ignore[attr-defined]


class RectificationStateAsOfLoader(DataLoader[uuid.UUID, RectificationStatus | None]):
    """The state of each item as of one day."""

    def __init__(self, info: Info, day: date) -> None:
        super().__init__(max_batch_size=500)
        self.db, self.day, self.today = info.context.db, day, info.context.today()

    async def batch_load_fn(self, keys: Sequence[uuid.UUID]) -> list[RectificationStatus | None]:
        cutoff = None if self.day >= self.today else calendar.end_of_day(self.day)
        rows = await self.db.fetch_all(
            sa.select(rect_t.c.id, rules.status_as_of(rect_t, cutoff).label("state")).where(
                rect_t.c.id.in_(list(keys)), rules.existed(rect_t, cutoff)
            )
        )
        found = {row["id"]: RectificationStatus(row["state"]) for row in rows}
        return [found.get(key) for key in keys]


async def rectification_state_as_of(
    info: Info, rectification_id: uuid.UUID, as_of: date
) -> RectificationStatus | None:
    """The item's state as of `as_of`."""
    loader = info.context.loaders.get(
        ("RectificationStateAsOf", as_of), lambda: RectificationStateAsOfLoader(info, as_of)
    )
    result: RectificationStatus | None = await loader.load(rectification_id)
    return result
