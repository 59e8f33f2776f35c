"""Migrations are the schema: upgrade/downgrade round trips and no drift from the models."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection

import models
from api.migrate import downgrade, upgrade
from tests.conftest import TestDatabase


def _diff(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, models.metadata))


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
