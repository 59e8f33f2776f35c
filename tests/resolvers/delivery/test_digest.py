"""The daily digest (每日督办摘要; issue 18, point 3): once per unit and day across concurrent
workers and re-runs, in Chinese, agreeing with taskRollup's overdue and due-soon counts for
the unit's subtree, listing the escalations addressed to the unit; sent by email through a
real SMTP server, by the worker at its hour and by `govgraph digest --date`."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

import models
from models.rules import calendar
from resolvers.common import decode_global_id
from resolvers.delivery.channels import EmailChannel
from resolvers.delivery.digest import build_digests, read_digests
from resolvers.delivery.worker import run_once
from tests.conftest import GraphQLClient, TestDatabase
from tests.resolvers.delivery.smtp import smtp_server
from tests.resolvers.delivery.test_people import _as, _contact
from tests.resolvers.delivery.test_webhooks import CONFIG, _unit

pytestmark = pytest.mark.private_db

ROOT = Path(__file__).resolve().parents[3]
AS_OF = date(2023, 7, 15)
run_t = models.metadata.tables["digest_run"]
notification_t = models.metadata.tables["notification"]
ROLLUP = """
query ($n: String!, $d: Date) { orgUnit(name: $n) {
  taskRollup(asOf: $d, includeDescendants: true) { overdue dueSoon } } }
"""


async def _escalate(client: GraphQLClient) -> None:
    """城区 sends 南村镇 a 预警函 about its share of 秸秆禁烧, dated before AS_OF."""
    data = await client.query(
        '{ tasks(filter: {text: "秸秆禁烧"}) { edges { node {'
        " assignments { id unit { name } } } } } }"
    )
    share = next(
        a for a in data["tasks"]["edges"][0]["node"]["assignments"] if a["unit"]["name"] == "南村镇"
    )
    district = await _as(client, "城区", "COORDINATOR")
    result = await district.query(
        "mutation ($input: EscalateInput!) { escalate(input: $input) { errors { code } } }",
        {
            "input": {
                "level": "WARNING_LETTER",
                "addressedTo": await _unit(client, "南村镇"),
                "assignment": share["id"],
                "reason": "巡查滞后",
                "issuedOn": "2023-07-10",
            }
        },
    )
    assert result["escalate"]["errors"] == []


async def _digest_rows(db: TestDatabase) -> list[tuple[str, str]]:
    async with db.engine.connect() as conn:
        rows = await conn.execute(
            sa.select(notification_t.c.address, notification_t.c.dedup_key).where(
                notification_t.c.event_type == "digest"
            )
        )
        return sorted((r.address, r.dedup_key) for r in rows)


async def test_digest_once_per_unit_and_day(seeded_db: TestDatabase, client: GraphQLClient) -> None:
    digest = {"channel": "EMAIL", "mode": "DAILY_DIGEST"}
    await _contact(client, "城区", address="duban@chengqu.example", **digest)
    await _contact(client, "城区", address="leader@chengqu.example", **digest)
    await _contact(client, "南村镇", address="duty@nancun.example", **digest)
    await _contact(  # an immediate contact: told of the escalation at once
        client,
        "南村镇",
        channel="EMAIL",
        address="now@nancun.example",
        eventTypes=["escalation.issued"],
    )
    await _escalate(client)
    now = datetime.now(UTC)
    # Four workers at once, then a re-run: one digest per unit.
    built = await asyncio.gather(*(build_digests(seeded_db.engine, AS_OF, now) for _ in range(4)))
    assert sum(built) == 2
    assert await build_digests(seeded_db.engine, AS_OF, now) == 0
    day = f"digest:{AS_OF.isoformat()}"
    assert await _digest_rows(seeded_db) == [
        ("duban@chengqu.example", day),
        ("duty@nancun.example", day),
        ("leader@chengqu.example", day),
    ]
    # The same counts as taskRollup for the unit's subtree, as of the day.
    units = {name: decode_global_id(await _unit(client, name)) for name in ("城区", "南村镇")}
    async with seeded_db.engine.connect() as conn:
        digests = await read_digests(conn, list(units.values()), AS_OF)
    for (name, _unit_id), one in zip(units.items(), digests, strict=True):
        rollup = (await client.query(ROLLUP, {"n": name, "d": AS_OF.isoformat()}))["orgUnit"]
        assert (len(one.overdue), len(one.due_soon)) == (
            rollup["taskRollup"]["overdue"],
            rollup["taskRollup"]["dueSoon"],
        )
    city, town = digests
    assert city.overdue or city.due_soon  # the seed has late work in 2023
    assert [e["level"] for e in town.escalations] == ["WARNING_LETTER"]
    assert city.escalations == []  # addressed to the town, not to the district
    with smtp_server() as box:
        email = EmailChannel(host=box.host, port=box.port)
        await run_once(seeded_db.engine, CONFIG, channels={"EMAIL": email})
        mails = {to[0]: mail for to, mail in box.mails()}
    assert set(mails) == {
        "duban@chengqu.example",
        "leader@chengqu.example",
        "duty@nancun.example",
        "now@nancun.example",  # the immediate contact: told of the escalation at once
    }
    assert mails["now@nancun.example"]["Subject"].startswith("【督办】预警函：")
    town_mail = mails["duty@nancun.example"]
    assert town_mail["Subject"] == f"【每日督办摘要】南村镇 {AS_OF.isoformat()}"
    text = town_mail.get_content()
    assert f"一、即将到期（{len(town.due_soon)} 项）" in text
    assert f"二、已逾期（{len(town.overdue)} 项）" in text
    assert "三、督办件（1 件未办结）" in text
    assert "预警函：" in text
    assert f"截至 {AS_OF.isoformat()}" in mails["duban@chengqu.example"].get_content()


async def test_worker_at_its_hour_and_the_command(
    seeded_db: TestDatabase, client: GraphQLClient
) -> None:
    """The worker builds today's digests once its hour has come (and not twice); `govgraph
    digest --date` builds a given day's, and again nothing."""
    await _contact(
        client, "南村镇", channel="EMAIL", address="d@nancun.example", mode="DAILY_DIGEST"
    )
    before_hour = replace(CONFIG, digest_hour=24)  # never reached
    done = await run_once(seeded_db.engine, before_hour, digests=True, channels={})
    assert done.digests == 0
    at_hour = replace(CONFIG, digest_hour=0)
    assert (await run_once(seeded_db.engine, at_hour, digests=True, channels={})).digests == 1
    assert (await run_once(seeded_db.engine, at_hour, digests=True, channels={})).digests == 0
    today = calendar.today(datetime.now(UTC)).isoformat()
    command = [sys.executable, "-m", "api.cli", "digest", "--database-url", seeded_db.url]
    outputs = []
    with smtp_server() as box:
        env = {
            **os.environ,
            "GOVGRAPH_SMTP_URL": f"smtp://{box.host}:{box.port}",
            "GOVGRAPH_SMTP_FROM": "duban@chengqu.example",
        }
        for day in ("2023-07-15", "2023-07-15", today):
            result = await asyncio.to_thread(
                subprocess.run,
                [*command, "--date", day],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            assert result.returncode == 0, result.stderr
            outputs.append(result.stdout.split(";")[0])
        mails = box.mails()
    # The command sent what was due: the worker's digest of today and the 2023-07-15 one.
    subjects = sorted(mail["Subject"] for _, mail in mails)
    assert subjects == sorted(f"【每日督办摘要】南村镇 {day}" for day in ("2023-07-15", today))
    assert {mail["From"].addresses[0].addr_spec for _, mail in mails} == {"duban@chengqu.example"}
    assert outputs == [
        "1 digests built for 2023-07-15",
        "0 digests built for 2023-07-15",
        f"0 digests built for {today}",
    ]
    async with seeded_db.engine.connect() as conn:
        runs = (await conn.execute(sa.select(run_t.c.day).order_by(run_t.c.day))).scalars().all()
    assert [d.isoformat() for d in runs] == ["2023-07-15", today]


async def test_returned_reports_section(seeded_db: TestDatabase, client: GraphQLClient) -> None:
    """四、被退回的报告: a report returned to 南村镇 and not answered yet is listed, with the
    unit and the reason, in its digest and in 城区's (the unit above); one answered by a later
    report is not; as of yesterday nothing had been returned."""
    from tests.resolvers.delivery.test_workflow_events import (
        POLICY,
        REPORT,
        REVIEW,
        TASK,
        TITLE,
        _ok,
    )
    from tests.resolvers.delivery.test_workflow_events import _as as _viewer

    task = (await client.query(TASK, {"t": TITLE}))["tasks"]["edges"][0]["node"]
    share = next(a["id"] for a in task["assignments"] if a["unit"]["name"] == "南村镇")
    town = await _viewer(client, "南村镇", "REPORTER")
    district = await _viewer(client, "城区", "COORDINATOR")
    await _ok(district, POLICY, {"input": {"plan": task["plan"]["id"], "policy": "ALL"}})
    for percent, reason in ((30, "数据有误"), (40, "佐证不全，请补充巡查记录")):
        made = await _ok(
            town, REPORT, {"input": {"assignment": share, "percent": percent, "narrative": "进展"}}
        )
        decision = {"report": made["report"]["id"], "decision": "RETURN", "reason": reason}
        await _ok(district, REVIEW, {"input": decision})
    digest = {"channel": "EMAIL", "mode": "DAILY_DIGEST"}
    await _contact(client, "南村镇", address="duty@nancun.example", **digest)
    await _contact(client, "城区", address="duban@chengqu.example", **digest)
    now = datetime.now(UTC)
    today = calendar.today(now)
    units = [decode_global_id(await _unit(client, name)) for name in ("南村镇", "城区")]
    async with seeded_db.engine.connect() as conn:
        past = await read_digests(conn, units, date.fromordinal(today.toordinal() - 1))
    assert [d.returned for d in past] == [[], []]
    assert await build_digests(seeded_db.engine, today, now) == 2
    with smtp_server() as box:
        email = EmailChannel(host=box.host, port=box.port)
        await run_once(seeded_db.engine, CONFIG, channels={"EMAIL": email})
        mails = {to[0]: mail.get_content() for to, mail in box.mails()}
    for address in ("duty@nancun.example", "duban@chengqu.example"):
        text = mails[address]
        assert "四、被退回的报告（1 份待重新报送）" in text, text
        (line,) = [x for x in text.splitlines() if "退回理由" in x]
        assert line.startswith("  · 南村镇：")
        assert TITLE in line
        assert line.endswith(f"（{today.isoformat()} 报送，退回理由：佐证不全，请补充巡查记录）")
        assert "数据有误" not in text  # answered by the later report
