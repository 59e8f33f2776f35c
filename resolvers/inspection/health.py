"""Rectification.health and RectificationShare.health (亮灯) as of a date: models/rules/health.py's
rectification rule, one statement per batch of items (shares) asked with the same day. The item
is judged on its state derived from all its shares (as Rectification.statusAsOf), a share on its
own state (as its overdue is judged); null when the item was created after that day. Today and
later read the present state (resolvers/inspection/as_of.py)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

import sqlalchemy as sa
from aiodataloader import DataLoader

from models import Rectification, RectificationAssignment, enums
from models.rules import calendar
from models.rules import rectification_state as rules
from models.rules.health import rectification_light, rectification_share_light
from resolvers.common import Info

rect_t: sa.Table = Rectification.__table__  # type: ignore[attr-defined]
share_t: sa.Table = RectificationAssignment.__table__  # type: ignore[attr-defined]


def _cutoff(info: Info, day: date) -> datetime | None:
    return None if day >= info.context.today() else calendar.end_of_day(day)


class RectificationHealthLoader(DataLoader[uuid.UUID, enums.Health | None]):
    """The light of each item as a whole as of one day."""

    def __init__(self, info: Info, day: date) -> None:
        super().__init__(max_batch_size=500)
        self.db, self.day, self.cutoff = info.context.db, day, _cutoff(info, day)

    async def batch_load_fn(self, keys: Sequence[uuid.UUID]) -> list[enums.Health | None]:
        cutoff = self.cutoff
        rows = await self.db.fetch_all(
            sa.select(
                rect_t.c.id, rectification_light(rect_t, self.day, cutoff).label("light")
            ).where(rect_t.c.id.in_(list(keys)), rules.existed(rect_t, cutoff))
        )
        found = {row["id"]: enums.Health(row["light"]) for row in rows}
        return [found.get(key) for key in keys]


class RectificationShareHealthLoader(DataLoader[uuid.UUID, enums.Health | None]):
    """The light of each share (rectification_assignment) as of one day."""

    def __init__(self, info: Info, day: date) -> None:
        super().__init__(max_batch_size=500)
        self.db, self.day, self.cutoff = info.context.db, day, _cutoff(info, day)

    async def batch_load_fn(self, keys: Sequence[uuid.UUID]) -> list[enums.Health | None]:
        cutoff, s, r = self.cutoff, share_t, rect_t
        rows = await self.db.fetch_all(
            sa.select(s.c.id, rectification_share_light(s, r, self.day, cutoff).label("light"))
            .select_from(s.join(r, r.c.id == s.c.rectification_id))
            .where(s.c.id.in_(list(keys)), rules.existed(r, cutoff))
        )
        found = {row["id"]: enums.Health(row["light"]) for row in rows}
        return [found.get(key) for key in keys]


async def rectification_health(
    info: Info, rectification_id: uuid.UUID, as_of: date | None
) -> enums.Health | None:
    """The item as a whole, as of `as_of` (default today)."""
    day = as_of or info.context.today()
    loader = info.context.loaders.get(
        ("RectificationHealth", day), lambda: RectificationHealthLoader(info, day)
    )
    result: enums.Health | None = await loader.load(rectification_id)
    return result


async def rectification_share_health(
    info: Info, share_id: uuid.UUID, as_of: date | None
) -> enums.Health | None:
    """One unit's share, as of `as_of` (default today)."""
    day = as_of or info.context.today()
    loader = info.context.loaders.get(
        ("RectificationShareHealth", day), lambda: RectificationShareHealthLoader(info, day)
    )
    result: enums.Health | None = await loader.load(share_id)
    return result
