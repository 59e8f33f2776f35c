"""Migration 0025 fills the folded search columns of rows written before it (issue 19)."""

from __future__ import annotations

import asyncio
import uuid

import pytest
import sqlalchemy as sa

import models
from api.migrate import downgrade, upgrade
from models.rules.search import FOLDED, fold
from tests.conftest import TestDatabase


@pytest.mark.private_db
async def test_upgrade_folds_the_text_of_existing_rows(seeded_db: TestDatabase) -> None:
    task = models.metadata.tables["task"]
    folded = set(FOLDED["task"].values())
    before = [c for c in task.c if c.name not in folded]
    old_task = sa.table("task", *(sa.column(c.name, c.type) for c in before))
    await seeded_db.engine.dispose()
    await asyncio.to_thread(downgrade, seeded_db.url, "0022")
    async with seeded_db.engine.begin() as conn:
        top = dict(
            (await conn.execute(sa.select(*before).order_by(task.c.code).limit(1))).mappings().one()
        )
        copy = {
            **top,
            "id": uuid.uuid4(),
            "code": f"{top['code']}/ｆｗ",
            "seq": top["seq"] + 1000,
            "seq_path": str(top["seq"] + 1000),
            "title": "治理ＶＯＣｓ排放",
            "description": None,
        }
        await conn.execute(old_task.insert().values(**copy))
    await seeded_db.engine.dispose()
    await asyncio.to_thread(upgrade, seeded_db.url)
    async with seeded_db.engine.connect() as conn:
        rows = (
            await conn.execute(
                sa.select(
                    task.c.id,
                    task.c.title,
                    task.c.title_folded,
                    task.c.description,
                    task.c.description_folded,
                )
            )
        ).all()
        rect = models.metadata.tables["rectification"]
        problems = (await conn.execute(sa.select(rect.c.problem, rect.c.problem_folded))).all()
    assert rows
    for _id, title, title_folded, description, description_folded in rows:
        assert title_folded == fold(title)
        assert description_folded == (None if description is None else fold(description))
    assert {row.title_folded for row in rows if row.id == copy["id"]} == {"治理vocs排放"}
    assert problems
    assert all(folded == fold(problem) for problem, folded in problems)
