"""Services run on a ServiceContext: no GraphQL context, no strawberry, no api (issue 13).

The command line and cron build a ServiceContext directly; before, they fabricated a request
Context (loaders, settings) and services raised GraphQL errors and read an untyped dict.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from graphql import GraphQLError

from models import Assignment, AuditEvent, Escalation, OrgUnit, OrgUnitClosure
from models.enums import EscalationLevel, ViewerRole
from models.rules import calendar
from models.viewer import Viewer
from resolvers.database import Database
from resolvers.errors import AuthenticationRequired
from resolvers.escalation.service import escalate
from resolvers.service_context import ServiceContext
from resolvers.writes import require_role, run_mutation
from tests.conftest import TestDatabase

unit_t: sa.Table = OrgUnit.__table__  # type: ignore[attr-defined]
assignment_t: sa.Table = Assignment.__table__  # type: ignore[attr-defined]
escalation_t: sa.Table = Escalation.__table__  # type: ignore[attr-defined]
audit_t: sa.Table = AuditEvent.__table__  # type: ignore[attr-defined]
closure_t: sa.Table = OrgUnitClosure.__table__  # type: ignore[attr-defined]


async def test_a_write_service_runs_on_a_bare_service_context(seeded_db: TestDatabase) -> None:
    """run_mutation and a service need nothing of GraphQL: the escalation, its audit event
    (request id, the context's clock) are written as through the API."""
    async with seeded_db.engine.connect() as conn:
        share = (
            (
                await conn.execute(
                    sa.select(assignment_t.c.id, assignment_t.c.org_unit_id)
                    .join(unit_t, unit_t.c.id == assignment_t.c.org_unit_id)
                    .where(unit_t.c.parent_id.is_not(None))
                    .order_by(assignment_t.c.id)
                    .limit(1)
                )
            )
            .mappings()
            .one()
        )
        root = (
            await conn.execute(
                sa.select(closure_t.c.ancestor_id)
                .where(closure_t.c.descendant_id == share["org_unit_id"])
                .order_by(closure_t.c.depth.desc())
                .limit(1)
            )
        ).scalar_one()
    db = Database(seeded_db.engine)
    ctx = ServiceContext(
        db=db,
        request_id="cli-test",
        viewer=Viewer(subject="cron", unit_id=root, role=ViewerRole.ADMIN),
    )

    async def body(conn: Any) -> dict[str, Any]:
        return await escalate(
            ctx,
            conn,
            level=EscalationLevel.REMINDER,
            addressed_to=share["org_unit_id"],
            assignment_id=share["id"],
        )

    try:
        row, errors = await run_mutation(ctx, body)
        await db.close(commit=True)
    finally:
        await db.close()
    assert errors == []
    assert row is not None
    async with seeded_db.engine.connect() as conn:
        stored = (
            (await conn.execute(sa.select(escalation_t).where(escalation_t.c.id == row["id"])))
            .mappings()
            .one()
        )
        event = (
            (await conn.execute(sa.select(audit_t).where(audit_t.c.target_id == row["id"])))
            .mappings()
            .one()
        )
    assert stored["issued_on"] == ctx.today()
    assert event["request_id"] == "cli-test"
    assert event["actor"] == "cron"
    assert event["occurred_at"].replace(tzinfo=None) == ctx.now().replace(tzinfo=None)


async def test_anonymous_write_is_a_domain_exception_not_a_graphql_error(
    seeded_db: TestDatabase,
) -> None:
    """Services raise no GraphQL error; api/extensions.py turns this one into the top-level
    "authentication required" error clients got before (tests/resolvers/task)."""
    ctx = ServiceContext(db=Database(seeded_db.engine), request_id="anonymous")
    with pytest.raises(AuthenticationRequired, match="需要登录") as raised:
        require_role(ctx, ViewerRole.REPORTER)
    assert not isinstance(raised.value, GraphQLError)


def test_the_clock_is_one_per_context_and_today_is_in_the_configured_zone() -> None:
    """now() is read once per context; today() is its date in the one configured zone
    (models/rules/calendar.py: UTC+14 and UTC-12 never share a date)."""
    db: Any = None
    days = {}
    try:
        for name in ("Pacific/Kiritimati", "Etc/GMT+12"):
            calendar.configure(name)
            ctx = ServiceContext(db=db, request_id=name)
            first = ctx.now()
            assert ctx.now() is first
            days[name] = ctx.today()
            assert days[name] == first.astimezone(ZoneInfo(name)).date()
    finally:
        calendar.configure(calendar.DEFAULT_TIMEZONE)
    assert days["Pacific/Kiritimati"] != days["Etc/GMT+12"]
