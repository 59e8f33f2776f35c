"""`govgraph generate`: a synthetic province (seeds/synthetic.py), deterministic by seed."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date
from typing import Any

from api.settings import Settings, normalize_database_url
from seeds.synthetic import DEFAULT_AS_OF, Sizes


def cmd_generate(args: argparse.Namespace) -> int:
    """Generate the province into an empty migrated database."""
    from seeds.synthetic_load import NotEmptyError, generate

    url = (
        normalize_database_url(args.database_url)
        if args.database_url
        else Settings.from_env().database_url
    )
    reports = args.reports if args.reports is not None else 10 * args.tasks
    sizes = Sizes(units=args.units, tasks=args.tasks, reports=reports)
    as_of = date.fromisoformat(args.as_of) if args.as_of else DEFAULT_AS_OF
    try:
        counts = asyncio.run(
            generate(url, sizes, seed=args.seed, as_of=as_of, log=lambda line: print(line))
        )
    except (NotEmptyError, ValueError) as exc:
        print(f"govgraph generate: {exc}", file=sys.stderr)
        return 2
    for table, count in counts.items():
        print(f"{table:28} {count:9d}")
    return 0


def add_generate_command(sub: Any) -> None:
    """Register `govgraph generate`."""
    gen = sub.add_parser(
        "generate", help="write a synthetic province (deterministic by --seed) into an empty db"
    )
    gen.add_argument("--units", type=int, default=5000, help="org units (default 5000)")
    gen.add_argument("--tasks", type=int, default=200_000, help="tasks incl. subtasks")
    gen.add_argument("--reports", type=int, default=None, help="progress reports (10 per task)")
    gen.add_argument("--seed", type=int, default=1)
    gen.add_argument(
        "--as-of",
        default=None,
        help=f"the day the history ends (default {DEFAULT_AS_OF}, fixed for determinism)",
    )
    gen.add_argument("--database-url", default=None, help="default: GOVGRAPH_DATABASE_URL")
    gen.set_defaults(func=cmd_generate)
