"""plan label stem

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07

Issue 16, point 5 (labels unique within any unit's view): plan.label_stem stores the part of
its tasks' labels before the kind mark and 序号 (2023大气; 2023城区大气 when another plan of
the same year, field and kind came first), held unique per kind by uq_plan_label_stem, so two
governments' 2023 air plans no longer both read 2023大气-1 in a view above both.

Existing plans are backfilled in document issue order (undated last), then by the plan's
creation time, 序号 and id, with the allocation of models/rules/labels.py frozen below (this
migration imports no application code): a plan of the same document, label year and field
already holding a stem → that stem; else the plain stem; else the issuing government's short
name inserted; else a counter. A database whose plans never shared a (year, field, kind) (the
seed's) keeps exactly the labels it showed before.
"""

import re
import unicodedata
from collections.abc import Iterator, Sequence
from datetime import date
from itertools import count
from typing import Any

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FIELD_LABELS = {"AIR": "大气", "WATER": "水", "SOIL": "土壤", "ECOLOGY": "生态", "OTHER": "其他"}
TERRITORIAL = {"PROVINCE", "CITY", "DISTRICT", "TOWN"}
LEADERSHIP_SUFFIXES = ("人民政府", "政府", "党工委", "党委")
LEVEL_SUFFIXES = ("区", "县", "市", "省")
MAX_NAME = 60
WHITESPACE = re.compile(r"\s+")
BRACKETS = str.maketrans("（〔［[【(" + "）〕］]】)", "((((((" + "))))))")

org_unit = sa.table(
    "org_unit",
    sa.column("id", sa.Uuid()),
    sa.column("parent_id", sa.Uuid()),
    sa.column("kind", sa.String()),
    sa.column("name", sa.String()),
)
document = sa.table(
    "document",
    sa.column("id", sa.Uuid()),
    sa.column("issued_on", sa.Date()),
    sa.column("issuer_id", sa.Uuid()),
)
plan = sa.table(
    "plan",
    sa.column("id", sa.Uuid()),
    sa.column("document_id", sa.Uuid()),
    sa.column("kind", sa.String()),
    sa.column("field", sa.String()),
    sa.column("year", sa.Integer()),
    sa.column("seq", sa.Integer()),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("label_stem", sa.String()),
)


def _short_name(name: str) -> str:
    """names.short_name as of 0023: normalised, no leadership suffix, no level (晋城市 → 晋城)."""
    core = name
    for _ in range(2):
        core = WHITESPACE.sub("", unicodedata.normalize("NFKC", core))
    core = core.translate(BRACKETS)
    for suffix in LEADERSHIP_SUFFIXES:
        if core.endswith(suffix) and len(core) > len(suffix):
            core = core[: -len(suffix)]
            break
    if core.endswith(LEVEL_SUFFIXES) and len(core) > 2:
        core = core[:-1]
    return core


def _candidates(
    year: int | None, field: str, government: str | None, preferred: list[str]
) -> Iterator[str]:
    """labels.label_stem_candidates as of 0023."""
    shown = "" if year is None else str(year)
    plain = f"{shown}{FIELD_LABELS[field]}"
    named = f"{shown}{(government or '').replace('-', '')[:MAX_NAME]}{FIELD_LABELS[field]}"
    seen: set[str] = set()
    for stem in (*preferred, plain, named):
        if stem not in seen:
            seen.add(stem)
            yield stem
    for n in count(2):
        yield f"{named}({n})"


def _government(units: dict[Any, Any], issuer: Any) -> str | None:
    """The short name of the nearest territorial unit at or above the issuer (else its own)."""
    if issuer not in units:
        return None
    current, seen = issuer, set()
    while current in units and current not in seen:
        seen.add(current)
        if units[current].kind in TERRITORIAL:
            return _short_name(units[current].name)
        current = units[current].parent_id
    return _short_name(units[issuer].name)


def _backfill(conn: sa.Connection) -> None:
    units = {row.id: row for row in conn.execute(sa.select(org_unit))}
    documents = {row.id: row for row in conn.execute(sa.select(document))}
    plans = list(conn.execute(sa.select(plan)))

    def order(row: Any) -> tuple[Any, ...]:
        issued_on = documents[row.document_id].issued_on
        return (issued_on is None, issued_on or date.min, row.created_at, row.seq, row.id)

    held: set[tuple[str, str]] = set()
    siblings: dict[tuple[Any, str], list[tuple[int | None, str, str]]] = {}
    stems = []
    for row in sorted(plans, key=order):
        doc = documents[row.document_id]
        year = row.year if row.year is not None else (doc.issued_on.year if doc.issued_on else None)
        preferred = [
            stem
            for other_year, other_kind, stem in siblings.get((row.document_id, row.field), [])
            if other_year == year and other_kind != row.kind
        ]
        government = None if doc.issuer_id is None else _government(units, doc.issuer_id)
        stem = next(
            s
            for s in _candidates(year, row.field, government, preferred)
            if (s, row.kind) not in held
        )
        held.add((stem, row.kind))
        siblings.setdefault((row.document_id, row.field), []).append((year, row.kind, stem))
        stems.append({"plan_id": row.id, "stem": stem})
    if stems:
        conn.execute(
            plan.update().where(plan.c.id == sa.bindparam("plan_id")),
            [{"plan_id": s["plan_id"], "label_stem": s["stem"]} for s in stems],
        )


def upgrade() -> None:
    with op.batch_alter_table("plan") as batch:
        batch.add_column(
            sa.Column("label_stem", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True)
        )
    _backfill(op.get_bind())
    with op.batch_alter_table("plan") as batch:
        batch.alter_column(
            "label_stem", existing_type=sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False
        )
    op.create_index("uq_plan_label_stem", "plan", ["label_stem", "kind"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_plan_label_stem", table_name="plan")
    with op.batch_alter_table("plan") as batch:
        batch.drop_column("label_stem")
