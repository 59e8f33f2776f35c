"""Operator commands: `govgraph token`, `escalate-overdue`, `key` and `rebuild-rollups`.

The commands that change data (`escalate-overdue`, `key create`, `key revoke`,
`rebuild-rollups`) run in the write pipeline's unit of work (resolvers/unit_of_work.py) through
`run_command`: a ServiceContext whose viewer is the command itself (actor "govgraph
escalate-overdue" …, ADMIN of no unit), one transaction, audit events, change-log entries,
rollups and outbox events as the unit of work's table says for each. `token` writes nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from limits import parse_many
from sqlalchemy.ext.asyncio import AsyncEngine

import models
from api import api_keys
from api.auth import mint_token
from api.cli_seed import add_generate_command
from api.db import create_engine
from api.events import PostgresBroker
from api.settings import (
    DEV_SECRET_FILE,
    Settings,
    normalize_database_url,
    read_dev_secret,
    short_secret,
)
from models import OrgUnit
from models.enums import ViewerRole
from models.rules import calendar
from models.viewer import Viewer
from resolvers.database import Database
from resolvers.escalation.policy import DEFAULT_POLICY, load_policy
from resolvers.escalation.service import escalate_overdue
from resolvers.events import api_key_revoked
from resolvers.org_unit.queries import name_match_statement
from resolvers.rollups.maintained import rebuild_task_rollups
from resolvers.service_context import ServiceContext
from resolvers.unit_of_work import UnitOfWork, unit_of_work

R = TypeVar("R")


def _url(args: argparse.Namespace) -> str:
    url: str | None = args.database_url
    return normalize_database_url(url) if url else Settings.from_env().database_url


async def _find_unit(url: str, name: str) -> Any:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            row = (await conn.execute(name_match_statement(name).limit(1))).mappings().first()
    finally:
        await engine.dispose()
    return row


def parse_ttl(text: str) -> timedelta:
    """A token lifetime such as 90s, 30m, 12h or 7d (a bare number is hours)."""
    units = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
    value, unit = (text[:-1], text[-1]) if text[-1:] in units else (text, "h")
    try:
        amount = float(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a lifetime: {text}") from exc
    if amount <= 0:
        raise argparse.ArgumentTypeError("a lifetime is positive")
    return timedelta(**{units[unit]: amount})


def cmd_token(args: argparse.Namespace) -> int:
    """Mint a bearer token for a unit (name or alias) and a role."""
    settings = Settings.from_env()
    secret = settings.secret
    if not secret:
        hint = ""
        if read_dev_secret() is not None:
            hint = f" (or GOVGRAPH_ENV=development to use {DEV_SECRET_FILE}, as `make run` does)"
        print(f"govgraph token: set GOVGRAPH_SECRET first{hint}", file=sys.stderr)
        return 2
    if (refusal := short_secret(secret)) is not None:
        print(f"govgraph token: {refusal}", file=sys.stderr)
        return 2
    unit = asyncio.run(_find_unit(_url(args), args.unit))
    if unit is None:
        print(f"govgraph token: no unit named {args.unit}", file=sys.stderr)
        return 2
    token = mint_token(
        secret,
        unit_id=unit["id"],
        role=ViewerRole(args.role),
        subject=args.subject,
        ttl=args.ttl,
    )
    print(token)
    return 0


async def run_command(
    engine: AsyncEngine,
    actor: str,
    body: Callable[[ServiceContext, UnitOfWork], Awaitable[R]],
    *,
    commit: bool = True,
    clock: datetime | None = None,
) -> R:
    """Run a command's write in a unit of work, as `actor`, and commit it (unless `commit` is
    False: a dry run). PostgreSQL: live subscribers of other processes hear of the changes at
    commit, as they do of the server's writes."""
    db = Database(engine)
    ctx = ServiceContext(
        db=db,
        request_id=f"cli-{uuid.uuid4().hex[:12]}",
        viewer=Viewer(subject=actor, role=ViewerRole.ADMIN),
        clock=clock,
    )
    done = False
    try:
        async with unit_of_work(ctx) as work:
            result = await body(ctx, work)
        if commit and ctx.changes and engine.dialect.name == "postgresql":
            await PostgresBroker(engine).publish_in_transaction(work.conn, ctx.changes)
        await db.close(commit=commit)
        done = True
    finally:
        if not done:
            await db.close(commit=False)
    return result


async def _escalate(url: str, as_of: date, policy_path: Path | None, dry_run: bool) -> int:
    policy = load_policy(policy_path) if policy_path else DEFAULT_POLICY
    engine = create_engine(url)

    async def body(
        ctx: ServiceContext, work: UnitOfWork
    ) -> tuple[list[dict[str, Any]], Any, dict[Any, str]]:
        issued = await escalate_overdue(ctx, work.conn, as_of=as_of, policy=policy, dry_run=dry_run)
        units = OrgUnit.__table__  # type: ignore[attr-defined]
        names = {
            row.id: row.name for row in await work.conn.execute(sa.select(units.c.id, units.c.name))
        }
        return issued, names, await _subjects(work.conn, issued)

    try:
        issued, names, subjects = await run_command(
            engine, "govgraph escalate-overdue", body, commit=not dry_run
        )
    finally:
        await engine.dispose()
    by_level: dict[str, int] = {}
    unsigned = 0
    for row in issued:
        if row.get("cause") == "UNSIGNED":  # a late 签收: one 催办 per share, no ladder rung
            unsigned += 1
        else:
            by_level[row["level"]] = by_level.get(row["level"], 0) + 1
        subject = subjects.get(row["task_id"] or row["rectification_id"], "")
        print(
            f"{row['level']:15} → {names.get(row['addressed_to_id'], row['addressed_to_id'])}"
            f"  {subject}  {row['reason']}"
        )
    verb = "would issue" if dry_run else "issued"
    parts = [f"{k} {v}" for k, v in sorted(by_level.items())]
    if unsigned:
        parts.append(f"UNSIGNED (逾期未签收) URGE {unsigned}")
    summary = ", ".join(parts) or "nothing"
    print(f"{verb} as of {as_of}: {summary}")
    return 0


async def _subjects(conn: Any, issued: list[dict[str, Any]]) -> dict[Any, str]:
    """What each escalation is about, by task or rectification id: the task's code and
    title, or 整改 and the rectification's problem (cut to 40 characters); one statement
    per kind for every issued row."""
    task_t, rect_t = (models.metadata.tables[name] for name in ("task", "rectification"))
    task_ids = {row["task_id"] for row in issued if row["task_id"] is not None}
    rect_ids = {row["rectification_id"] for row in issued if row["rectification_id"] is not None}
    out: dict[Any, str] = {}
    for start in range(0, len(task_ids), 1000):
        chunk = sorted(task_ids, key=str)[start : start + 1000]
        found = await conn.execute(
            sa.select(task_t.c.id, task_t.c.code, task_t.c.title).where(task_t.c.id.in_(chunk))
        )
        out |= {r.id: f"{r.code} {_cut(r.title)}" for r in found}
    for start in range(0, len(rect_ids), 1000):
        chunk = sorted(rect_ids, key=str)[start : start + 1000]
        found = await conn.execute(
            sa.select(rect_t.c.id, rect_t.c.seq, rect_t.c.problem).where(rect_t.c.id.in_(chunk))
        )
        out |= {r.id: f"整改{r.seq} {_cut(r.problem)}" for r in found}
    return out


def _cut(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def cmd_escalate_overdue(args: argparse.Namespace) -> int:
    """Issue the next escalation step for every overdue item (idempotent per day)."""
    as_of = calendar.parse_date(args.as_of) if args.as_of else Settings.from_env().today()
    policy = Path(args.policy) if args.policy else None
    return asyncio.run(_escalate(_url(args), as_of, policy, args.dry_run))


async def create_key(
    ctx: ServiceContext,
    work: UnitOfWork,
    *,
    name: str,
    unit: dict[str, Any],
    disclosure: str,
    expires_at: datetime | None,
    rate_limit: str | None = None,
) -> api_keys.IssuedKey:
    """Issue a sharing partner's key, audited (never its secret) with an outbox event."""
    issued = await api_keys.create_key(
        work.conn,
        name=name,
        unit_id=unit["id"],
        disclosure=disclosure,
        expires_at=expires_at,
        rate_limit=rate_limit,
    )
    work.audit(
        action="createKey",
        target_type="ApiKey",
        target_id=issued.id,
        after={
            "name": name,
            "prefix": issued.prefix,
            "org_unit_id": unit["id"],
            "disclosure": disclosure,
            "expires_at": expires_at,
            "rate_limit": rate_limit,
        },
        scope_unit=unit["id"],
    )
    return issued


async def revoke_key(ctx: ServiceContext, work: UnitOfWork, prefix: str) -> bool:
    """Revoke a live key, audited with its state before (read under the row lock)."""
    keys = api_keys.api_key_t
    statement = sa.select(keys).where(keys.c.prefix == prefix, keys.c.revoked_at.is_(None))
    if work.conn.dialect.name == "postgresql":
        statement = statement.with_for_update(key_share=True)
    key = (await work.conn.execute(statement)).mappings().first()
    if key is None or not await api_keys.revoke_key(work.conn, prefix):
        return False
    work.audit(
        action="revokeKey",
        target_type="ApiKey",
        target_id=key["id"],
        before={"prefix": prefix, "revoked_at": None},
        after={"prefix": prefix, "revoked": True},
        scope_unit=key["org_unit_id"],
    )
    api_key_revoked(ctx, key["id"])  # open connections of the key close (api/websocket.py)
    return True


async def _keys(args: argparse.Namespace) -> int:
    engine = create_engine(_url(args))
    try:
        if args.action == "create":
            async with engine.connect() as conn:
                unit = (
                    (await conn.execute(name_match_statement(args.unit).limit(1)))
                    .mappings()
                    .first()
                )
            if unit is None:
                print(f"govgraph key: no unit named {args.unit}", file=sys.stderr)
                return 2
            expires = (
                datetime.now(UTC) + timedelta(days=args.expires_days) if args.expires_days else None
            )

            async def create(ctx: ServiceContext, work: UnitOfWork) -> api_keys.IssuedKey:
                return await create_key(
                    ctx,
                    work,
                    name=args.name,
                    unit=dict(unit),
                    disclosure=args.disclosure,
                    expires_at=expires,
                    rate_limit=args.rate_limit,
                )

            issued = await run_command(engine, "govgraph key create", create)
            print(f"key {issued.prefix} for {unit['name']} ({args.disclosure}); store it now:")
            print(issued.secret)
        elif args.action == "revoke":

            async def revoke(ctx: ServiceContext, work: UnitOfWork) -> bool:
                return await revoke_key(ctx, work, args.prefix)

            if not await run_command(engine, "govgraph key revoke", revoke):
                print(f"govgraph key: no live key {args.prefix}", file=sys.stderr)
                return 2
            print(f"revoked {args.prefix}")
        else:
            async with engine.connect() as conn:
                keys, units = api_keys.api_key_t, OrgUnit.__table__  # type: ignore[attr-defined]
                rows = await conn.execute(
                    sa.select(keys, units.c.name.label("unit"))
                    .join(units, units.c.id == keys.c.org_unit_id)
                    .order_by(keys.c.created_at)
                )
                for row in rows:
                    state = "revoked" if row.revoked_at else "live"
                    print(
                        f"{row.prefix}  {state:7}  {row.disclosure:8}  {row.unit}  {row.name}"
                        f"  expires {row.expires_at or 'never'}"
                        f"  rate {row.rate_limit or 'default'}"
                    )
    finally:
        await engine.dispose()
    return 0


def _rate_limit(text: str) -> str:
    """A rate limit in the `limits` notation ("120/minute", "2/second;100/hour")."""
    try:
        parse_many(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a rate limit: {text!r} (e.g. 120/minute)") from exc
    return text


def cmd_key(args: argparse.Namespace) -> int:
    """Create, revoke or list sharing partners' API keys."""
    return asyncio.run(_keys(args))


async def rebuild_rollups(ctx: ServiceContext, work: UnitOfWork) -> dict[str, int]:
    """Recompute every maintained rollup, audited with the row counts."""
    counts = await rebuild_task_rollups(work.conn)
    work.audit(action="rebuildRollups", target_type="RollupBucket", target_id=None, after=counts)
    return counts


async def _rebuild_rollups(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        counts = await run_command(engine, "govgraph rebuild-rollups", rebuild_rollups)
        if engine.dialect.name == "postgresql":
            async with engine.connect() as conn:
                auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
                await auto.exec_driver_sql("VACUUM (ANALYZE) rollup_member, rollup_bucket")
    finally:
        await engine.dispose()
    return counts


def cmd_rebuild_rollups(args: argparse.Namespace) -> int:
    """Recompute the maintained task rollups from the assignments (one transaction)."""
    started = time.perf_counter()
    counts = asyncio.run(_rebuild_rollups(_url(args)))
    for table, count in counts.items():
        print(f"{table:28} {count:9d}")
    print(f"rebuilt in {time.perf_counter() - started:.1f} s")
    return 0


def add_commands(sub: Any) -> None:
    """Register the operator sub-commands."""

    add_generate_command(sub)
    token = sub.add_parser("token", help="mint a bearer token for a unit and role")
    token.add_argument("--unit", required=True, help="unit name or alias")
    token.add_argument("--role", required=True, choices=[r.value for r in ViewerRole])
    token.add_argument(
        "--ttl",
        type=parse_ttl,
        default=timedelta(hours=12),
        help="lifetime: 90s, 30m, 12h or 7d (default 12h)",
    )
    token.add_argument("--subject", default=None, help="who the token is for (audit actor)")
    token.add_argument("--database-url", default=None)
    token.set_defaults(func=cmd_token)

    key = sub.add_parser("key", help="sharing partners' API keys")
    key_sub = key.add_subparsers(dest="action", required=True)
    create = key_sub.add_parser("create", help="issue a key (shown once)")
    create.add_argument("--name", required=True, help="the partner system")
    create.add_argument("--unit", required=True, help="unit whose subtree the key reads")
    create.add_argument("--disclosure", choices=["SHARED", "INTERNAL"], default="SHARED")
    create.add_argument("--expires-days", type=float, default=None)
    create.add_argument(
        "--rate-limit",
        type=_rate_limit,
        default=None,
        help="the key's own rate limit, e.g. 120/minute (default: GOVGRAPH_RATE_LIMIT_KEY)",
    )
    revoke = key_sub.add_parser("revoke", help="revoke a key by its prefix")
    revoke.add_argument("prefix")
    listing = key_sub.add_parser("list", help="list keys (never the secrets)")
    for parser in (create, revoke, listing):
        parser.add_argument("--database-url", default=None)
    key.set_defaults(func=cmd_key)

    escalate = sub.add_parser(
        "escalate-overdue",
        help="issue the next 督办 step for overdue items, and a 催办 for shares not signed for"
        " (签收) in time, once per share (daily cron)",
    )
    escalate.add_argument("--as-of", default=None, help="date (default: today, Asia/Shanghai)")
    escalate.add_argument("--policy", default=None, help="YAML/JSON ladder (default built in)")
    escalate.add_argument("--dry-run", action="store_true", help="report, write nothing")
    escalate.add_argument("--database-url", default=None)
    escalate.set_defaults(func=cmd_escalate_overdue)

    rebuild = sub.add_parser(
        "rebuild-rollups", help="recompute the maintained task rollups from the assignments"
    )
    rebuild.add_argument("--database-url", default=None)
    rebuild.set_defaults(func=cmd_rebuild_rollups)
