"""Migrations are the schema: upgrade/downgrade round trips and no drift from the models."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection

import models
from api.migrate import downgrade, upgrade
from models import partitioning
from tests.conftest import TestDatabase


def _diff(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(
        connection,
        opts={"compare_type": True, "include_object": partitioning.include_in_comparison},
    )
    return list(compare_metadata(context, models.metadata))


# SQLite cannot reflect expression-based indexes (the slots' coalesce(month, 0), migration 0008):
# SQLAlchemy and Alembic skip them there with a warning. PostgreSQL compares them.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based")
async def test_migrated_schema_matches_models(empty_db: TestDatabase) -> None:
    async with empty_db.engine.connect() as conn:
        diff = await conn.run_sync(_diff)
    assert diff == []


@pytest.mark.private_db
async def test_downgrade_to_base_and_up_again(empty_db: TestDatabase) -> None:
    await empty_db.engine.dispose()
    await asyncio.to_thread(downgrade, empty_db.url, "base")
    async with empty_db.engine.connect() as conn:
        tables = await conn.run_sync(lambda c: c.dialect.get_table_names(c))
    assert set(tables) <= {"alembic_version"}
    await empty_db.engine.dispose()
    await asyncio.to_thread(upgrade, empty_db.url)
    async with empty_db.engine.connect() as conn:
        tables = await conn.run_sync(lambda c: c.dialect.get_table_names(c))
    assert set(models.metadata.tables) <= set(tables)


async def _copy(conn: Any, table: sa.Table, where: Any, **changes: Any) -> dict[str, Any]:
    """Insert a copy of the first matching row with `changes`; return the copy."""
    row = dict((await conn.execute(sa.select(table).where(where).limit(1))).mappings().one())
    copy = {**row, "id": uuid.uuid4(), **changes}
    await conn.execute(table.insert().values(**copy))
    return copy


@pytest.mark.private_db
async def test_upgrade_resolves_duplicates_deterministically(seeded_db: TestDatabase) -> None:
    """Rows written before 0008 that break its indexes: one kept per slot, by a fixed rule."""
    target, measurement = models.metadata.tables["target"], models.metadata.tables["measurement"]
    document, task = models.metadata.tables["document"], models.metadata.tables["task"]
    later = datetime(2030, 1, 1, tzinfo=UTC)
    await seeded_db.engine.dispose()
    await asyncio.to_thread(downgrade, seeded_db.url, "0007")
    async with seeded_db.engine.begin() as conn:
        annual = sa.and_(target.c.month.is_(None), target.c.section_id.is_(None))
        first_target = await _copy(conn, target, annual, created_at=later)
        first_measurement = await _copy(
            conn, measurement, measurement.c.section_id.is_(None), recorded_at=later, value=99.5
        )
        numbered = document.c.doc_number_normalized.is_not(None)
        doc_copy = await _copy(conn, document, numbered, created_at=later)
        air = (
            await conn.execute(
                sa.select(task.c.id, task.c.plan_id, task.c.seq, task.c.code)
                .where(task.c.code.like("%/air/%"), task.c.parent_id.is_(None))
                .order_by(task.c.seq)
                .limit(2)
            )
        ).all()
        await conn.execute(
            task.update().where(task.c.id == air[1].id).values(seq=air[0].seq, created_at=later)
        )
        top = (
            await conn.execute(
                sa.select(sa.func.max(task.c.seq)).where(
                    task.c.plan_id == air[0].plan_id, task.c.parent_id.is_(None)
                )
            )
        ).scalar()
    await seeded_db.engine.dispose()
    await asyncio.to_thread(upgrade, seeded_db.url)
    async with seeded_db.engine.connect() as conn:
        kept = await conn.execute(sa.select(target.c.id).where(target.c.id == first_target["id"]))
        assert kept.first() is None  # the later target of the slot is gone
        values = (
            await conn.execute(
                sa.select(measurement.c.value).where(
                    measurement.c.indicator_id == first_measurement["indicator_id"],
                    measurement.c.org_unit_id == first_measurement["org_unit_id"],
                    measurement.c.year == first_measurement["year"],
                    sa.func.coalesce(measurement.c.month, 0) == (first_measurement["month"] or 0),
                    measurement.c.section_id.is_(None),
                )
            )
        ).all()
        assert [v.value for v in values] == [99.5]  # the latest recorded stays
        copied = (
            await conn.execute(sa.select(document).where(document.c.id == doc_copy["id"]))
        ).one()
        assert (copied.doc_number, copied.doc_number_normalized) == (doc_copy["doc_number"], None)
        moved = (await conn.execute(sa.select(task).where(task.c.id == air[1].id))).one()
        assert moved.seq == top + 1
        assert moved.code == f"{air[1].code.rsplit('/', 1)[0]}/{top + 1:03d}"


@pytest.mark.private_db
async def test_upgrade_backfills_the_seq_path_of_tasks_and_subtasks(
    seeded_db: TestDatabase,
) -> None:
    """0019 fills task.seq_path from the parent links ("3", "3.1", "3.1.2")."""
    task = models.metadata.tables["task"]
    later = {"seq_path", "title_folded", "description_folded"}  # 0019's and 0025's
    before = [c for c in task.c if c.name not in later]  # the columns 0018 has
    old_task = sa.table("task", *(sa.column(c.name, c.type) for c in before))
    await seeded_db.engine.dispose()
    await asyncio.to_thread(downgrade, seeded_db.url, "0018")
    async with seeded_db.engine.begin() as conn:
        first = sa.select(*before).where(task.c.parent_id.is_(None)).order_by(task.c.code)
        top = dict((await conn.execute(first.limit(1))).mappings().one())
        parent, chain = top, []
        for seq in (4, 2):  # a subtask 4 of the task, its subtask 2
            child = {
                **parent,
                "id": uuid.uuid4(),
                "code": f"{parent['code']}/{seq:02d}",
                "parent_id": parent["id"],
                "seq": seq,
            }
            await conn.execute(old_task.insert().values(**child))
            chain.append(child["id"])
            parent = child
    await seeded_db.engine.dispose()
    await asyncio.to_thread(upgrade, seeded_db.url)
    async with seeded_db.engine.connect() as conn:
        paths = dict((await conn.execute(sa.select(task.c.id, task.c.seq_path))).all())
        tops = (
            await conn.execute(
                sa.select(task.c.seq_path, task.c.seq).where(task.c.parent_id.is_(None))
            )
        ).all()
    assert paths[top["id"]] == str(top["seq"])
    assert [paths[i] for i in chain] == [f"{top['seq']}.4", f"{top['seq']}.4.2"]
    assert all(path == str(seq) for path, seq in tops)


@pytest.mark.private_db
async def test_upgrade_gives_existing_plans_label_stems_in_issue_order(
    seeded_db: TestDatabase,
) -> None:
    """0023 fills plan.label_stem: the seed's plans keep their stems (2023大气, 2023水 …);
    plans that shared a year, field and kind with an earlier one get their government's
    name, a document's annex its action plan's stem, and a counter follows issue dates, not
    the order the rows were written in."""
    plan, document, unit = (models.metadata.tables[n] for n in ("plan", "document", "org_unit"))
    await seeded_db.engine.dispose()
    await asyncio.to_thread(downgrade, seeded_db.url, "0022")
    later = datetime(2030, 1, 1, tzinfo=UTC)
    written: dict[str, uuid.UUID] = {}
    async with seeded_db.engine.begin() as conn:
        names = dict((await conn.execute(sa.select(unit.c.name, unit.c.id))).all())

        async def add(
            name: str, issuer: str | None, issued_on: str, *plans: tuple[str, Any]
        ) -> None:
            doc_id = uuid.uuid4()
            stamps = {"created_at": later, "updated_at": later, "version": 1}
            await conn.execute(
                document.insert().values(
                    id=doc_id,
                    title=name,
                    kind="NOTICE",
                    issuer_id=None if issuer is None else names[issuer],
                    issued_on=date.fromisoformat(issued_on),
                    attributes={},
                    **stamps,
                )
            )
            for seq, (kind, year) in enumerate(plans, start=1):
                written[f"{name}/{kind}"] = plan_id = uuid.uuid4()
                await conn.execute(
                    plan.insert().values(
                        id=plan_id,
                        document_id=doc_id,
                        key=f"p{seq}",
                        title=name,
                        kind=kind,
                        field="AIR",
                        year=year,
                        seq=seq,
                        narrative=[],
                        **stamps,
                    )
                )

        # Written in this order; issued in another (undated-issuer 2023-11 before 2023-10).
        await add("november", None, "2023-11-01", ("ACTION_PLAN", 2023))
        await add("october", None, "2023-10-01", ("ACTION_PLAN", 2023))
        await add("city", "晋城市", "2023-08-01", ("ACTION_PLAN", 2023), ("PROJECT_LIST", 2023))
        await add("office", "城区人民政府办公室", "2023-09-01", ("ACTION_PLAN", None))
    seeded = {"air": "2023大气", "water": "2023水", "water-projects": "2023水", "soil": "2023土壤"}
    await seeded_db.engine.dispose()
    await asyncio.to_thread(upgrade, seeded_db.url)
    async with seeded_db.engine.connect() as conn:
        stems = dict((await conn.execute(sa.select(plan.c.id, plan.c.label_stem))).all())
        keys = dict((await conn.execute(sa.select(plan.c.key, plan.c.id))).all())
    assert {key: stems[keys[key]] for key in seeded} == seeded
    assert {name: stems[plan_id] for name, plan_id in written.items()} == {
        "city/ACTION_PLAN": "2023晋城大气",
        "city/PROJECT_LIST": "2023晋城大气",  # the annex pairs with its action plan
        "office/ACTION_PLAN": "2023城区大气",  # the office's government; the document's year
        "october/ACTION_PLAN": "2023大气(2)",  # no issuer: a counter, by issue date
        "november/ACTION_PLAN": "2023大气(3)",
    }
