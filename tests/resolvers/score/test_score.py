"""考核: a rubric as data, a unit's score line by line as of a date, rankings by score, and
who may write rubrics (refused writes leave nothing)."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from models.enums import DeadlineKind, OrgUnitKind, TaskStatus
from resolvers.common import global_id
from tests import factories as f
from tests.conftest import GraphQLClient, TestDatabase

RUBRIC = """
mutation ($input: CreateScoreRubricInput!) { createScoreRubric(input: $input) {
  rubric { id name version rules { seq kind level points cap } } errors { code field } } }
"""
UPDATE = """
mutation ($input: UpdateScoreRubricInput!) { updateScoreRubric(input: $input) {
  rubric { id name version rules { seq kind points } } errors { code field } } }
"""
SCORE = """
query ($u: ID!, $r: ID!, $from: Date!, $to: Date!, $asOf: Date, $d: Boolean) {
  unitScore(unit: $u, rubric: $r, from: $from, to: $to, asOf: $asOf, includeDescendants: $d) {
    total asOf lines { rule { seq kind } count points }
    items(first: 100) { totalCount edges { node {
      seq kind daysLate points unit { name } task { title } escalation { level }
      report { reviewState reviewReason } } } } } }
"""
RANKING = """
query ($r: ID!, $w: ID, $from: Date!, $to: Date!, $asOf: Date) {
  scoreRanking(rubric: $r, kind: TOWN, within: $w, from: $from, to: $to, asOf: $asOf) {
    rank total unit { name } } }
"""
RULES = [
    {"kind": "COMPLETED_ON_TIME", "points": 2, "description": "按时完成一项加2分"},
    {"kind": "COMPLETED_LATE", "points": 1, "description": "逾期完成一项加1分"},
    {
        "kind": "OVERDUE_DAY",
        "points": -0.1,
        "cap": 5,
        "description": "每逾期一天扣0.1分，单项最多扣5分",
    },
    {"kind": "ESCALATION", "level": "URGE", "points": -1, "description": "被催办一次扣1分"},
    {"kind": "ESCALATION", "points": -0.5, "description": "被督办一次另扣0.5分"},
    {"kind": "RETURNED_REPORT", "points": -0.2, "description": "报告被退回一次扣0.2分"},
]
YEAR = {"from": "2023-01-01", "to": "2023-12-31"}


def _noon(day: date) -> datetime:
    """Noon in Asia/Shanghai (04:00 UTC): the day is the same in both zones."""
    return datetime(day.year, day.month, day.day, 4, tzinfo=UTC)


@pytest.fixture
async def world(empty_db: TestDatabase) -> dict[str, Any]:
    """区 D with towns 甲镇 and 乙镇; 甲镇 leads tasks finished on time, late, reopened and late,
    still open, 长期坚持, not yet due and due next year; 乙镇 one on time; escalations to 甲镇."""
    async with empty_db.engine.begin() as conn:
        d = await f.create_unit(conn, "某区", OrgUnitKind.DISTRICT)
        t1 = await f.create_unit(conn, "甲镇", OrgUnitKind.TOWN, parent=d)
        t2 = await f.create_unit(conn, "乙镇", OrgUnitKind.TOWN, parent=d)
        plan = await f.create_plan(conn, issuer=d)
        start = _noon(date(2023, 1, 10))

        async def task(title: str, end: date | None, lead: dict[str, Any], **kw: Any) -> Any:
            row = await f.create_task(conn, plan, title=title, end=end, **kw)
            return row, await f.assign(conn, row, lead, since=start)

        _, a = await task("按时", date(2023, 6, 30), t1)
        await f.add_event(conn, a, TaskStatus.COMPLETED, 100, _noon(date(2023, 6, 20)))
        _, b = await task("晚五天", date(2023, 6, 30), t1)
        await f.add_event(conn, b, TaskStatus.COMPLETED, 100, _noon(date(2023, 7, 5)))
        _, c = await task("未完成", date(2023, 3, 31), t1)
        await f.add_event(conn, c, TaskStatus.IN_PROGRESS, 40, _noon(date(2023, 3, 1)))
        await task("长期", None, t1, kind=DeadlineKind.ONGOING)
        await task("年底", date(2023, 12, 31), t1)
        await task("明年", date(2024, 3, 31), t1)
        _, g = await task("重开", date(2023, 6, 30), t1)
        await f.add_event(conn, g, TaskStatus.COMPLETED, 100, _noon(date(2023, 5, 1)))
        await f.add_event(conn, g, TaskStatus.IN_PROGRESS, 90, _noon(date(2023, 5, 10)))
        await f.add_event(conn, g, TaskStatus.COMPLETED, 100, _noon(date(2023, 7, 10)))
        for day, state in ((date(2023, 9, 1), "RETURNED"), (date(2023, 9, 2), "ACCEPTED")):
            await f.insert(
                conn,
                "progress_report",
                id=uuid.uuid4(),
                assignment_id=c["id"],
                reported_by_unit_id=t1["id"],
                reported_by="甲镇",
                reported_at=_noon(day),
                period=None,
                percent=50,
                status="IN_PROGRESS",
                narrative="进展",
                evidence=[],
                review_state=state,
                review_reason="佐证不足" if state == "RETURNED" else None,
                reviewed_at=_noon(day),
                reviewed_by="某区",
                reviewed_by_unit_id=d["id"],
                created_at=_noon(day),
                version=2,
            )
        h_task, h = await task("乙镇按时", date(2023, 6, 30), t2)
        await f.add_event(conn, h, TaskStatus.COMPLETED, 100, _noon(date(2023, 6, 1)))
        for level, day in (("URGE", date(2023, 8, 1)), ("WARNING_LETTER", date(2024, 1, 5))):
            await f.insert(
                conn,
                "escalation",
                id=uuid.uuid4(),
                level=level,
                task_id=c["task_id"],
                assignment_id=c["id"],
                rectification_id=None,
                issued_by_id=d["id"],
                addressed_to_id=t1["id"],
                issued_on=day,
                reason="进度滞后",
                created_at=_noon(day),
                status="ISSUED",
                version=1,
            )
    return {"D": d, "T1": t1, "T2": t2, "h_task": h_task}


def _id(unit: dict[str, Any]) -> str:
    return str(global_id("OrgUnit", unit["id"]))


async def _rubric(client: GraphQLClient, world: dict[str, Any], name: str = "年度考核") -> str:
    coordinator = client.as_viewer(world["D"]["id"], "COORDINATOR")
    data = await coordinator.query(
        RUBRIC, {"input": {"name": name, "owner": _id(world["D"]), "rules": RULES}}
    )
    assert data["createScoreRubric"]["errors"] == []
    rubric = data["createScoreRubric"]["rubric"]
    assert [r["seq"] for r in rubric["rules"]] == [1, 2, 3, 4, 5, 6]
    rubric_id: str = rubric["id"]
    return rubric_id


async def _score(
    client: GraphQLClient, unit: dict[str, Any], rubric: str, as_of: str, **kw: Any
) -> dict[str, Any]:
    data = await client.query(SCORE, {"u": _id(unit), "r": rubric, "asOf": as_of, **YEAR, **kw})
    score: dict[str, Any] = data["unitScore"]
    return score


async def test_a_year_end_score_explained_line_by_line(
    empty_client: GraphQLClient, world: dict[str, Any]
) -> None:
    rubric = await _rubric(empty_client, world)
    score = await _score(empty_client, world["T1"], rubric, "2023-12-31")
    lines = {line["rule"]["seq"]: (line["count"], line["points"]) for line in score["lines"]}
    # On time: 按时. Late: 晚五天 (5 days), 重开 (10 days: its last completion counts).
    # Days late: 5 → −0.5, 10 → −1.0, 未完成 275 days → −27.5 capped at −5.
    # Escalations in 2023: one URGE (−1 on line 4, −0.5 on line 5); 2024's is outside.
    assert lines == {
        1: (1, 2.0),
        2: (2, 2.0),
        3: (3, pytest.approx(-6.5)),
        4: (1, -1.0),
        5: (1, -0.5),
        6: (1, -0.2),  # the report returned on 1 September; the accepted one does not count
    }
    assert score["total"] == pytest.approx(-4.2)
    items = [e["node"] for e in score["items"]["edges"]]
    assert score["items"]["totalCount"] == len(items) == 9
    (returned,) = (i["report"] for i in items if i["kind"] == "REPORT")
    assert returned == {"reviewState": "RETURNED", "reviewReason": "佐证不足"}
    assert sum(i["points"] for i in items) == pytest.approx(score["total"])
    late = {i["task"]["title"]: i["daysLate"] for i in items if i["seq"] == 3}
    assert late == {"晚五天": 5, "重开": 10, "未完成": 275}
    titles = {i["task"]["title"] for i in items}
    assert not titles & {"长期", "年底", "明年"}  # 长期坚持, not yet due, outside the period
    assert {i["escalation"]["level"] for i in items if i["kind"] == "ESCALATION"} == {"URGE"}


async def test_a_past_date_judges_the_state_then(
    empty_client: GraphQLClient, world: dict[str, Any]
) -> None:
    rubric = await _rubric(empty_client, world)
    score = await _score(empty_client, world["T1"], rubric, "2023-07-01")
    items = [e["node"] for e in score["items"]["edges"]]
    # 晚五天 and 重开 were open and one day late on 1 July; 未完成 92 days (capped);
    # the escalation of 1 August had not been issued.
    assert sorted((i["seq"], i["task"]["title"], i["daysLate"]) for i in items) == sorted(
        [(1, "按时", 0), (3, "未完成", 92), (3, "晚五天", 1), (3, "重开", 1)]
    )
    assert score["total"] == pytest.approx(2 - 0.1 - 0.1 - 5)


async def test_the_district_with_descendants_sums_its_towns(
    empty_client: GraphQLClient, world: dict[str, Any]
) -> None:
    rubric = await _rubric(empty_client, world)
    own = await _score(empty_client, world["D"], rubric, "2023-12-31")
    assert own["total"] == 0
    assert own["items"]["totalCount"] == 0
    whole = await _score(empty_client, world["D"], rubric, "2023-12-31", d=True)
    t1 = await _score(empty_client, world["T1"], rubric, "2023-12-31")
    t2 = await _score(empty_client, world["T2"], rubric, "2023-12-31")
    assert t2["total"] == pytest.approx(2.0)
    assert whole["total"] == pytest.approx(t1["total"] + t2["total"])


async def test_towns_ranked_by_score_and_restricted_viewers_see_their_own(
    empty_client: GraphQLClient, world: dict[str, Any]
) -> None:
    rubric = await _rubric(empty_client, world)
    variables = {"r": rubric, "w": _id(world["D"]), "asOf": "2023-12-31", **YEAR}
    ranking = (await empty_client.query(RANKING, variables))["scoreRanking"]
    assert [(r["rank"], r["unit"]["name"]) for r in ranking] == [(1, "乙镇"), (2, "甲镇")]
    assert ranking[1]["total"] == pytest.approx(-4.2)
    town = empty_client.as_viewer(world["T1"]["id"], "VIEWER")
    mine = (await town.query(RANKING, variables))["scoreRanking"]
    assert [r["unit"]["name"] for r in mine] == ["甲镇"]
    other = await town.query(SCORE, {"u": _id(world["T2"]), "r": rubric, "asOf": None, **YEAR})
    assert other["unitScore"] is None


async def _rubric_rows(db: TestDatabase) -> tuple[int, int, int]:
    async with db.engine.connect() as conn:
        counts = [
            int((await conn.execute(sa.text(f"SELECT count(*) FROM {t}"))).scalar_one())
            for t in ("score_rubric", "score_rule", "audit_event")
        ]
    return counts[0], counts[1], counts[2]


async def test_refused_rubric_writes_leave_nothing(
    empty_client: GraphQLClient, world: dict[str, Any], empty_db: TestDatabase
) -> None:
    rubric = await _rubric(empty_client, world)
    before = await _rubric_rows(empty_db)
    d, t1 = world["D"], world["T1"]
    bad_line = {"kind": "OVERDUE_DAY", "level": "URGE", "points": -1, "description": "x"}
    refused = [
        (client, name, owner, rules, code, field)
        for client, name, owner, rules, code, field in [
            (empty_client.as_viewer(d["id"], "REPORTER"), "新", d, RULES, "FORBIDDEN", None),
            (empty_client.as_viewer(t1["id"], "COORDINATOR"), "新", d, RULES, "NOT_FOUND", "owner"),
            (
                empty_client.as_viewer(d["id"], "COORDINATOR"),
                "年度考核",
                d,
                RULES,
                "DUPLICATE",
                "name",
            ),
            (empty_client.as_viewer(d["id"], "COORDINATOR"), "新", d, [], "INVALID_INPUT", "rules"),
            (
                empty_client.as_viewer(d["id"], "COORDINATOR"),
                "新",
                d,
                [*RULES, bad_line],
                "INVALID_INPUT",
                "rules.6.level",
            ),
            (
                empty_client.as_viewer(d["id"], "COORDINATOR"),
                "新",
                d,
                [{**RULES[2], "cap": -1}],
                "INVALID_INPUT",
                "rules.0.cap",
            ),
            (
                empty_client.as_viewer(d["id"], "COORDINATOR"),
                " ",
                d,
                RULES,
                "INVALID_INPUT",
                "name",
            ),
            (
                empty_client.as_viewer(d["id"], "COORDINATOR"),
                "新",
                None,
                RULES,
                "FORBIDDEN",
                "owner",
            ),
        ]
    ]
    for client, name, owner, rules, code, field in refused:
        variables = {"name": name, "rules": rules, "owner": _id(owner) if owner else None}
        data = await client.query(RUBRIC, {"input": variables})
        errors = data["createScoreRubric"]["errors"]
        assert data["createScoreRubric"]["rubric"] is None
        assert [(e["code"], e["field"]) for e in errors] == [(code, field)], (name, rules)
    stale = await empty_client.as_viewer(d["id"], "COORDINATOR").query(
        UPDATE,
        {"input": {"rubric": rubric, "expectedVersion": 7, "name": "改", "rules": RULES[:1]}},
    )
    assert [e["code"] for e in stale["updateScoreRubric"]["errors"]] == ["VERSION_CONFLICT"]
    town = await empty_client.as_viewer(t1["id"], "COORDINATOR").query(
        UPDATE,
        {"input": {"rubric": rubric, "expectedVersion": 1, "name": "改", "rules": RULES[:1]}},
    )
    assert [e["code"] for e in town["updateScoreRubric"]["errors"]] == ["FORBIDDEN"]
    assert await _rubric_rows(empty_db) == before


async def test_updating_a_rubric_rescored_by_its_new_lines(
    empty_client: GraphQLClient, world: dict[str, Any]
) -> None:
    rubric = await _rubric(empty_client, world)
    coordinator = empty_client.as_viewer(world["D"]["id"], "COORDINATOR")
    data = await coordinator.query(
        UPDATE,
        {
            "input": {
                "rubric": rubric,
                "expectedVersion": 1,
                "name": "年度考核（修订）",
                "rules": [{"kind": "COMPLETED_ON_TIME", "points": 5, "description": "按时完成"}],
            }
        },
    )
    assert data["updateScoreRubric"]["errors"] == []
    assert data["updateScoreRubric"]["rubric"]["version"] == 2
    score = await _score(empty_client, world["T1"], rubric, "2023-12-31")
    assert score["total"] == 5.0
    assert [line["count"] for line in score["lines"]] == [1]


async def test_hostile_rubric_inputs_are_refused_with_codes_and_write_nothing(
    empty_client: GraphQLClient, world: dict[str, Any], empty_db: TestDatabase
) -> None:
    """What a careless or hostile client sends: a NUL, a 5,000-character name, absurd points,
    an overlong line description, a period that ends before it starts. Each is refused with a
    code (never a server error) and nothing is written."""
    rubric = await _rubric(empty_client, world)
    before = await _rubric_rows(empty_db)
    coordinator = empty_client.as_viewer(world["D"]["id"], "COORDINATOR")
    owner = _id(world["D"])
    cases: list[tuple[dict[str, Any], str, str | None]] = [
        ({"name": "考核\x00", "owner": owner, "rules": RULES}, "BAD_USER_INPUT", None),
        ({"name": "长" * 5000, "owner": owner, "rules": RULES}, "INVALID_INPUT", "name"),
        (
            {"name": "新", "owner": owner, "rules": [{**RULES[0], "points": 1e12}]},
            "INVALID_INPUT",
            "rules.0.points",
        ),
        (
            {"name": "新", "owner": owner, "rules": [{**RULES[0], "description": "说" * 600}]},
            "INVALID_INPUT",
            "rules.0.description",
        ),
    ]
    for variables, code, field in cases:
        body = await coordinator.execute(RUBRIC, {"input": variables})
        if code == "BAD_USER_INPUT":
            assert [e["extensions"]["code"] for e in body["errors"]] == [code]
            assert "SQL" not in json.dumps(body)
            assert "Traceback" not in json.dumps(body)
            continue
        payload = body["data"]["createScoreRubric"]
        assert payload["rubric"] is None
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, field)]
    inverted = await coordinator.execute(
        SCORE, {"u": owner, "r": rubric, "from": "2023-12-31", "to": "2023-01-01", "asOf": None}
    )
    errors = inverted["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["BAD_USER_INPUT"]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in e["message"]) for e in errors)
    assert await _rubric_rows(empty_db) == before


@pytest.mark.private_db
@pytest.mark.parametrize("empty_db", ["postgresql"], indirect=True)
async def test_twenty_concurrent_creates_of_one_name_leave_one_rubric(
    empty_client: GraphQLClient, world: dict[str, Any], empty_db: TestDatabase
) -> None:
    """The unique name is held by the database (INSERT … ON CONFLICT), not a Python check:
    of twenty writers racing for one name, one wins and nineteen get DUPLICATE."""
    coordinator = empty_client.as_viewer(world["D"]["id"], "COORDINATOR")
    variables = {"input": {"name": "并发考核", "owner": _id(world["D"]), "rules": RULES}}
    results = await asyncio.gather(*(coordinator.query(RUBRIC, variables) for _ in range(20)))
    payloads = [r["createScoreRubric"] for r in results]
    assert sum(1 for p in payloads if p["rubric"]) == 1
    assert all(
        [(e["code"], e["field"]) for e in p["errors"]] == [("DUPLICATE", "name")]
        for p in payloads
        if not p["rubric"]
    )
    async with empty_db.engine.connect() as conn:
        rubrics, rules = (
            await conn.execute(
                sa.text(
                    "SELECT (SELECT count(*) FROM score_rubric WHERE name = '并发考核'),"
                    " (SELECT count(*) FROM score_rule)"
                )
            )
        ).one()
    assert (rubrics, rules) == (1, len(RULES))
