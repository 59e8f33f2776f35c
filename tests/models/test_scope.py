"""The scope predicates and their other users agree (models/rules/scope.py).

The change log attaches each entry to the units an object hangs on (resolvers/changes/log.py);
a viewer whose subtree holds one of them is concerned. That must be exactly the viewer's
task_visible / rectification_visible, or the feed and the reads drift apart.
"""

from __future__ import annotations

import sqlalchemy as sa

from models import metadata
from models.enums import ChangeType
from models.rules.scope import Scope, rectification_visible, subtree, task_visible
from resolvers.changes.log import attached_units
from tests.conftest import TestDatabase

VIEWERS = ["城区", "南村镇", "城区生态环境分局", "阳城县", "山西省", "晋城市城区卫永堂新型建材厂"]


async def test_the_change_logs_attached_units_are_the_scope_anchors(
    seeded_db: TestDatabase,
) -> None:
    unit_t, task_t = metadata.tables["org_unit"], metadata.tables["task"]
    rect_t = metadata.tables["rectification"]
    async with seeded_db.engine.connect() as conn:
        ids = dict((await conn.execute(sa.select(unit_t.c.name, unit_t.c.id))).all())
        teams = (
            await conn.execute(sa.select(unit_t.c.name).where(unit_t.c.kind == "INSPECTION_TEAM"))
        ).scalars()
        tasks = list((await conn.execute(sa.select(task_t.c.id))).scalars())
        rects = list((await conn.execute(sa.select(rect_t.c.id))).scalars())
        assert tasks
        assert rects
        task_units = await attached_units(conn, ChangeType.TASK, tasks)
        rect_units = await attached_units(conn, ChangeType.RECTIFICATION, rects)
        for name in [*VIEWERS, *teams]:
            scope = Scope(root=ids[name])
            below = set((await conn.execute(subtree(scope))).scalars())
            visible_tasks = set(
                (await conn.execute(sa.select(task_t.c.id).where(task_visible(scope)))).scalars()
            )
            assert visible_tasks == {t for t in tasks if task_units[t] & below}, name
            visible_rects = set(
                (
                    await conn.execute(
                        sa.select(rect_t.c.id).where(rectification_visible(scope, rect_t.c.id))
                    )
                ).scalars()
            )
            assert visible_rects == {r for r in rects if rect_units[r] & below}, name
