"""escalate and `govgraph escalate-overdue`: the ladder, who may escalate, idempotent per day."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from api.cli_ops import run_command
from models.enums import EscalationLevel
from resolvers.common import decode_global_id
from resolvers.escalation.policy import DEFAULT_POLICY, PolicyError, load_policy
from resolvers.escalation.service import escalate_overdue
from resolvers.service_context import ServiceContext
from resolvers.unit_of_work import UnitOfWork
from tests.conftest import GraphQLClient, TestDatabase

ESCALATE = """
mutation ($input: EscalateInput!) { escalate(input: $input) {
  escalation { level issuedOn reason issuedBy { name } addressedTo { name } }
  errors { code field } } }
"""


async def _unit(client: GraphQLClient, name: str) -> str:
    data = await client.query("query ($n: String!) { orgUnit(name: $n) { id } }", {"n": name})
    unit_id: str = data["orgUnit"]["id"]
    return unit_id


async def _task(client: GraphQLClient, text: str) -> dict[str, Any]:
    data = await client.query(
        "query ($t: String!) { tasks(filter: {text: $t}) { edges { node { id "
        "assignments { id unit { name } } } } } }",
        {"t": text},
    )
    task: dict[str, Any] = data["tasks"]["edges"][0]["node"]
    return task


class TestEscalate:
    async def test_a_superior_urges_a_town_about_its_share(self, client: GraphQLClient) -> None:
        task = await _task(client, "秸秆禁烧")
        share = next(a for a in task["assignments"] if a["unit"]["name"] == "南村镇")
        district = client.as_viewer(decode_global_id(await _unit(client, "城区")), "COORDINATOR")
        data = await district.query(
            ESCALATE,
            {
                "input": {
                    "level": "URGE",
                    "addressedTo": await _unit(client, "南村镇"),
                    "assignment": share["id"],
                    "reason": "秸秆禁烧巡查滞后",
                    "issuedOn": "2023-10-20",
                }
            },
        )
        result = data["escalate"]
        assert result["errors"] == []
        assert result["escalation"] == {
            "level": "URGE",
            "issuedOn": "2023-10-20",
            "reason": "秸秆禁烧巡查滞后",
            "issuedBy": {"name": "城区"},
            "addressedTo": {"name": "南村镇"},
        }
        listed = await client.query(
            "query ($id: ID!) { node(id: $id) { ... on Task { escalations { level } } } }",
            {"id": task["id"]},
        )
        assert listed["node"]["escalations"] == [{"level": "URGE"}]

    @pytest.mark.parametrize(
        ("who", "role", "target", "code", "field"),
        [
            ("南村镇", "COORDINATOR", "南村镇", "FORBIDDEN", "addressedTo"),  # not a superior
            ("钟家庄街道", "COORDINATOR", "南村镇", "FORBIDDEN", "addressedTo"),  # a peer
            ("城区", "REPORTER", "南村镇", "FORBIDDEN", None),  # role too low
            ("城区", "COORDINATOR", "城区城管局", "INVALID_INPUT", "task"),  # no share
        ],
    )
    async def test_rejections(
        self,
        client: GraphQLClient,
        seeded_db: TestDatabase,
        who: str,
        role: str,
        target: str,
        code: str,
        field: str | None,
    ) -> None:
        task = await _task(client, "秸秆禁烧")
        issuer = client.as_viewer(decode_global_id(await _unit(client, who)), role)
        data = await issuer.query(
            ESCALATE,
            {
                "input": {
                    "level": "REMINDER",
                    "addressedTo": await _unit(client, target),
                    "task": task["id"],
                }
            },
        )
        assert [(e["code"], e["field"]) for e in data["escalate"]["errors"]] == [(code, field)]
        async with seeded_db.engine.connect() as conn:
            count = await conn.execute(sa.text("SELECT count(*) FROM escalation"))
            assert count.scalar() == 0


async def _ladder(db: TestDatabase) -> list[tuple[str, date]]:
    async with db.engine.connect() as conn:
        rows = await conn.execute(
            sa.text("SELECT level, issued_on FROM escalation ORDER BY issued_on, level")
        )
        return [(r.level, r.issued_on) for r in rows]


async def test_escalate_overdue_climbs_one_step_a_day_and_is_idempotent(
    seeded_db: TestDatabase,
) -> None:
    now = datetime(2023, 7, 15, tzinfo=UTC)

    unsigned: list[int] = []

    async def run(day: date) -> int:
        """Runs the command; the overdue rungs it issued (the late 签收 urges apart)."""

        async def body(ctx: ServiceContext, work: UnitOfWork) -> list[dict[str, Any]]:
            return await escalate_overdue(ctx, work.conn, as_of=day, policy=DEFAULT_POLICY)

        issued = await run_command(seeded_db.engine, "test", body, clock=now)
        unsigned.append(sum(row["cause"] == "UNSIGNED" for row in issued))
        return sum(row["cause"] == "OVERDUE" for row in issued)

    first = await run(date(2023, 7, 15))
    assert first > 0
    assert await run(date(2023, 7, 15)) == 0  # the same day again: nothing more
    second = await run(date(2023, 7, 16))
    assert second == first  # every item is ≥ 7 days overdue: URGE is due the next day
    # The seed's shares nobody signed for: one 催办 each, on the first run only (no rung of
    # the ladder: the overdue REMINDER → URGE steps above are not disturbed by them).
    assert unsigned[0] > 0
    assert unsigned[1:] == [0, 0]
    async with seeded_db.engine.connect() as conn:
        levels = await conn.execute(
            sa.text(
                "SELECT level, count(*) AS n FROM escalation WHERE cause = 'OVERDUE' GROUP BY level"
            )
        )
        counts = {row.level: row.n for row in levels}
        audits = await conn.execute(
            sa.text("SELECT count(*) FROM audit_event WHERE action = 'escalate'")
        )
        assert audits.scalar() == first + second + unsigned[0]
        urged = await conn.execute(
            sa.text(
                "SELECT level, count(*) AS n FROM escalation WHERE cause = 'UNSIGNED'"
                " GROUP BY level"
            )
        )
        assert {row.level: row.n for row in urged} == {"URGE": unsigned[0]}
    assert counts == {"REMINDER": first, "URGE": second}
    # Ongoing tasks and tasks due later are never escalated as overdue.
    async with seeded_db.engine.connect() as conn:
        wrong = await conn.execute(
            sa.text(
                "SELECT count(*) FROM escalation e JOIN task t ON t.id = e.task_id "
                "WHERE e.cause = 'OVERDUE' AND "
                "(t.deadline_kind = 'ONGOING' OR t.deadline_end >= '2023-07-15')"
            )
        )
        assert wrong.scalar() == 0


def test_cli_dry_run_writes_nothing_and_policy_files_are_checked(tmp_path: Path) -> None:
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[3]
    url = f"sqlite:///{tmp_path / 'e.db'}"
    run = [sys.executable, "-m", "api.cli"]
    subprocess.run([*run, "db", "upgrade", "--database-url", url], check=True, cwd=root)
    subprocess.run([*run, "seed", "--database-url", url], check=True, cwd=root, capture_output=True)
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "steps:\n  - {level: REMINDER, days_overdue: 1}\n  - {level: INTERVIEW, days_overdue: 3}\n",
        encoding="utf-8",
    )
    dry = subprocess.run(
        [
            *run,
            "escalate-overdue",
            "--as-of",
            "2023-07-15",
            "--dry-run",
            "--policy",
            str(policy),
            "--database-url",
            url,
        ],
        check=True,
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert "would issue as of 2023-07-15: REMINDER" in dry.stdout
    # Each line names the unit and what it is about: the task's code and title (issue 19).
    lines = [line for line in dry.stdout.splitlines() if " → " in line]
    assert lines
    for line in lines:
        unit, subject, *_ = line.split(" → ", 1)[1].split("  ")
        assert unit.strip()
        assert len(subject.split(" ", 1)) == 2, line  # "<code> <title>"
    real = subprocess.run(
        [*run, "escalate-overdue", "--as-of", "2023-07-15", "--database-url", url],
        check=True,
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert dry.stdout.splitlines()[-1].split(": ")[1] == real.stdout.splitlines()[-1].split(": ")[1]
    assert "城区生态环境分局" in real.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "steps:\n  - {level: URGE, days_overdue: 5}\n  - {level: REMINDER, days_overdue: 9}\n"
    )
    with pytest.raises(PolicyError):
        load_policy(bad)
    custom = load_policy(policy)
    assert custom.next_step(EscalationLevel.REMINDER, 2) is None
    step = custom.next_step(EscalationLevel.REMINDER, 3)
    assert step is not None
    assert step.level is EscalationLevel.INTERVIEW
