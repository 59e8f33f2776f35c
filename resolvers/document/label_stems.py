"""Writing plans with their label stems: the one writer of `plan` rows.

Every plan writer (createPlan and `govgraph plan create` through the document service, the
seed loader, `govgraph generate`, the test factories) inserts plans with `insert_plans`, which
gives each plan the first free stem of models/rules/labels.py's `label_stem_candidates`.
The database decides what is free: each candidate is an `INSERT … ON CONFLICT (label_stem,
kind) DO NOTHING` against the unique index `uq_plan_label_stem` (migration 0023), so
concurrent creators of same-year, same-field plans each get their own stem (PostgreSQL makes
a second inserter of a stem wait for the first's transaction, then try the next candidate),
with no check-then-insert window. A batch (the seed, a generated province's thousands of
plans) goes in as few multi-row statements as the index allows: the rows it refuses try
their next candidate in the next statement. A stem is written once and never changed.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from models import Document, OrgUnit, Plan
from models.enums import PlanField
from models.rules.labels import label_stem_candidates, label_year
from models.rules.names import TERRITORIAL_KINDS, short_name

__all__ = ["insert_plans"]

document_t: sa.Table = Document.__table__  # type: ignore[attr-defined]
plan_t: sa.Table = Plan.__table__  # type: ignore[attr-defined]
unit_t: sa.Table = OrgUnit.__table__  # type: ignore[attr-defined]

CHUNK = 500
# Far beyond any real collision count: a loop that never finds a free stem is a bug.
MAX_TRIES = 10_000


async def insert_plans(
    conn: AsyncConnection, rows: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Insert plan rows (without `label_stem`), each with the first stem the unique index
    accepts; the rows as written, in the order given.

    A batch is allocated in document issue order (undated last), then by the plan's creation
    time, 序号 and id, as migration 0023 backfilled existing plans, so the earliest plan of a
    (year, field, kind) gets the plain stem. Their documents must exist already.
    """
    if not rows:
        return []
    documents = {row["document_id"] for row in rows}
    sources = await _sources(conn, documents)
    siblings = await _siblings(conn, sources)
    held: set[tuple[str, str]] = set()  # (stem, kind) given out or refused: not tried again
    written: dict[uuid.UUID, dict[str, Any]] = {}

    def order(row: Mapping[str, Any]) -> tuple[Any, ...]:
        issued_on = sources[row["document_id"]][0]
        return (issued_on is None, issued_on or date.min, row["created_at"], row["seq"], row["id"])

    def plan(row: Mapping[str, Any]) -> dict[str, Any]:
        """The row with the first candidate not known to be held; the candidate is then
        counted as held (by this row, or by whoever the index says holds it)."""
        issued_on, government = sources[row["document_id"]]
        year = label_year(row["year"], issued_on)
        field, kind = PlanField(row["field"]), str(row["kind"])
        preferred = [
            stem
            for sibling_year, sibling_kind, stem in siblings.get((row["document_id"], field), [])
            if sibling_year == year and sibling_kind != kind
        ]
        candidates = label_stem_candidates(year, field, government, preferred)
        for _, stem in zip(range(MAX_TRIES), candidates, strict=False):
            if (stem, kind) not in held:
                held.add((stem, kind))
                return {**row, "label_stem": stem}
        raise RuntimeError(f"no free label stem for plan {row['id']} after {MAX_TRIES}")

    def sibling_key(row: Mapping[str, Any]) -> tuple[uuid.UUID, PlanField]:
        return row["document_id"], PlanField(row["field"])

    def sibling(row: Mapping[str, Any]) -> tuple[int | None, str, str]:
        year = label_year(row["year"], sources[row["document_id"]][0])
        return year, str(row["kind"]), row["label_stem"]

    pending = sorted(rows, key=order)
    while pending:
        # One statement for a run of rows; rows the index refused try their next candidate
        # in the following statement, in order. A row waits for the next statement when its
        # parent plan is still pending (a parent goes in before its annex) or a plan of its
        # document and field is in this one (it prefers that plan's stem, known only once in).
        batch: list[dict[str, Any]] = []
        waiting = {row["id"] for row in pending}
        unsettled: set[tuple[uuid.UUID, PlanField]] = set()
        for row in pending[:CHUNK]:
            if batch and (row.get("parent_id") in waiting or sibling_key(row) in unsettled):
                break
            batch.append(plan(row))
            waiting.discard(row["id"])
            unsettled.add(sibling_key(row))
        for row in batch:
            siblings.setdefault(sibling_key(row), []).append(sibling(row))
        inserted = await _insert(conn, batch)
        refused = []
        for row in batch:
            if row["id"] in inserted:
                written[row["id"]] = row
                continue
            refused.append(row)
            siblings[sibling_key(row)].remove(sibling(row))  # not its stem after all
        done = {row["id"] for row in batch}
        pending = [{k: v for k, v in row.items() if k != "label_stem"} for row in refused] + [
            row for row in pending if row["id"] not in done
        ]
        pending.sort(key=order)
    return [written[row["id"]] for row in rows]


async def _insert(conn: AsyncConnection, rows: list[dict[str, Any]]) -> set[uuid.UUID]:
    """One statement for candidate rows: the ids that went in (the others' (stem, kind) is
    held: committed, or being written by a concurrent transaction that then committed)."""
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    columns = list(dict.fromkeys(key for row in rows for key in row))
    statement = (
        insert(plan_t)
        .on_conflict_do_nothing(index_elements=[plan_t.c.label_stem, plan_t.c.kind])
        .returning(plan_t.c.id)
    )
    # executemany with RETURNING: SQLAlchemy sends it as multi-row INSERTs ("insertmanyvalues").
    params = [{column: row.get(column) for column in columns} for row in rows]
    return set((await conn.execute(statement, params)).scalars())


def _chunks(values: Iterable[Any]) -> Iterable[list[Any]]:
    ordered = sorted(values, key=str)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


async def _sources(
    conn: AsyncConnection, documents: set[uuid.UUID]
) -> dict[uuid.UUID, tuple[date | None, str | None]]:
    """Per document: its issue date and its issuing government's short name (the nearest
    territorial unit at or above the issuer: 城区人民政府办公室 → 城区; the issuer itself
    when none is above it; None without an issuer)."""
    issuers: dict[uuid.UUID, tuple[date | None, uuid.UUID | None]] = {}
    for chunk in _chunks(documents):
        result = await conn.execute(
            sa.select(document_t.c.id, document_t.c.issued_on, document_t.c.issuer_id).where(
                document_t.c.id.in_(chunk)
            )
        )
        issuers.update({r.id: (r.issued_on, r.issuer_id) for r in result})
    missing = documents - set(issuers)
    if missing:
        raise LookupError(f"plans of unknown documents: {sorted(map(str, missing))}")
    names = await _government_names(conn, {i for _, i in issuers.values() if i is not None})
    return {
        doc: (issued_on, None if issuer is None else names.get(issuer))
        for doc, (issued_on, issuer) in issuers.items()
    }


async def _government_names(conn: AsyncConnection, issuers: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Short names of the issuers' governments (one recursive statement per chunk)."""
    names: dict[uuid.UUID, str] = {}
    for chunk in _chunks(issuers):
        for row in await _walk_up(conn, chunk):
            # Nearest first: the issuer itself, replaced by the territorial unit above it.
            if row.start not in names or row.kind in TERRITORIAL_KINDS:
                names[row.start] = short_name(row.name)
    return names


async def _walk_up(conn: AsyncConnection, chunk: list[uuid.UUID]) -> Any:
    """Each issuer and its ancestors up to the first territorial one, nearest first."""
    up_from = unit_t.alias("up_from")
    step = unit_t.alias("step")
    up = (
        sa.select(
            up_from.c.id.label("start"),
            up_from.c.parent_id,
            up_from.c.kind,
            up_from.c.name,
            sa.literal_column("0").label("depth"),
        )
        .where(up_from.c.id.in_(chunk))
        .cte("up", recursive=True)
    )
    up = up.union_all(
        sa.select(up.c.start, step.c.parent_id, step.c.kind, step.c.name, up.c.depth + 1)
        .join(step, step.c.id == up.c.parent_id)
        .where(up.c.kind.not_in(sorted(TERRITORIAL_KINDS)), up.c.depth < 30)
    )
    return await conn.execute(
        sa.select(up.c.start, up.c.kind, up.c.name).order_by(up.c.start, up.c.depth)
    )


async def _siblings(
    conn: AsyncConnection, sources: Mapping[uuid.UUID, tuple[date | None, str | None]]
) -> dict[tuple[uuid.UUID, PlanField], list[tuple[int | None, str, str]]]:
    """The documents' plans already written: (label year, kind, stem) by (document, field)."""
    out: dict[tuple[uuid.UUID, PlanField], list[tuple[int | None, str, str]]] = {}
    for chunk in _chunks(sources):
        result = await conn.execute(
            sa.select(
                plan_t.c.document_id,
                plan_t.c.field,
                plan_t.c.year,
                plan_t.c.kind,
                plan_t.c.label_stem,
            )
            .where(plan_t.c.document_id.in_(chunk))
            .order_by(plan_t.c.document_id, plan_t.c.seq, plan_t.c.id)
        )
        for r in result:
            year = label_year(r.year, sources[r.document_id][0])
            key = (r.document_id, PlanField(r.field))
            out.setdefault(key, []).append((year, str(r.kind), r.label_stem))
    return out
