"""考核 of rectifications (issue 17): RECTIFICATION_COMPLETED_ON_TIME / _COMPLETED_LATE /
_OVERDUE_DAY lines score each responsible unit's own share of an item — 甲镇 finishing its
share on time credits neither 乙镇's late share nor the item as a whole — as of a date, line
by line, ranked; a task line never counts an item."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest

from models.enums import OrgUnitKind
from resolvers.common import global_id
from tests import factories as f
from tests.conftest import GraphQLClient, TestDatabase

RUBRIC = """
mutation ($input: CreateScoreRubricInput!) { createScoreRubric(input: $input) {
  rubric { id rules { seq kind } } errors { code field } } }
"""
SCORE = """
query ($u: ID!, $r: ID!, $asOf: Date) {
  unitScore(unit: $u, rubric: $r, from: "2023-01-01", to: "2023-12-31", asOf: $asOf) {
    total lines { rule { seq kind } count points }
    items(first: 100) { totalCount edges { node {
      seq kind daysLate points unit { name } task { title }
      rectification { seq } share { state responsible: unit { name } } } } } } }
"""
RANKING = """
query ($r: ID!, $w: ID, $asOf: Date) {
  scoreRanking(rubric: $r, kind: TOWN, within: $w, from: "2023-01-01", to: "2023-12-31",
               asOf: $asOf) { rank total unit { name } } }
"""
RULES = [
    {"kind": "RECTIFICATION_COMPLETED_ON_TIME", "points": 2, "description": "整改按时完成加2分"},
    {"kind": "RECTIFICATION_COMPLETED_LATE", "points": 1, "description": "整改逾期完成加1分"},
    {
        "kind": "RECTIFICATION_OVERDUE_DAY",
        "points": -0.1,
        "cap": 5,
        "description": "整改每逾期一天扣0.1分，单项最多扣5分",
    },
    {"kind": "COMPLETED_ON_TIME", "points": 3, "description": "任务按时完成加3分"},
]


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 4, tzinfo=UTC)


@pytest.fixture
async def world(empty_db: TestDatabase) -> dict[str, Any]:
    """区 D, towns 甲镇 and 乙镇, an inspection of D with items: 1 (joint: 甲 done on time,
    乙 five days late, then verified as a whole), 2 (甲, still in progress, due 31 March),
    3 (甲, 长期坚持), 4 (甲: done, reopened by the supervisor, done again ten days late)."""
    async with empty_db.engine.begin() as conn:
        d = await f.create_unit(conn, "某区", OrgUnitKind.DISTRICT)
        t1 = await f.create_unit(conn, "甲镇", OrgUnitKind.TOWN, parent=d)
        t2 = await f.create_unit(conn, "乙镇", OrgUnitKind.TOWN, parent=d)
        inspection = await f.insert(
            conn,
            "inspection",
            id=uuid.uuid4(),
            name="某督察",
            inspector_id=None,
            subject_unit_id=d["id"],
            sunk_unit_ids=[],
            created_at=_noon(date(2023, 1, 5)),
            updated_at=_noon(date(2023, 1, 5)),
            version=1,
        )

        async def item(seq: int, end: date | None, *units: dict[str, Any]) -> list[Any]:
            rect = await f.insert(
                conn,
                "rectification",
                id=uuid.uuid4(),
                inspection_id=inspection["id"],
                seq=seq,
                problem=f"问题{seq}",
                measures=[],
                responsibility_unresolved=[],
                deadline_kind="BY_DATE" if end else "ONGOING",
                deadline_end=end,
                deadline_text="",
                status="NOT_STARTED",
                created_at=_noon(date(2023, 1, 10)),
                updated_at=_noon(date(2023, 1, 10)),
                version=1,
            )
            shares = []
            for n, unit in enumerate(units):
                shares.append(
                    await f.insert(
                        conn,
                        "rectification_assignment",
                        id=uuid.uuid4(),
                        rectification_id=rect["id"],
                        org_unit_id=unit["id"],
                        role="LEAD",
                        position=n,
                        status="NOT_STARTED",
                        version=1,
                        assigned_at=_noon(date(2023, 1, 10)),
                    )
                )
            return [rect, *shares]

        async def move(rect: Any, share: Any, frm: str, to: str, day: date) -> None:
            await f.insert(
                conn,
                "rectification_event",
                id=uuid.uuid4(),
                rectification_id=rect["id"],
                assignment_id=share["id"] if share else None,
                from_status=frm,
                to_status=to,
                occurred_at=_noon(day),
                evidence=[],
            )

        r1, a1, b1 = await item(1, date(2023, 6, 30), t1, t2)
        await move(r1, a1, "NOT_STARTED", "COMPLETED", date(2023, 6, 20))
        await move(r1, b1, "NOT_STARTED", "COMPLETED", date(2023, 7, 5))
        await move(r1, None, "COMPLETED", "VERIFIED", date(2023, 7, 10))
        r2, a2 = await item(2, date(2023, 3, 31), t1)
        await move(r2, a2, "NOT_STARTED", "IN_PROGRESS", date(2023, 3, 1))
        await item(3, None, t1)
        r4, a4 = await item(4, date(2023, 6, 30), t1)
        await move(r4, a4, "NOT_STARTED", "COMPLETED", date(2023, 5, 1))
        await move(r4, None, "COMPLETED", "REOPENED", date(2023, 5, 10))
        await move(r4, a4, "REOPENED", "COMPLETED", date(2023, 7, 10))
        # Present states as the service writes them.
        for share, state in (
            (a1, "VERIFIED"),
            (b1, "VERIFIED"),
            (a2, "IN_PROGRESS"),
            (a4, "COMPLETED"),
        ):
            await conn.execute(
                f.table("rectification_assignment")
                .update()
                .where(f.table("rectification_assignment").c.id == share["id"])
                .values(status=state)
            )
    return {"D": d, "T1": t1, "T2": t2}


def _id(unit: dict[str, Any]) -> str:
    return str(global_id("OrgUnit", unit["id"]))


async def _rubric(client: GraphQLClient, world: dict[str, Any]) -> str:
    coordinator = client.as_viewer(world["D"]["id"], "COORDINATOR")
    data = await coordinator.query(
        RUBRIC, {"input": {"name": "整改考核", "owner": _id(world["D"]), "rules": RULES}}
    )
    assert data["createScoreRubric"]["errors"] == []
    rubric: str = data["createScoreRubric"]["rubric"]["id"]
    return rubric


async def _score(client: GraphQLClient, unit: Any, rubric: str, as_of: str) -> dict[str, Any]:
    data = await client.query(SCORE, {"u": _id(unit), "r": rubric, "asOf": as_of})
    score: dict[str, Any] = data["unitScore"]
    return score


async def test_each_unit_is_scored_on_its_own_share_line_by_line(
    empty_client: GraphQLClient, world: dict[str, Any]
) -> None:
    rubric = await _rubric(empty_client, world)
    jia = await _score(empty_client, world["T1"], rubric, "2023-12-31")
    lines = {line["rule"]["seq"]: (line["count"], line["points"]) for line in jia["lines"]}
    # Item 1 on time (+2); item 4 done again 10 days late (+1, −1.0); item 2 open 275 days
    # late (−27.5, capped at −5); item 3 长期坚持 never judged; the task line counts no item.
    assert lines == {1: (1, 2.0), 2: (1, 1.0), 3: (2, pytest.approx(-6.0)), 4: (0, 0.0)}
    assert jia["total"] == pytest.approx(-3.0)
    items = [e["node"] for e in jia["items"]["edges"]]
    assert {i["kind"] for i in items} == {"RECTIFICATION"}
    assert sum(i["points"] for i in items) == pytest.approx(jia["total"])
    late = {i["rectification"]["seq"]: i["daysLate"] for i in items if i["seq"] == 3}
    assert late == {2: 275, 4: 10}
    assert all(i["share"]["responsible"] == {"name": "甲镇"} for i in items)
    assert all(i["task"] is None for i in items)
    # 乙镇's share of the same joint item: five days late, not credited by 甲镇's.
    yi = await _score(empty_client, world["T2"], rubric, "2023-12-31")
    assert {line["rule"]["seq"]: line["points"] for line in yi["lines"] if line["count"]} == {
        2: 1.0,
        3: pytest.approx(-0.5),
    }
    (only,) = [e["node"] for e in yi["items"]["edges"] if e["node"]["seq"] == 3]
    assert (only["rectification"]["seq"], only["daysLate"]) == (1, 5)


async def test_a_past_date_judges_the_shares_as_they_stood(
    empty_client: GraphQLClient, world: dict[str, Any]
) -> None:
    rubric = await _rubric(empty_client, world)
    jia = await _score(empty_client, world["T1"], rubric, "2023-07-01")
    items = [e["node"] for e in jia["items"]["edges"]]
    # 1 July: item 1 done on time; item 4 reopened (open, one day late); item 2 92 days late.
    assert sorted((i["seq"], i["rectification"]["seq"], i["daysLate"]) for i in items) == [
        (1, 1, 0),
        (3, 2, 92),
        (3, 4, 1),
    ]
    assert jia["total"] == pytest.approx(2 - 5 - 0.1)
    yi = await _score(empty_client, world["T2"], rubric, "2023-07-01")
    assert yi["total"] == pytest.approx(-0.1)


async def test_towns_ranked_and_a_level_only_on_escalation_lines(
    empty_client: GraphQLClient, world: dict[str, Any]
) -> None:
    rubric = await _rubric(empty_client, world)
    variables = {"r": rubric, "w": _id(world["D"]), "asOf": "2023-12-31"}
    ranking = (await empty_client.query(RANKING, variables))["scoreRanking"]
    assert [(r["rank"], r["unit"]["name"]) for r in ranking] == [(1, "乙镇"), (2, "甲镇")]
    # A level belongs to ESCALATION lines only, rectification kinds included.
    coordinator = empty_client.as_viewer(world["D"]["id"], "COORDINATOR")
    bad = {**RULES[2], "level": "URGE"}
    refused = await coordinator.query(
        RUBRIC, {"input": {"name": "错", "owner": _id(world["D"]), "rules": [bad]}}
    )
    assert [(e["code"], e["field"]) for e in refused["createScoreRubric"]["errors"]] == [
        ("INVALID_INPUT", "rules.0.level")
    ]
