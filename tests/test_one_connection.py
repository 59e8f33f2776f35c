"""The PostgreSQL fast path of the fixtures (tests/one_connection.py) isolates tests."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from api.db import create_engine
from tests.conftest import Goldens, TestDatabase, open_database
from tests.one_connection import SecondConnectionError

pytestmark = pytest.mark.postgres
ON_POSTGRESQL = pytest.mark.parametrize("seeded_db", ["postgresql"], indirect=True)

TITLE = "fast-path-probe"


@ON_POSTGRESQL
async def test_commits_are_undone_after_the_test_and_sequences_reset(
    seeded_db: TestDatabase, goldens: Goldens
) -> None:
    async def write() -> tuple[int, int]:
        async with open_database("postgresql", goldens, "seeded") as db:
            async with db.engine.begin() as conn:  # the app's commit: a savepoint released
                await conn.execute(sa.text("UPDATE plan SET title = :t"), {"t": TITLE})
            async with db.engine.connect() as conn:
                seen = await conn.scalar(
                    sa.text("SELECT count(*) FROM plan WHERE title = :t"), {"t": TITLE}
                )
                seq = await conn.scalar(sa.text("SELECT nextval('change_log_seq_seq')"))
            return int(seen), int(seq)

    first = await write()
    assert first[0] > 0
    assert await write() == first  # the same rows and the same next seq: nothing leaked
    async with seeded_db.engine.connect() as conn:
        left = await conn.scalar(
            sa.text("SELECT count(*) FROM plan WHERE title = :t"), {"t": TITLE}
        )
    assert left == 0


@ON_POSTGRESQL
async def test_a_failed_statement_leaves_the_test_transaction_usable(
    seeded_db: TestDatabase,
) -> None:
    for options in ({}, {"isolation_level": "AUTOCOMMIT"}, {"isolation_level": "REPEATABLE READ"}):
        async with seeded_db.engine.connect() as conn:
            conn = await conn.execution_options(**options)
            with pytest.raises(sa.exc.DBAPIError):
                await conn.execute(sa.text("SELECT 1 / 0"))
        async with seeded_db.engine.connect() as conn:
            assert await conn.scalar(sa.text("SELECT count(*) FROM plan")) > 0


async def test_a_second_connection_at_once_is_refused(goldens: Goldens) -> None:
    async def hold_two() -> None:
        async with open_database("postgresql", goldens, "seeded") as db:
            async with db.engine.connect() as conn:
                await conn.execute(sa.text("SELECT 1"))
                with pytest.raises(SecondConnectionError):
                    await db.engine.connect()

    if goldens.shared is None:
        pytest.skip("PostgreSQL unreachable (outside CI)")
    with pytest.raises(pytest.fail.Exception, match="private_db"):
        await hold_two()


@ON_POSTGRESQL
async def test_the_url_names_no_database(seeded_db: TestDatabase) -> None:
    engine = create_engine(seeded_db.url)
    try:
        with pytest.raises(sa.exc.DBAPIError, match="private_db"):
            async with engine.connect():
                pass
    finally:
        await engine.dispose()
