"""The 考核 rules' Python twins agree with their SQL expressions (models/rules/score.py), on
SQLite under hypothesis and on both databases over a batch of random cases."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from models.enums import ScoreRuleKind
from models.rules import score as rules
from tests.conftest import TestDatabase

ENGINE = sa.create_engine("sqlite://")
DAY = date(2023, 6, 30)
SHARE_KINDS = [k for k in ScoreRuleKind if k is not ScoreRuleKind.ESCALATION]

days = st.integers(-60, 60).map(lambda d: DAY + timedelta(days=d))
caps = st.one_of(st.none(), st.sampled_from([0.5, 1.0, 5.0]))
points = st.sampled_from([-2.0, -0.1, 0.0, 0.5, 3.0])


def _columns(
    dialect: str, case: dict[str, Any]
) -> tuple[sa.ColumnElement[Any], sa.ColumnElement[Any], sa.ColumnElement[Any]]:
    """(assessed, days late, points) of one case as SQL over literals."""
    end = sa.literal(case["end"], sa.Date())
    completed_on = sa.literal(case["completed_on"], sa.Date())
    completed = sa.literal(case["completed_on"] is not None)
    assessed = rules.assessed_sql(
        sa.literal(case["rated"]), end, completed, case["as_of"], case["start"], case["stop"]
    )
    late = rules.days_late_sql(dialect, end, completed, completed_on, case["as_of"])
    scored = rules.share_points_sql(
        sa.literal(case["kind"].value),
        sa.literal(case["points"]),
        sa.literal(case["cap"], sa.Float()),
        completed,
        late,
    )
    return assessed, late, scored


def _python(case: dict[str, Any]) -> tuple[bool, int | None, float | None]:
    found = rules.assess(
        case["rated"], case["end"], case["completed_on"], case["as_of"], case["start"], case["stop"]
    )
    if found is None:
        return False, None, None
    return (
        True,
        found.days_late,
        rules.share_points(case["kind"], case["points"], case["cap"], found),
    )


def _check(case: dict[str, Any], row: Any) -> None:
    assessed, late, scored = _python(case)
    assert bool(row[0]) is assessed, case
    if assessed:
        assert row[1] == late, case
        assert (row[2] is None) is (scored is None), case
        if scored is not None:
            assert abs(float(row[2]) - scored) < 1e-9, case


@settings(max_examples=150, deadline=None)
@given(
    rated=st.booleans(),
    end=st.one_of(st.none(), days),
    completed_on=st.one_of(st.none(), days),
    as_of=days,
    start=days,
    length=st.integers(0, 90),
    kind=st.sampled_from(SHARE_KINDS),
    points=points,
    cap=caps,
)
def test_share_rules_twins_agree(**case: Any) -> None:
    case["stop"] = case["start"] + timedelta(days=case.pop("length"))
    with ENGINE.connect() as conn:
        row = conn.execute(sa.select(*_columns("sqlite", case))).one()
    _check(case, row)


def _random_cases(n: int) -> list[dict[str, Any]]:
    rng = random.Random(17)

    def day() -> date:
        return DAY + timedelta(days=rng.randint(-60, 60))

    cases = []
    for _ in range(n):
        start = day()
        cases.append(
            {
                "rated": rng.random() < 0.9,
                "end": day() if rng.random() < 0.9 else None,
                "completed_on": day() if rng.random() < 0.5 else None,
                "as_of": day(),
                "start": start,
                "stop": start + timedelta(days=rng.randint(0, 90)),
                "kind": rng.choice(SHARE_KINDS),
                "points": rng.choice([-2.0, -0.1, 0.5, 3.0]),
                "cap": rng.choice([None, 0.5, 5.0]),
            }
        )
    return cases


async def test_share_rules_twins_agree_on_both_databases(empty_db: TestDatabase) -> None:
    cases = _random_cases(120)
    async with empty_db.engine.connect() as conn:
        dialect = conn.dialect.name
        for start in range(0, len(cases), 40):
            batch = cases[start : start + 40]
            selects = [
                sa.select(sa.literal(n).label("n"), *(c.label(f"c{i}") for i, c in enumerate(cols)))
                for n, cols in ((n, _columns(dialect, case)) for n, case in enumerate(batch))
            ]
            rows = (await conn.execute(sa.union_all(*selects))).all()
            by_n = {row[0]: row[1:] for row in rows}
            for n, case in enumerate(batch):
                _check(case, by_n[n])


def test_capped_and_escalation_lines() -> None:
    assert rules.capped(-27.5, 5.0) == -5.0
    assert rules.capped(7.0, 5.0) == 5.0
    assert rules.capped(-2.0, None) == -2.0
    assert rules.escalation_counts(None, "URGE")
    assert rules.escalation_counts("URGE", "URGE")
    assert not rules.escalation_counts("URGE", "INTERVIEW")


def test_rectification_kinds_judge_a_share_as_their_task_twins() -> None:
    """Each RECTIFICATION_ kind scores an assessed share exactly as its task kind does, and
    the SAMPLED kinds of the twin tests above include them."""
    assert set(rules.AS_SHARE_KIND) <= set(SHARE_KINDS)
    for rect_kind, task_kind in rules.AS_SHARE_KIND.items():
        for found in (
            rules.Assessment(True, 0),
            rules.Assessment(True, 4),
            rules.Assessment(False, 9),
        ):
            for cap in (None, 5.0):
                assert rules.share_points(rect_kind, -1.5, cap, found) == rules.share_points(
                    task_kind, -1.5, cap, found
                )
    assert (
        rules.share_points(
            ScoreRuleKind.RECTIFICATION_OVERDUE_DAY, -0.5, None, rules.Assessment(False, 6)
        )
        == -3.0
    )
