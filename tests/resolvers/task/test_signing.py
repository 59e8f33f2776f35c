"""签收: signFor by the assigned unit, the issuer's list of unsigned (late) shares, refusals
that write nothing; and the sign-by rule's SQL twin agreeing with Python on both databases."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

import models
from api.db import create_engine
from api.settings import normalize_database_url
from models.rules.signing import is_unsigned_late, unsigned_late
from resolvers.common import decode_global_id
from tests.conftest import PG_URL, GraphQLClient, TestDatabase

TITLE = "南村铸造工业园区空气站"
ISSUER = "城区人民政府办公室"
SIGN = """
mutation ($a: ID!) { signFor(assignment: $a) {
  assignment { id acknowledgedAt unit { name } } errors { code field } } }
"""
UNSIGNED = """
query ($late: Boolean!, $by: UnitParty) {
  unsignedAssignments(late: $late, issuedBy: $by, first: 100) {
    totalCount edges { node { id unit { name } task { title } } } } }
"""
COUNTED = ("audit_event", "outbox_event", "change_log")


async def _as(client: GraphQLClient, name: str, role: str) -> GraphQLClient:
    data = await client.query("query ($n: String!) { orgUnit(name: $n) { id } }", {"n": name})
    return client.as_viewer(decode_global_id(data["orgUnit"]["id"]), role)


async def _share(client: GraphQLClient, unit: str = "南村镇") -> str:
    data = await client.query(
        "query ($t: String!) { tasks(filter: {text: $t}) { edges { node {"
        " assignments { id unit { name } } } } } }",
        {"t": TITLE},
    )
    node = data["tasks"]["edges"][0]["node"]
    share: str = next(a["id"] for a in node["assignments"] if a["unit"]["name"] == unit)
    return share


async def _counts(db: TestDatabase) -> dict[str, Any]:
    async with db.engine.connect() as conn:
        counts: dict[str, Any] = {
            name: int((await conn.execute(sa.text(f"SELECT count(*) FROM {name}"))).scalar())
            for name in COUNTED
        }
        counts["signed"] = (
            await conn.execute(
                sa.text("SELECT count(*) FROM assignment WHERE acknowledged_at IS NOT NULL")
            )
        ).scalar()
    return counts


async def _age(db: TestDatabase, share: str, days: int) -> None:
    """Make the share `days` old (assigned then)."""
    async with db.engine.begin() as conn:
        table = models.metadata.tables["assignment"]
        await conn.execute(
            table.update()
            .where(table.c.id == decode_global_id(share, "Assignment"))
            .values(created_at=datetime.now(UTC) - timedelta(days=days))
        )


async def test_sign_for_and_the_issuers_list_of_late_shares(
    client: GraphQLClient, seeded_db: TestDatabase
) -> None:
    share = await _share(client)
    office = await _as(client, ISSUER, "COORDINATOR")

    async def count(late: bool, by: str | None = "ME", viewer: GraphQLClient = office) -> int:
        data = await viewer.query(UNSIGNED, {"late": late, "by": by})
        total: int = data["unsignedAssignments"]["totalCount"]
        return total

    # The seed's shares were assigned in 2023 and nobody signed: all late.
    unsigned = await count(False)
    assert unsigned > 0
    assert await count(True) == unsigned
    await _age(seeded_db, share, 1)  # assigned yesterday: 3 days to sign, not late
    assert await count(True) == unsigned - 1
    await _age(seeded_db, share, 10)  # assigned 10 days ago: late
    assert await count(True) == unsigned
    town = await _as(client, "南村镇", "REPORTER")
    assert await count(True, None, town) > 0  # a unit sees its own late shares
    assert await count(True, "ME", town) == 0  # it issued none of them

    before = await _counts(seeded_db)
    signed = (await town.query(SIGN, {"a": share}))["signFor"]
    assert signed["errors"] == []
    assert signed["assignment"]["acknowledgedAt"] is not None
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
    again = (await town.query(SIGN, {"a": share}))["signFor"]
    assert again["errors"] == []
    assert again["assignment"]["acknowledgedAt"] == signed["assignment"]["acknowledgedAt"]
    assert await _counts(seeded_db) == after  # signing again writes nothing
    assert await count(True) == unsigned - 1
    assert await count(False) == unsigned - 1


async def test_wrong_signers_write_nothing(client: GraphQLClient, seeded_db: TestDatabase) -> None:
    share = await _share(client)
    before = await _counts(seeded_db)
    cases = [
        ("南村镇", "VIEWER", "FORBIDDEN"),
        ("城区", "COORDINATOR", "FORBIDDEN"),  # above the unit, not the unit
        (ISSUER, "COORDINATOR", "FORBIDDEN"),  # the issuer does not sign for a lead
        ("城区生态环境分局", "REPORTER", "FORBIDDEN"),  # a co-lead
        ("钟家庄街道", "REPORTER", "NOT_FOUND"),
    ]
    for unit, role, code in cases:
        viewer = await _as(client, unit, role)
        result = (await viewer.query(SIGN, {"a": share}))["signFor"]
        assert result["assignment"] is None
        assert [e["code"] for e in result["errors"]] == [code], (unit, role)
    assert await _counts(seeded_db) == before


ASSIGNED = [
    datetime(2023, 3, 1, 15, 59, tzinfo=UTC),  # 23:59 in Shanghai: 3 月 1 日
    datetime(2023, 3, 1, 16, 1, tzinfo=UTC),  # 00:01 on 3 月 2 日
    datetime(2023, 2, 27, 0, 0, tzinfo=UTC),
]
DAYS = [0, 1, 3, 5]
AS_OF = [date(2023, 3, d) for d in (1, 2, 3, 4, 5, 6, 7)]


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("sqlite+aiosqlite:///:memory:", id="sqlite"),
        pytest.param(normalize_database_url(PG_URL), id="postgresql", marks=pytest.mark.postgres),
    ],
)
def test_the_sql_sign_by_rule_agrees_with_python(url: str) -> None:
    cases = [(None, t, d, a) for t in ASSIGNED for d in DAYS for a in AS_OF]
    cases += [(ASSIGNED[0], ASSIGNED[0], 0, date(2023, 3, 7))]  # signed: never late

    async def evaluate() -> list[bool]:
        engine = create_engine(url)
        try:
            async with engine.connect() as conn:
                row = (
                    await conn.execute(
                        sa.select(
                            *(
                                unsigned_late(
                                    sa.literal(ack, sa.DateTime(timezone=True)),
                                    sa.literal(at, sa.DateTime(timezone=True)),
                                    sa.literal(days, sa.Integer),
                                    as_of,
                                )
                                for ack, at, days, as_of in cases
                            )
                        )
                    )
                ).one()
        finally:
            await engine.dispose()
        return [bool(v) for v in row]

    got = asyncio.run(evaluate())
    assert got == [is_unsigned_late(*case) for case in cases]
    assert any(got)
    assert not all(got)
