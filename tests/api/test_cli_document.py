"""Issue 16, point 6: a new document from the command line, end to end, on both backends.

`govgraph document create` → `govgraph plan create` → `govgraph import-ledger`, then the
tasks are there through GraphQL; the issuer given in its full official form
(晋城市城区人民政府) is 城区.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from api.cli import main
from tests.conftest import TestDatabase, graphql_client
from tests.ledger_files import air_ledger, xlsx_bytes

DOC = "城政办发〔2024〕8号"
TITLE = "晋城市城区空气质量再提升2024年行动计划"


async def _run(argv: list[str]) -> int:
    # The command runs its own event loop: give it a thread.
    return await asyncio.to_thread(main, argv)


async def _count_documents(db: TestDatabase) -> int:
    async with graphql_client(db) as client:
        data = await client.query("{ documents(first: 100) { totalCount } }")
    count: int = data["documents"]["totalCount"]
    return count


@pytest.mark.private_db  # the commands open their own connections
async def test_document_plan_and_ledger_from_the_command_line(
    seeded_db: TestDatabase, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = seeded_db.url
    await seeded_db.engine.dispose()
    document = [
        "document",
        "create",
        "--title",
        TITLE,
        "--issuer",
        "晋城市城区人民政府",
        "--issued-on",
        "2024-03-01",
        "--doc-number",
        DOC,
        "--database-url",
        url,
    ]
    assert await _run(document) == 0
    out = capsys.readouterr().out
    assert f"{DOC} issued by 城区 on 2024-03-01: {TITLE}" in out
    plan = ["plan", "create", "--doc-number", DOC, "--title", TITLE, "--field", "AIR"]
    assert await _run([*plan, "--year", "2024", "--key", "air", "--database-url", url]) == 0
    assert f"{DOC} air: {TITLE} (its tasks' labels: 2024大气-1 …)" in capsys.readouterr().out
    ledger = tmp_path / "台账.xlsx"
    ledger.write_bytes(xlsx_bytes(air_ledger()))
    imported = ["import-ledger", str(ledger), "--doc-number", DOC, "--plan-key", "air"]
    assert await _run([*imported, "--database-url", url]) == 0
    assert "created 34" in capsys.readouterr().out

    async with graphql_client(seeded_db) as client:
        data = await client.query(
            """query ($doc: String!) { tasks(filter: {docNumber: $doc}, first: 1) {
                 totalCount edges { node { label document { issuedOn issuer { name } }
                   plan { year field taskRollup { total } } } } } }""",
            {"doc": DOC},
        )
    assert data["tasks"]["totalCount"] == 34
    task = data["tasks"]["edges"][0]["node"]
    assert task["document"] == {"issuedOn": "2024-03-01", "issuer": {"name": "城区"}}
    assert task["plan"] == {"year": 2024, "field": "AIR", "taskRollup": {"total": 34}}


@pytest.mark.private_db  # the commands open their own connections
async def test_refusals_exit_2_and_write_nothing(
    seeded_db: TestDatabase, capsys: pytest.CaptureFixture[str]
) -> None:
    url = seeded_db.url
    before = await _count_documents(seeded_db)
    await seeded_db.engine.dispose()
    base = ["document", "create", "--title", TITLE, "--database-url", url]
    # 城政办发〔2023〕20号 is the seed's, by 城区人民政府办公室: one per issuer and 文号.
    taken = [*base, "--issuer", "晋城市城区人民政府办公室", "--doc-number", "城政办发〔2023〕20号"]
    assert await _run(taken) == 2
    assert "DUPLICATE" in capsys.readouterr().err
    assert await _run([*base, "--issuer", "不存在的人民政府"]) == 2
    assert "no unit named 不存在的人民政府" in capsys.readouterr().err
    plan = ["plan", "create", "--doc-number", "无此文号", "--title", "x", "--field", "AIR"]
    assert await _run([*plan, "--database-url", url]) == 2
    assert "no document 无此文号" in capsys.readouterr().err
    assert await _count_documents(seeded_db) == before


async def test_full_official_name_finds_the_unit(seeded_db: TestDatabase) -> None:
    async with graphql_client(seeded_db) as client:
        data = await client.query(
            """{ full: orgUnit(name: "晋城市城区人民政府") { name }
                 province: orgUnit(name: "山西省晋城市城区人民政府") { name }
                 government: orgUnit(name: "城区人民政府") { name }
                 wrongCity: orgUnit(name: "太原市城区人民政府") { name } }"""
        )
    assert data == {
        "full": {"name": "城区"},
        "province": {"name": "城区"},
        "government": {"name": "城区"},
        "wrongCity": None,
    }
