"""`govgraph partitions ensure|prune|list`: the history tables' monthly partitions on
PostgreSQL (resolvers/partitions.py; models/partitioning.py). SQLite: nothing to do."""

from __future__ import annotations

import argparse
import asyncio
import sys

import sqlalchemy as sa

from api.cli_ops import _url
from api.db import create_engine
from models.partitioning import PARTITIONED
from resolvers import partitions


def _engine_run(args: argparse.Namespace, work: object) -> int:
    async def run() -> int:
        engine = create_engine(_url(args))
        try:
            if engine.dialect.name != "postgresql":
                print("partitions: SQLite keeps its history tables unpartitioned; nothing to do")
                return 0
            async with engine.begin() as conn:
                return await work(conn)  # type: ignore[operator,no-any-return]
        finally:
            await engine.dispose()

    return asyncio.run(run())


def cmd_partitions(args: argparse.Namespace) -> int:
    """Create, split, prune or list the monthly partitions."""
    if args.action == "prune":
        try:
            retention = partitions.retention_from_env()
        except partitions.RetentionRefused as refusal:
            print(f"partitions prune refused: {refusal}", file=sys.stderr)
            return 2

    async def work(conn: object) -> int:
        if args.action == "ensure":
            for report in await partitions.ensure(
                conn,  # type: ignore[arg-type]
                args.months_ahead,
                split=not args.no_split,
            ):
                print(
                    f"{report.table}: created {len(report.created)} "
                    f"({', '.join(report.created) or '-'}); moved {report.moved} rows out of "
                    f"the default partition"
                    + (f"; skipped {', '.join(report.skipped)}" if report.skipped else "")
                )
        elif args.action == "prune":
            for report in await partitions.prune(
                conn,  # type: ignore[arg-type]
                retention,
                dry_run=args.dry_run,
            ):
                days = retention[report.table]
                verb = "would drop" if args.dry_run else "dropped"
                deps = ", ".join(f"{k} {v}" for k, v in report.dependents.items())
                print(
                    f"{report.table} (kept {days} days): {verb} {len(report.dropped)} "
                    f"({', '.join(report.dropped) or '-'})"
                    + (f"; referencing rows: {deps}" if deps else "")
                )
            for table, days in retention.items():
                if days is None:
                    print(f"{table}: kept forever ({PARTITIONED[table].retention_env})")
        else:
            for table in PARTITIONED:
                rows = await conn.execute(  # type: ignore[attr-defined]
                    sa.text(
                        "SELECT c.relname, c.reltuples::bigint, pg_total_relation_size(c.oid)"
                        " FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                        " WHERE i.inhparent = to_regclass(:t) ORDER BY c.relname"
                    ),
                    {"t": table},
                )
                for name, estimate, size in rows:
                    print(f"{name}\t~{max(estimate, 0)} rows\t{size // 1024} kB")
        return 0

    return _engine_run(args, work)


def add_partition_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """`govgraph partitions …`."""
    cmd = sub.add_parser("partitions", help="monthly partitions of the history tables (PostgreSQL)")
    cmd.add_argument("action", choices=["ensure", "prune", "list"])
    cmd.add_argument(
        "--months-ahead", type=int, default=3, help="ensure: months after this one (default 3)"
    )
    cmd.add_argument(
        "--no-split",
        action="store_true",
        help="ensure: leave the default partition's rows where they are",
    )
    cmd.add_argument("--dry-run", action="store_true", help="prune: say what would be dropped")
    cmd.add_argument("--database-url", default=None, help="default: GOVGRAPH_DATABASE_URL")
    cmd.set_defaults(func=cmd_partitions)
