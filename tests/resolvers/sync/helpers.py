"""What the sync tests share: the CLI run as the shell runs it, and the air ledger's row edits."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import sqlalchemy as sa

import models
from api.cli import main
from tests.conftest import TestDatabase
from tests.ledger_files import Row, csv_bytes

DOC = "城政办发〔2023〕20号"
AIR_016 = "air/016"


async def command(db: TestDatabase, argv: list[str]) -> int:
    """`govgraph argv` on the test's database, in a thread (the command runs its own loop)."""
    return await asyncio.to_thread(main, [*argv, "--database-url", db.url])


async def air_row(db: TestDatabase, code_suffix: str) -> dict[str, Any]:
    """A seeded air task's row and its lead units' names."""
    task, assignment, unit = (models.metadata.tables[n] for n in ("task", "assignment", "org_unit"))
    async with db.engine.connect() as conn:
        row = (
            (await conn.execute(sa.select(task).where(task.c.code.endswith(code_suffix))))
            .mappings()
            .one()
        )
        leads = (
            await conn.execute(
                sa.select(unit.c.name)
                .join(assignment, assignment.c.org_unit_id == unit.c.id)
                .where(assignment.c.task_id == row["id"], assignment.c.role == "LEAD")
            )
        ).scalars()
        return {**row, "leads": sorted(leads)}


async def lead_names(db: TestDatabase, task_id: uuid.UUID) -> list[str]:
    """Names of a task's LEAD units now."""
    assignment, unit = (models.metadata.tables[n] for n in ("assignment", "org_unit"))
    async with db.engine.connect() as conn:
        names = await conn.execute(
            sa.select(unit.c.name)
            .join(assignment, assignment.c.org_unit_id == unit.c.id)
            .where(assignment.c.task_id == task_id, assignment.c.role == "LEAD")
        )
        return sorted(names.scalars())


def ledger_with_lead(task: dict[str, Any], leads: str, path: Path) -> Path:
    """A one-row 台账 giving the seeded task `task` the leads `leads` (all else as seeded)."""
    row = Row(
        task["category"] or "",
        task["seq"],
        task["description"] or task["title"],
        task["deadline_text"],
        leads,
        remarks=task["remarks"] or "",
    )
    path.write_bytes(csv_bytes([row]))
    return path


async def import_air_ledger(db: TestDatabase, source: Path) -> None:
    """`govgraph import-ledger FILE --doc-number 城政办发〔2023〕20号 --plan-key air`."""
    status = await command(
        db, ["import-ledger", str(source), "--doc-number", DOC, "--plan-key", "air"]
    )
    assert status == 0


async def unit_id(db: TestDatabase, name: str) -> uuid.UUID:
    """A seeded unit's id by name."""
    unit = models.metadata.tables["org_unit"]
    async with db.engine.connect() as conn:
        found: uuid.UUID = (
            await conn.execute(sa.select(unit.c.id).where(unit.c.name == name))
        ).scalar_one()
        return found
