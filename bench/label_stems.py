"""Times the label-stem allocation of a generated province's plans (document/label_stems.py).

    .venv/bin/python -m bench.label_stems --database-url postgresql://…/empty_db [--units 5000
        --tasks 200000]

Into an empty migrated database (it migrates it): writes the province's units and documents
as `govgraph generate` does, then times `insert_plans` for all its plans, and rolls back.
Prints the count, the time and how many stems are plain (2023大气), named (2023安平大气) or
counted (2023安平大气(2)).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import time


async def main(url: str, units: int, tasks: int) -> None:
    from api.db import create_engine
    from api.migrate import upgrade
    from api.settings import normalize_database_url
    from resolvers.document.label_stems import insert_plans
    from seeds.synthetic import DEFAULT_AS_OF, Province, Sizes
    from seeds.synthetic_load import Writer

    url = normalize_database_url(url)
    await asyncio.to_thread(upgrade, url)
    province = Province(Sizes(units=units, tasks=tasks, reports=0), 1, DEFAULT_AS_OF)
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            transaction = await conn.begin()
            writer = Writer(conn)
            await writer.write("org_unit", province.units)
            await writer.write("document", province.documents)
            started = time.perf_counter()
            written = await insert_plans(conn, province.plans)
            took = time.perf_counter() - started
            await transaction.rollback()
    finally:
        await engine.dispose()
    stems = [plan["label_stem"] for plan in written]
    plain = sum(1 for s in stems if re.fullmatch(r"\d{4}(大气|水|土壤|生态|其他)", s))
    counted = sum(1 for s in stems if s.endswith(")"))
    distinct = len({(plan["label_stem"], plan["kind"]) for plan in written})
    print(
        f"{len(written)} plans of {len(province.documents)} documents in {took:.2f} s; "
        f"plain {plain}, named {len(stems) - plain - counted}, counted {counted}; "
        f"distinct (stem, kind) {distinct}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database-url", required=True, help="an empty database")
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--tasks", type=int, default=200_000)
    args = parser.parse_args()
    asyncio.run(main(args.database_url, args.units, args.tasks))
