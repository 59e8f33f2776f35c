"""`govgraph seed` and `govgraph generate`: the seed dataset and a synthetic province.

The seeds package writes through an engine it is given; this module reads the arguments,
makes the engine from a URL and disposes of it.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from api.db import create_engine
from api.settings import Settings, normalize_database_url
from seeds.dataset import DATA_DIR, SeedDataError
from seeds.loader import SeedReport, load_seed_data
from seeds.synthetic import DEFAULT_AS_OF, Sizes
from seeds.synthetic_load import NotEmptyError, generate


def _database_url(args: argparse.Namespace) -> str:
    url: str | None = getattr(args, "database_url", None)
    return normalize_database_url(url) if url else Settings.from_env().database_url


async def seed_database(database_url: str, data_dir: Path = DATA_DIR) -> SeedReport:
    """Load the seed dataset into the migrated database at `database_url`, once."""
    engine = create_engine(database_url)
    try:
        return await load_seed_data(engine, data_dir)
    finally:
        await engine.dispose()


async def generate_database(
    database_url: str,
    sizes: Sizes,
    *,
    seed: int = 1,
    as_of: date = DEFAULT_AS_OF,
    log: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Write a synthetic province into the empty migrated database at `database_url`."""
    engine = create_engine(database_url)
    try:
        return await generate(engine, sizes, seed=seed, as_of=as_of, log=log)
    finally:
        await engine.dispose()


def cmd_seed(args: argparse.Namespace) -> int:
    """Load the seed-document dataset, once per database."""
    try:
        report = asyncio.run(seed_database(_database_url(args), args.data_dir))
    except SeedDataError as exc:
        print(f"govgraph seed: nothing written.\n{exc}", file=sys.stderr)
        return 2
    if not report.written:
        print(
            f"govgraph seed: this database was seeded on {report.seeded_at:%Y-%m-%d %H:%M} UTC; "
            "nothing written (seeding runs once per database: what users changed or deleted "
            "since stays so)."
        )
        if report.changed_since:
            print(
                "govgraph seed: the built-in dataset has changed since; "
                "load it into a new database."
            )
        return 0
    print(f"govgraph seed: rows written per table\n{'table':28} {'rows':>6}")
    for table, count in report.counts.items():
        print(f"{table:28} {count:6d}")
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    """Generate the province into an empty migrated database."""
    reports = args.reports if args.reports is not None else 10 * args.tasks
    sizes = Sizes(units=args.units, tasks=args.tasks, reports=reports)
    as_of = date.fromisoformat(args.as_of) if args.as_of else DEFAULT_AS_OF
    try:
        counts = asyncio.run(
            generate_database(
                _database_url(args),
                sizes,
                seed=args.seed,
                as_of=as_of,
                log=lambda line: print(line),
            )
        )
    except (NotEmptyError, ValueError) as exc:
        print(f"govgraph generate: {exc}", file=sys.stderr)
        return 2
    print(f"{'table':28} {'rows':>9}")
    for table, count in counts.items():
        print(f"{table:28} {count:9d}")
    return 0


def add_seed_command(sub: Any) -> None:
    """Register `govgraph seed`."""
    seed = sub.add_parser("seed", help="load the seed-document dataset (once per database)")
    seed.add_argument("--database-url", default=None, help="default: GOVGRAPH_DATABASE_URL")
    seed.add_argument(
        "--data-dir", type=Path, default=DATA_DIR, help="reviewed YAML files (default: built in)"
    )
    seed.set_defaults(func=cmd_seed)


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
