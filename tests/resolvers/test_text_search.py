"""Text search folds 全角/半角 and case on every searching surface (issue 19): ＶＯＣｓ finds what
VOCs finds, on both dialects, with the compiled read path on and off (models/rules/search.py)."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

import models
from models.rules.search import FOLDED, fold, folded_values
from tests.conftest import TestDatabase, graphql_client

TASKS = "query ($t: String!) { tasks(filter: { text: $t }) { totalCount } }"
UNIT_TASKS = """
query ($t: String!) {
  orgUnits(first: 1) {
    edges { node { tasks(includeDescendants: true, filter: { text: $t }) { totalCount } } }
  }
}
"""
RECTIFICATIONS = """
query ($t: String!) {
  orgUnits(first: 1) {
    edges { node { rectifications(includeDescendants: true, filter: { text: $t }) { totalCount } } }
  }
}
"""


def test_fold_is_nfkc_and_casefold() -> None:
    assert fold("ＶＯＣｓ") == fold("VOCs") == fold("vocs") == "vocs"
    assert fold("ＰＭ２．５") == "pm2.5"
    assert fold("城区\u3000生态") == "城区 生态"
    assert fold(fold("Straße ＡＢＣ")) == fold("Straße ＡＢＣ")  # idempotent
    assert folded_values("task", {"title": "ＶＯＣｓ", "seq": 1}) == {
        "title": "ＶＯＣｓ",
        "seq": 1,
        "title_folded": "vocs",
    }


def _count(data: dict[str, object], path: tuple[str, ...]) -> int:
    value: object = data
    for key in path:
        if isinstance(value, list):
            value = value[0]
        assert isinstance(value, dict)
        value = value[key]
    assert isinstance(value, int)
    return value


CASES = [
    (TASKS, ("tasks", "totalCount"), ["VOCs", "ＶＯＣｓ", "vocs", "ｖｏｃｓ", " VOCS "]),
    (UNIT_TASKS, ("orgUnits", "edges", "node", "tasks", "totalCount"), ["VOCs", "ＶＯＣＳ"]),
    (TASKS, ("tasks", "totalCount"), ["2023年", "２０２３年"]),
    (
        RECTIFICATIONS,
        ("orgUnits", "edges", "node", "rectifications", "totalCount"),
        ["2016", "２０１６"],
    ),
]


@pytest.mark.parametrize(("query", "path", "variants"), CASES)
async def test_full_width_and_case_find_the_same(
    seeded_db: TestDatabase, query: str, path: tuple[str, ...], variants: list[str]
) -> None:
    async with (
        graphql_client(seeded_db) as fast,
        graphql_client(seeded_db, compiled=False) as slow,
    ):
        counts = {
            (variant, compiled): _count(await client.query(query, {"t": variant}), path)
            for variant in variants
            for compiled, client in ((True, fast), (False, slow))
        }
    assert len(set(counts.values())) == 1, counts
    assert next(iter(counts.values())) > 0, counts


async def test_every_writer_keeps_the_folded_columns(seeded_db: TestDatabase) -> None:
    """Seeded (inserted) rows carry their folded text; an update through the one home
    (update_versioned) refolds it."""
    from resolvers.writes import update_versioned

    async with seeded_db.engine.connect() as conn:
        for table_name, columns in FOLDED.items():
            table = models.metadata.tables[table_name]
            for source, target in columns.items():
                rows = (await conn.execute(sa.select(table.c[source], table.c[target]))).all()
                assert rows, table_name
                assert all(
                    folded == (None if text is None else fold(text)) for text, folded in rows
                ), (table_name, source)
        task_t = models.metadata.tables["task"]
        task_id: uuid.UUID = (await conn.execute(sa.select(task_t.c.id).limit(1))).scalar_one()
        await update_versioned(
            conn, task_t, task_id, {"title": "治理ＶＯＣｓ"}, expected_version=None
        )
        folded = await conn.scalar(sa.select(task_t.c.title_folded).where(task_t.c.id == task_id))
        assert folded == "治理vocs"
        await conn.rollback()
