"""签收 of rectification shares (issue 17): each responsible unit signs for its own share of
an item (signFor(share:)); the issuer lists what nobody signed for (unsignedShares, with the
task shares); `govgraph escalate-overdue` urges a late 签收 once per share (催办, cause
UNSIGNED), also when runs race; refusals write nothing.

Item 8 of the seed list (10 rural sewage plants) names 西上庄 and 钟家庄街道; the seed's
shares were assigned with the 2023 document and nobody signed: all are late today.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa

from api.cli_ops import _escalate, run_command
from models.rules import calendar
from resolvers.common import decode_global_id, global_id
from resolvers.escalation.policy import DEFAULT_POLICY
from resolvers.escalation.service import escalate_overdue
from resolvers.service_context import ServiceContext
from resolvers.unit_of_work import UnitOfWork
from tests.conftest import GraphQLClient, TestDatabase
from tests.resolvers.inspection.test_shares import XI, ZHONG
from tests.resolvers.inspection.test_transitions import _item, _viewer

SIGN = """
mutation ($a: ID, $s: ID) { signFor(assignment: $a, share: $s) {
  assignment { id } share { id acknowledgedAt unit { name } rectification { seq } }
  errors { code field message } } }
"""
SHARES = """
query ($id: ID!) { node(id: $id) { ... on Rectification {
  shares { id unit { name } assignedAt acknowledgedAt signBy } } } }
"""
UNSIGNED = """
query ($late: Boolean!, $by: UnitParty, $kinds: [SignableKind!]) {
  unsignedShares(late: $late, issuedBy: $by, kinds: $kinds, first: 100) {
    totalCount
    edges { node { __typename
      ... on RectificationShare { id responsible: unit { name } rectification { seq } }
      ... on Assignment { id unit { name } } } } } }
"""
TABLES = ("audit_event", "outbox_event", "change_log", "escalation")


async def _shares(client: GraphQLClient, seq: int = 8) -> dict[str, dict[str, Any]]:
    item = (await _item(client, seq))["id"]
    node = (await client.query(SHARES, {"id": item}))["node"]
    return {s["unit"]["name"]: s for s in node["shares"]}


async def _issuer(client: GraphQLClient, db: TestDatabase, role: str = "COORDINATOR") -> Any:
    """The item list's issuer (the 整改方案's issuing government) as a viewer."""
    async with db.engine.connect() as conn:
        issuer = (
            await conn.execute(
                sa.text(
                    "SELECT d.issuer_id FROM rectification r JOIN document d"
                    " ON d.id = r.document_id WHERE r.seq = 8"
                ).columns(issuer_id=sa.Uuid())
            )
        ).scalar_one()
    return client.as_viewer(issuer, role)


async def _counts(db: TestDatabase) -> dict[str, Any]:
    async with db.engine.connect() as conn:
        out: dict[str, Any] = {
            t: (await conn.execute(sa.text(f"SELECT count(*) FROM {t}"))).scalar() for t in TABLES
        }
        out["signed"] = (
            await conn.execute(
                sa.text(
                    "SELECT count(*) FROM rectification_assignment"
                    " WHERE acknowledged_at IS NOT NULL"
                )
            )
        ).scalar()
        out["tasks_signed"] = (
            await conn.execute(
                sa.text("SELECT count(*) FROM assignment WHERE acknowledged_at IS NOT NULL")
            )
        ).scalar()
    return out


async def _unsigned(viewer: GraphQLClient, **variables: Any) -> dict[str, Any]:
    defaults: dict[str, Any] = {"late": True, "by": None, "kinds": None}
    data = await viewer.query(UNSIGNED, defaults | variables)
    return dict(data["unsignedShares"])


async def test_a_unit_signs_for_its_share_and_the_issuer_sees_what_is_unsigned(
    client: GraphQLClient, seeded_db: TestDatabase
) -> None:
    shares = await _shares(client)
    xi, zhong = shares[XI], shares[ZHONG]
    assert xi["acknowledgedAt"] is None
    assert xi["assignedAt"] is not None
    assert date.fromisoformat(xi["signBy"]) < calendar.today()  # late
    issuer = await _issuer(client, seeded_db)

    mine = await _unsigned(issuer, by="ME", kinds=["RECTIFICATION"])
    ids = [e["node"]["id"] for e in mine["edges"]]
    assert xi["id"] in ids
    assert zhong["id"] in ids
    assert {e["node"]["__typename"] for e in mine["edges"]} == {"RectificationShare"}
    # Both kinds together: the task shares and the items' shares, one list.
    everything = await _unsigned(client, late=False)
    tasks = await _unsigned(client, late=False, kinds=["TASK"])
    items = await _unsigned(client, late=False, kinds=["RECTIFICATION"])
    assert everything["totalCount"] == tasks["totalCount"] + items["totalCount"]
    legacy = await client.query("{ unsignedAssignments(late: false) { totalCount } }")
    assert legacy["unsignedAssignments"]["totalCount"] == tasks["totalCount"]

    town = await _viewer(client, XI, "REPORTER")
    before = await _counts(seeded_db)
    signed = (await town.query(SIGN, {"s": xi["id"]}))["signFor"]
    assert signed["errors"] == []
    assert signed["assignment"] is None
    assert signed["share"]["id"] == xi["id"]
    assert signed["share"]["unit"] == {"name": XI}
    assert signed["share"]["rectification"] == {"seq": 8}
    assert signed["share"]["acknowledgedAt"] is not None
    after = await _counts(seeded_db)
    assert after["signed"] == before["signed"] + 1
    assert after["audit_event"] == before["audit_event"] + 1
    assert after["change_log"] > before["change_log"]
    async with seeded_db.engine.connect() as conn:
        audit = (
            await conn.execute(
                sa.text(
                    "SELECT target_type, actor_unit_id FROM audit_event WHERE action = 'signFor'"
                ).columns(actor_unit_id=sa.Uuid())
            )
        ).one()
        events = (
            await conn.execute(
                sa.text(
                    "SELECT count(*) FROM outbox_event WHERE event_type = 'assignment.acknowledged'"
                )
            )
        ).scalar()
    assert audit.target_type == "RectificationShare"
    assert events == 1
    # Again: a no-op answering with the share as signed.
    again = (await town.query(SIGN, {"s": xi["id"]}))["signFor"]
    assert again["errors"] == []
    assert again["share"]["acknowledgedAt"] == signed["share"]["acknowledgedAt"]
    assert await _counts(seeded_db) == after

    # Its own share only: 钟家庄's stays unsigned, and the item reads each share's own stamp.
    now = await _shares(client)
    assert now[XI]["acknowledgedAt"] == signed["share"]["acknowledgedAt"]
    assert now[ZHONG]["acknowledgedAt"] is None
    left = await _unsigned(issuer, by="ME", kinds=["RECTIFICATION"])
    assert left["totalCount"] == mine["totalCount"] - 1
    assert xi["id"] not in [e["node"]["id"] for e in left["edges"]]
    # The responsible unit sees its own unsigned shares; it issued none of them.
    z = await _viewer(client, ZHONG, "REPORTER")
    own = await _unsigned(z, kinds=["RECTIFICATION"])
    assert zhong["id"] in [e["node"]["id"] for e in own["edges"]]
    assert (await _unsigned(z, by="ME", kinds=["RECTIFICATION"]))["totalCount"] == 0


async def test_wrong_signers_and_inputs_write_nothing(
    client: GraphQLClient, seeded_db: TestDatabase
) -> None:
    shares = await _shares(client)
    xi = shares[XI]["id"]
    outsider = await _viewer(client, "南村镇", "REPORTER")
    item = (await _item(client, 8))["id"]
    assert (await outsider.query("query ($id: ID!) { node(id: $id) { id } }", {"id": item}))[
        "node"
    ] is None  # 南村镇 has no share of item 8
    task_share = await client.query("{ unsignedAssignments(first: 1) { edges { node { id } } } }")
    a_task_share = task_share["unsignedAssignments"]["edges"][0]["node"]["id"]
    before = await _counts(seeded_db)
    cases: list[tuple[str, str, dict[str, Any], str]] = [
        (XI, "VIEWER", {"s": xi}, "FORBIDDEN"),
        ("城区", "COORDINATOR", {"s": xi}, "FORBIDDEN"),  # above the unit, not the unit
        (ZHONG, "REPORTER", {"s": xi}, "FORBIDDEN"),  # a co-responsible unit
        ("南村镇", "REPORTER", {"s": xi}, "NOT_FOUND"),
        (XI, "REPORTER", {}, "INVALID_INPUT"),  # neither
        (XI, "REPORTER", {"s": xi, "a": a_task_share}, "INVALID_INPUT"),  # both
        (XI, "REPORTER", {"s": a_task_share}, "NOT_FOUND"),  # a task share as `share`
        (XI, "REPORTER", {"s": global_id("RectificationShare", uuid.uuid4())}, "NOT_FOUND"),
    ]
    for unit, role, variables, code in cases:
        viewer = await _viewer(client, unit, role)
        result = (await viewer.query(SIGN, {"a": None, "s": None} | variables))["signFor"]
        assert result["share"] is None
        assert result["assignment"] is None
        assert [e["code"] for e in result["errors"]] == [code], (unit, role, variables)
        assert all(e["message"] for e in result["errors"])
    assert await _counts(seeded_db) == before


async def _run(db: TestDatabase, day: date, dry_run: bool = False) -> list[dict[str, Any]]:
    async def body(ctx: ServiceContext, work: UnitOfWork) -> list[dict[str, Any]]:
        return await escalate_overdue(
            ctx, work.conn, as_of=day, policy=DEFAULT_POLICY, dry_run=dry_run
        )

    return await run_command(db.engine, "test", body, commit=not dry_run)


async def test_a_late_signature_is_urged_once_per_share(
    client: GraphQLClient, seeded_db: TestDatabase
) -> None:
    shares = await _shares(client)
    xi = decode_global_id(shares[XI]["id"], "RectificationShare")
    zhong = decode_global_id(shares[ZHONG]["id"], "RectificationShare")
    signer = await _viewer(client, ZHONG, "REPORTER")
    assert (await signer.query(SIGN, {"s": shares[ZHONG]["id"]}))["signFor"]["errors"] == []
    today = calendar.today()

    before = await _counts(seeded_db)
    dry = await _run(seeded_db, today, dry_run=True)
    assert await _counts(seeded_db) == before  # a dry run writes nothing
    planned = [r for r in dry if r["cause"] == "UNSIGNED"]
    assert xi in {r["rectification_assignment_id"] for r in planned}
    assert zhong not in {r["rectification_assignment_id"] for r in planned}  # signed

    first = await _run(seeded_db, today)
    urged = [r for r in first if r["cause"] == "UNSIGNED"]
    assert {r["id"] for r in urged}
    assert len(urged) == len(planned)
    row = next(r for r in urged if r["rectification_assignment_id"] == xi)
    assert row["level"] == "URGE"
    assert "逾期未签收" in row["reason"]
    again = await _run(seeded_db, today)
    assert [r for r in again if r["cause"] == "UNSIGNED"] == []
    async with seeded_db.engine.connect() as conn:
        rows = (
            await conn.execute(
                sa.text(
                    "SELECT level, addressed_to_id, status FROM escalation"
                    " WHERE cause = 'UNSIGNED' AND rectification_assignment_id = :s"
                ).bindparams(sa.bindparam("s", xi, type_=sa.Uuid()))
            )
        ).all()
    assert len(rows) == 1  # once, however often the command runs
    # The addressee finds it in its 督办 inbox, with its cause.
    town = await _viewer(client, XI, "REPORTER")
    inbox = await town.query(
        "{ escalations(addressedTo: ME, first: 100) { edges { node { level cause reason } } } }"
    )
    causes = [e["node"]["cause"] for e in inbox["escalations"]["edges"]]
    assert "UNSIGNED" in causes
    # Signing later does not undo the urge; a new run issues nothing more for it.
    assert (await town.query(SIGN, {"s": shares[XI]["id"]}))["signFor"]["errors"] == []


async def test_the_dry_run_prints_the_item_and_the_unit(
    seeded_db: TestDatabase, capsys: pytest.CaptureFixture[str]
) -> None:
    if seeded_db.dialect != "sqlite":
        pytest.skip("the command opens its own engine: a private SQLite copy is enough")
    before = await _counts(seeded_db)
    await _escalate(seeded_db.url, calendar.today(), None, True)
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if "逾期未签收" in line]
    assert any(XI in line and "整改8 " in line for line in lines)
    assert "UNSIGNED (逾期未签收) URGE" in out.splitlines()[-1]
    assert await _counts(seeded_db) == before


@pytest.mark.postgres
@pytest.mark.private_db
@pytest.mark.parametrize("seeded_db", ["postgresql"], indirect=True)
async def test_concurrent_signers_apply_once(
    client: GraphQLClient, seeded_db: TestDatabase
) -> None:
    share = (await _shares(client))[XI]["id"]
    town = await _viewer(client, XI, "REPORTER")
    before = await _counts(seeded_db)
    payloads = await asyncio.gather(*(town.query(SIGN, {"s": share}) for _ in range(20)))
    stamps = {p["signFor"]["share"]["acknowledgedAt"] for p in payloads}
    assert all(p["signFor"]["errors"] == [] for p in payloads)
    assert len(stamps) == 1
    after = await _counts(seeded_db)
    assert after["signed"] == before["signed"] + 1
    assert after["audit_event"] == before["audit_event"] + 1
    async with seeded_db.engine.connect() as conn:
        events = (
            await conn.execute(
                sa.text(
                    "SELECT count(*) FROM outbox_event WHERE event_type = 'assignment.acknowledged'"
                )
            )
        ).scalar()
    assert events == 1


@pytest.mark.postgres
@pytest.mark.private_db
@pytest.mark.parametrize("seeded_db", ["postgresql"], indirect=True)
async def test_concurrent_runs_urge_each_share_once(seeded_db: TestDatabase) -> None:
    day = calendar.today()
    runs = await asyncio.gather(*(_run(seeded_db, day) for _ in range(4)))
    async with seeded_db.engine.connect() as conn:
        held = (
            await conn.execute(
                sa.text(
                    "SELECT count(*), count(DISTINCT coalesce(assignment_id,"
                    " rectification_assignment_id)) FROM escalation WHERE cause = 'UNSIGNED'"
                )
            )
        ).one()
        rungs = (
            await conn.execute(
                sa.text(
                    "SELECT count(*) FROM (SELECT 1 FROM escalation WHERE cause = 'OVERDUE'"
                    " GROUP BY coalesce(assignment_id, rectification_id), addressed_to_id, level"
                    " HAVING count(*) > 1) dup"
                )
            )
        ).scalar()
        audits = (
            await conn.execute(
                sa.text("SELECT count(*) FROM audit_event WHERE action = 'escalate'")
            )
        ).scalar()
    total, distinct = held
    assert total > 0
    assert total == distinct
    assert rungs == 0  # each overdue rung once per share too
    urged = sum(r["cause"] == "UNSIGNED" for run in runs for r in run)
    assert urged == total  # the losers report (and audit) nothing they did not write
    assert audits == sum(len(run) for run in runs)
