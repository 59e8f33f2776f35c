"""Monthly partitions of progress_report, audit_event and change_log on PostgreSQL
(migration 0040, resolvers/partitions.py, `govgraph partitions`); SQLite is unchanged."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

import models
from api.cli import main as cli_main
from api.migrate import downgrade, upgrade
from models.partitioning import (
    PARTITIONED,
    dependents,
    month_of,
    next_month,
    partition_name,
    period_of,
)
from models.rules import calendar
from resolvers import partitions
from tests.conftest import Goldens, TestDatabase, graphql_client, open_database

report_t, status_t = (
    models.metadata.tables["progress_report"],
    models.metadata.tables["assignment_status_event"],
)
audit_t, evidence_t = models.metadata.tables["audit_event"], models.metadata.tables["evidence_file"]
log_t, log_unit_t = models.metadata.tables["change_log"], models.metadata.tables["change_log_unit"]

NOW = datetime.now(UTC)
OLD = datetime(2024, 1, 15, 3, tzinfo=UTC)  # a month well past 180 days
RECENT = NOW - timedelta(days=10)
FAR = datetime(2035, 5, 20, 3, tzinfo=UTC)  # no partition yet: the default one catches it


@pytest.fixture
async def pg_seeded(goldens: Goldens) -> AsyncIterator[TestDatabase]:
    """A private clone of the seeded PostgreSQL database (partition DDL, other engines)."""
    async with open_database("postgresql", goldens, "seeded", private=True) as db:
        yield db


pytestmark = pytest.mark.private_db


async def _where(conn: Any, table: str, key: str, value: Any) -> str:
    """The partition a row is stored in."""
    return str(
        await conn.scalar(
            sa.text(f"SELECT tableoid::regclass::text FROM {table} WHERE {key} = :v"), {"v": value}
        )
    )


async def _write_history(conn: Any, at: list[datetime]) -> dict[str, list[Any]]:
    """A progress report, its status event, an evidence file, an audit event and a change-log
    entry (with a unit) at each instant."""
    assignment, unit = (
        await conn.execute(sa.text("SELECT id, org_unit_id FROM assignment ORDER BY id LIMIT 1"))
    ).one()
    out: dict[str, list[Any]] = {"reports": [], "audits": [], "seqs": []}
    for n, moment in enumerate(at):
        report = uuid.uuid4()
        await conn.execute(
            report_t.insert().values(
                id=report, assignment_id=assignment, reported_at=moment, percent=10 + n,
                status="IN_PROGRESS", evidence=[], created_at=moment,
            )
        )  # fmt: skip
        await conn.execute(
            status_t.insert().values(
                id=uuid.uuid4(), assignment_id=assignment, report_id=report,
                effective_at=moment, status="IN_PROGRESS", progress=10 + n,
            )
        )  # fmt: skip
        await conn.execute(
            evidence_t.insert().values(
                id=uuid.uuid4(), progress_report_id=report, assignment_id=assignment,
                name="a.pdf", content_type="application/pdf", size=3, sha256="a" * 64,
                storage_key=f"k{n}", uploaded_at=moment,
            )
        )  # fmt: skip
        audit = uuid.uuid4()
        await conn.execute(
            audit_t.insert().values(
                id=audit, actor="t", action="TEST", target_type="task", occurred_at=moment,
                scope_unit_id=unit,
            )
        )  # fmt: skip
        seq = (
            await conn.execute(
                log_t.insert()
                .values(object_type="TASK", object_id=uuid.uuid4(), changed_at=moment)
                .returning(log_t.c.seq)
            )
        ).scalar_one()
        await conn.execute(log_unit_t.insert().values(seq=seq, org_unit_id=unit))
        out["reports"].append(report)
        out["audits"].append(audit)
        out["seqs"].append(seq)
    return out


async def _counts(conn: Any) -> dict[str, int]:
    names = ["progress_report", "audit_event", "change_log", "change_log_unit", "evidence_file"]
    return {t: int(await conn.scalar(sa.text(f"SELECT count(*) FROM {t}"))) for t in names}


async def _kind(conn: Any, table: str) -> str:
    return str(
        await conn.scalar(
            sa.text(f"SELECT relkind::text FROM pg_class WHERE oid = '{table}'::regclass")
        )
    )


@pytest.mark.postgres
async def test_migration_converts_existing_rows_in_place(pg_seeded: TestDatabase) -> None:
    """Down to 0039 (before the partitions), history written, up again: every row is kept
    with its id, in the partition of its month (or the default one), the sequence goes on,
    and the foreign keys into the tables hold as triggers (cascade, refusal of dangling
    references)."""
    db = pg_seeded
    await db.engine.dispose()
    await asyncio.to_thread(downgrade, db.url, "0039")
    async with db.engine.begin() as conn:
        assert await _kind(conn, "progress_report") == "r"
        written = await _write_history(conn, [OLD, RECENT, FAR])
        before = await _counts(conn)
        ids = set((await conn.execute(sa.select(report_t.c.id))).scalars())
        last_seq = await conn.scalar(sa.select(sa.func.max(log_t.c.seq)))
    await db.engine.dispose()
    await asyncio.to_thread(upgrade, db.url)
    zone = calendar.zone()
    async with db.engine.begin() as conn:
        for table in PARTITIONED:
            assert await _kind(conn, table) == "p"
        assert await _counts(conn) == before
        assert set((await conn.execute(sa.select(report_t.c.id))).scalars()) == ids
        old, recent, far = written["reports"]
        assert await _where(conn, "progress_report", "id", old) == "progress_report_p2024"
        assert await _where(conn, "progress_report", "id", recent) == partition_name(
            "progress_report", period_of(RECENT, zone, 12)
        )
        assert await _where(conn, "progress_report", "id", far) == "progress_report_default"
        assert (
            await _where(conn, "audit_event", "id", written["audits"][0]) == "audit_event_p2024_01"
        )
        assert await _where(conn, "change_log", "seq", written["seqs"][0]) == "change_log_p2024_01"
        seq = (
            await conn.execute(
                log_t.insert()
                .values(object_type="TASK", object_id=uuid.uuid4(), changed_at=NOW)
                .returning(log_t.c.seq)
            )
        ).scalar_one()
        assert seq > last_seq
        # ON DELETE CASCADE of evidence_file and change_log_unit, by trigger
        await conn.execute(
            sa.text("DELETE FROM evidence_file WHERE progress_report_id = :r"), {"r": old}
        )
        await conn.execute(
            sa.text("DELETE FROM assignment_status_event WHERE report_id = :r"), {"r": old}
        )
        await conn.execute(report_t.delete().where(report_t.c.id == old))
        await conn.execute(log_t.delete().where(log_t.c.seq == written["seqs"][0]))
        assert (
            await conn.scalar(
                sa.select(sa.func.count()).where(log_unit_t.c.seq == written["seqs"][0])
            )
            == 0
        )
        await conn.execute(status_t.delete().where(status_t.c.report_id == far))
        await conn.execute(report_t.delete().where(report_t.c.id == far))
        assert (
            await conn.scalar(
                sa.select(sa.func.count()).where(evidence_t.c.progress_report_id == far)
            )
            == 0
        )


@pytest.mark.postgres
async def test_references_into_partitioned_tables_are_checked(pg_seeded: TestDatabase) -> None:
    """A dangling reference is refused at commit (23503), as a foreign key would; so is
    deleting a report its status history still names."""
    async with pg_seeded.engine.begin() as conn:
        written = await _write_history(conn, [RECENT])
    assignment = await _scalar(pg_seeded, "SELECT assignment_id FROM progress_report LIMIT 1")
    with pytest.raises(IntegrityError, match="foreign key"):
        async with pg_seeded.engine.begin() as conn:
            await conn.execute(
                evidence_t.insert().values(
                    id=uuid.uuid4(), progress_report_id=uuid.uuid4(), assignment_id=assignment,
                    name="b.pdf", content_type="application/pdf", size=3, sha256="b" * 64,
                    storage_key="kb", uploaded_at=NOW,
                )
            )  # fmt: skip
    with pytest.raises(IntegrityError, match="foreign key"):
        async with pg_seeded.engine.begin() as conn:
            await conn.execute(
                log_unit_t.insert().values(
                    seq=10**12,
                    org_unit_id=await conn.scalar(sa.text("SELECT id FROM org_unit LIMIT 1")),
                )
            )
    with pytest.raises(IntegrityError, match="still referenced"):
        async with pg_seeded.engine.begin() as conn:
            await conn.execute(report_t.delete().where(report_t.c.id == written["reports"][0]))
    async with pg_seeded.engine.connect() as conn:
        assert (
            await conn.scalar(
                sa.select(sa.func.count()).where(report_t.c.id == written["reports"][0])
            )
            == 1
        )


async def _scalar(db: TestDatabase, sql: str) -> Any:
    async with db.engine.connect() as conn:
        return await conn.scalar(sa.text(sql))


@pytest.mark.postgres
async def test_ensure_creates_months_ahead_and_splits_the_default_partition(
    pg_seeded: TestDatabase,
) -> None:
    zone = calendar.zone()
    async with pg_seeded.engine.begin() as conn:
        written = await _write_history(conn, [FAR])
        assert (
            await _where(conn, "audit_event", "id", written["audits"][0]) == "audit_event_default"
        )
    async with pg_seeded.engine.begin() as conn:  # the daily run: months ahead, rows stay
        daily = {r.table: r for r in await partitions.daily(conn, months_ahead=5)}
    assert daily["audit_event"].moved == 0
    ahead = month_of(NOW, zone)
    for _ in range(5):
        ahead = next_month(ahead)
    assert partition_name("audit_event", ahead) in daily["audit_event"].created
    async with pg_seeded.engine.connect() as conn:
        before = await _counts(conn)
        assert (
            await _where(conn, "audit_event", "id", written["audits"][0]) == "audit_event_default"
        )
    async with pg_seeded.engine.begin() as conn:
        done = {r.table: r for r in await partitions.ensure(conn, months_ahead=5)}
    for table in PARTITIONED:
        assert done[table].moved == 1
        yearly = PARTITIONED[table].months == 12
        assert done[table].created == [f"{table}_p2035" if yearly else f"{table}_p2035_05"]
    async with pg_seeded.engine.begin() as conn:
        assert await _counts(conn) == before  # moved, nothing lost, no cascade fired
        assert (
            await _where(conn, "audit_event", "id", written["audits"][0]) == "audit_event_p2035_05"
        )
        assert (
            await _where(conn, "progress_report", "id", written["reports"][0])
            == "progress_report_p2035"
        )
        assert await _where(conn, "change_log", "seq", written["seqs"][0]) == "change_log_p2035_05"
        assert await conn.scalar(sa.text("SELECT count(*) FROM audit_event_default")) == 0
        again = await partitions.ensure(conn, months_ahead=5)
        assert all(not r.created and not r.moved for r in again)  # idempotent


@pytest.mark.postgres
async def test_prune_drops_whole_months_past_retention(pg_seeded: TestDatabase) -> None:
    zone = calendar.zone()
    async with pg_seeded.engine.begin() as conn:
        written = await _write_history(conn, [OLD, RECENT])
        await partitions.ensure(conn, months_ahead=1)
    retention = {"audit_event": 180, "progress_report": 365, "change_log": None}
    async with pg_seeded.engine.begin() as conn:
        planned = {r.table: r for r in await partitions.prune(conn, retention, dry_run=True)}
    assert "audit_event_p2024_01" in planned["audit_event"].dropped
    assert planned["progress_report"].dependents == {
        "assignment_status_event.report_id": 1,
        "comment.progress_report_id": 0,  # no comment on the old report
        "evidence_file.progress_report_id": 1,
    }
    async with pg_seeded.engine.connect() as conn:
        assert (
            await _where(conn, "audit_event", "id", written["audits"][0]) == "audit_event_p2024_01"
        )
    async with pg_seeded.engine.begin() as conn:
        done = {r.table: r for r in await partitions.prune(conn, retention)}
    assert "change_log" not in done  # kept forever
    recent_month = partition_name("audit_event", month_of(RECENT, zone))
    assert recent_month not in done["audit_event"].dropped
    async with pg_seeded.engine.connect() as conn:
        left = (await conn.execute(sa.select(audit_t.c.id))).scalars().all()
        assert written["audits"][0] not in left
        assert written["audits"][1] in left
        reports = (await conn.execute(sa.select(report_t.c.id))).scalars().all()
        assert written["reports"][0] not in reports
        assert written["reports"][1] in reports
        # the history stays, unlinked from the dropped report; its evidence went with it
        assert (
            await conn.scalar(
                sa.select(sa.func.count()).where(
                    status_t.c.report_id.is_(None), status_t.c.progress == 10
                )
            )
            >= 1
        )
        assert (
            await conn.scalar(
                sa.select(sa.func.count()).where(
                    evidence_t.c.progress_report_id == written["reports"][0]
                )
            )
            == 0
        )
        assert (
            await conn.scalar(sa.select(sa.func.count()).where(log_t.c.seq == written["seqs"][0]))
            == 1
        )
        assert await conn.scalar(sa.text("SELECT to_regclass('audit_event_default')")) is not None


def test_retention_refuses_less_than_180_days_of_audit() -> None:
    assert partitions.retention_from_env({}) == {
        "progress_report": None,
        "audit_event": 180,
        "change_log": None,
    }
    for value in ("179", "30", "0", "-5"):
        with pytest.raises(partitions.RetentionRefused, match="at least 180"):
            partitions.retention_from_env({"GOVGRAPH_RETENTION_AUDIT_DAYS": value})
    with pytest.raises(partitions.RetentionRefused):
        partitions.retention_from_env({"GOVGRAPH_RETENTION_REPORTS_DAYS": "soon"})
    assert partitions.retention_from_env(
        {"GOVGRAPH_RETENTION_AUDIT_DAYS": "forever", "GOVGRAPH_RETENTION_REPORTS_DAYS": "3650"}
    ) == {"progress_report": 3650, "audit_event": None, "change_log": None}
    assert [(d.table, d.column, d.on_delete) for d in dependents("progress_report")] == [
        ("assignment_status_event", "report_id", ""),
        ("comment", "progress_report_id", "CASCADE"),
        ("evidence_file", "progress_report_id", "CASCADE"),
    ]


@pytest.mark.postgres
async def test_prune_command_refuses_short_audit_retention_and_drops_nothing(
    pg_seeded: TestDatabase, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    async with pg_seeded.engine.begin() as conn:
        written = await _write_history(conn, [OLD])
    async with pg_seeded.engine.begin() as conn:
        await partitions.ensure(conn, months_ahead=1)  # the default partition split
    await pg_seeded.engine.dispose()
    url = pg_seeded.url
    monkeypatch.setenv("GOVGRAPH_RETENTION_AUDIT_DAYS", "90")
    code = await asyncio.to_thread(cli_main, ["partitions", "prune", "--database-url", url])
    assert code == 2
    assert "at least 180 days" in capsys.readouterr().err
    async with pg_seeded.engine.connect() as conn:
        assert await conn.scalar(sa.text("SELECT to_regclass('audit_event_p2024_01')")) is not None
    monkeypatch.setenv("GOVGRAPH_RETENTION_AUDIT_DAYS", "180")
    code = await asyncio.to_thread(cli_main, ["partitions", "prune", "--database-url", url])
    assert code == 0
    assert "audit_event (kept 180 days): dropped" in capsys.readouterr().out
    async with pg_seeded.engine.connect() as conn:
        assert await conn.scalar(sa.text("SELECT to_regclass('audit_event_p2024_01')")) is None
        assert (
            await conn.scalar(
                sa.select(sa.func.count()).where(report_t.c.id == written["reports"][0])
            )
            == 1
        )  # progress reports: kept forever by default
    code = await asyncio.to_thread(
        cli_main, ["partitions", "ensure", "--months-ahead", "2", "--database-url", url]
    )
    assert code == 0
    assert "progress_report: created" in capsys.readouterr().out


REPORT = """
mutation ($input: ReportProgressInput!) {
  reportProgress(input: $input) { report { percent } errors { code } }
}
"""


@pytest.mark.postgres
async def test_writes_through_graphql_land_in_this_months_partition(
    pg_seeded: TestDatabase,
) -> None:
    async with pg_seeded.engine.begin() as conn:
        await partitions.ensure(conn, months_ahead=1)
        assignment, unit = (
            await conn.execute(
                sa.text(
                    "SELECT a.id, a.org_unit_id FROM assignment a"
                    " WHERE a.role = 'LEAD' AND a.status <> 'COMPLETED' ORDER BY a.id LIMIT 1"
                )
            )
        ).one()
    from resolvers.common import global_id

    async with graphql_client(pg_seeded) as client:
        data = await client.as_viewer(unit).query(
            REPORT,
            {"input": {"assignment": global_id("Assignment", assignment), "percent": 55}},
        )
    assert data["reportProgress"]["errors"] == []
    month = month_of(datetime.now(UTC), calendar.zone())
    year = period_of(datetime.now(UTC), calendar.zone(), 12)
    async with pg_seeded.engine.connect() as conn:
        report = await conn.scalar(
            sa.select(report_t.c.id).where(
                report_t.c.assignment_id == assignment, report_t.c.percent == 55
            )
        )
        assert await _where(conn, "progress_report", "id", report) == partition_name(
            "progress_report", year
        )
        audit = await conn.scalar(
            sa.select(audit_t.c.id).order_by(audit_t.c.occurred_at.desc()).limit(1)
        )
        assert await _where(conn, "audit_event", "id", audit) == partition_name(
            "audit_event", month
        )
        seq = await conn.scalar(sa.select(sa.func.max(log_t.c.seq)))
        assert await _where(conn, "change_log", "seq", seq) == partition_name("change_log", month)


async def test_sqlite_tables_stay_plain(seeded_db: TestDatabase) -> None:
    """SQLite (and any database not partitioned): ensure and prune have nothing to do."""
    async with seeded_db.engine.begin() as conn:
        if seeded_db.dialect == "sqlite":
            assert await partitions.ensure(conn, months_ahead=2) == []
            assert await partitions.prune(conn, {"audit_event": 180}) == []
            for table in PARTITIONED:
                assert not await partitions.is_partitioned(conn, table)
        else:
            for table in PARTITIONED:
                assert await partitions.is_partitioned(conn, table)


async def _enabled_key_checks(db: TestDatabase) -> list[tuple[str, str]]:
    async with db.engine.connect() as conn:
        rows = await conn.execute(
            sa.text(
                "SELECT tgname, tgenabled::text FROM pg_trigger"
                " WHERE tgname LIKE 'gg_fk_check_%' AND NOT tgisinternal ORDER BY 1"
            )
        )
        return [(r.tgname, r.tgenabled) for r in rows]


async def test_a_bulk_load_checks_its_keys_set_based_and_rolls_back_an_orphan(
    pg_seeded: TestDatabase,
) -> None:
    """`govgraph generate`'s bulk load: the per-row key checks are off while it writes and one
    anti-join per key runs before commit. A load with a dangling reference rolls back whole;
    either way every check trigger is enabled again afterwards."""
    before = await _enabled_key_checks(pg_seeded)
    assert before
    assert {state for _, state in before} == {"O"}  # enabled (origin and local)
    async with pg_seeded.engine.connect() as conn:
        found = await partitions.key_checks(conn)
    assert {(c.child, c.column, c.table) for c in found} >= {
        ("assignment_status_event", "report_id", "progress_report"),
        ("evidence_file", "progress_report_id", "progress_report"),
    }
    assert all(c.parent_column in ("id", "seq") for c in found)

    async with pg_seeded.engine.begin() as conn, partitions.bulk_key_checks(conn):
        written = await _write_history(conn, [RECENT])
        states = await conn.execute(
            sa.text(
                "SELECT DISTINCT tgenabled::text FROM pg_trigger WHERE tgname LIKE 'gg_fk_check_%'"
            )
        )
        assert {r[0] for r in states} == {"D"}  # off while loading
    assert (
        await _scalar(
            pg_seeded, f"SELECT count(*) FROM progress_report WHERE id = '{written['reports'][0]}'"
        )
        == 1
    )
    assert await _enabled_key_checks(pg_seeded) == before

    assignment = await _scalar(pg_seeded, "SELECT assignment_id FROM progress_report LIMIT 1")
    files = await _scalar(pg_seeded, "SELECT count(*) FROM evidence_file")
    with pytest.raises(RuntimeError, match="is not present in table"):
        async with pg_seeded.engine.begin() as conn, partitions.bulk_key_checks(conn):
            await conn.execute(
                evidence_t.insert().values(
                    id=uuid.uuid4(), progress_report_id=uuid.uuid4(), assignment_id=assignment,
                    name="o.pdf", content_type="application/pdf", size=3, sha256="o" * 64,
                    storage_key="ko", uploaded_at=NOW,
                )
            )  # fmt: skip
    assert await _scalar(pg_seeded, "SELECT count(*) FROM evidence_file") == files
    assert await _enabled_key_checks(pg_seeded) == before
