"""Ledger import benchmark: a generated 10,000-row 台账 through `govgraph import-ledger`.

    .venv/bin/python -m bench.ledger_import [--rows 10000] [--database-url URL]
                                            [--export-rows 100000] [--no-write]

1. a fresh database (a temporary SQLite file unless --database-url names an empty one),
   migrated and seeded (the 城区 tree, its aliases and towns);
2. a new document and plan, and a generated ledger of --rows rows as .xlsx: categories
   merged over their blocks, 1–3 lead units per row by alias (区城管局 …) and now and then
   a group reference (各镇（街道）), a 配合单位 column, the seed documents' deadline forms;
3. times the import (the command's own code, in this process), a re-import of the same
   file (all rows unchanged), a dry run of an edited file, and the export of the plan;
4. with --export-rows N: tops the plan up to N tasks (bulk inserts) and times
   `govgraph export-ledger` (csv and xlsx) in a subprocess, reporting its peak RSS;
5. writes the figures between the ledger markers of bench/RESULTS.md (other sections stay).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from openpyxl import Workbook

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"
BEGIN, END = "<!-- ledger-import:begin -->", "<!-- ledger-import:end -->"
DOC_NUMBER = "城政办发〔2099〕1号"
BIN = Path(sys.executable).parent

LEADS = [
    "区发改(能源)局",
    "区工信局",
    "区民营经济局",
    "区行政审批局",
    "区生态环境分局",
    "区市场监管局",
    "区交通局",
    "区住建局",
    "区城管局",
    "区农业农村局",
    "区水务局",
    "区自然资源局",
    "区市容环卫中心",
    "南村镇",
    "北石店镇",
    "西上庄街道办事处",
    "钟家庄街道办事处",
]
DEADLINES = [
    "长期坚持",
    "2024年{m}月底前",
    "2024年{m}月{d}日起",
    "2024年{a}-{b}月",
    "2024年采暖季前",
    "{m}月底前",
    "2024年底前",
]


def generate(rows: int, seed: int = 1) -> list[list[Any]]:
    """Ledger rows: 任务类别, 序号, 具体措施, 完成时限, 牵头单位, 配合单位, 备注."""
    rng = random.Random(seed)
    out = []
    for seq in range(1, rows + 1):
        block = (seq - 1) // 100 + 1
        month = rng.randint(1, 12)
        start = rng.randint(1, 10)
        deadline = rng.choice(DEADLINES).format(
            m=month, d=rng.randint(1, 28), a=start, b=rng.randint(start + 1, 12)
        )
        leads = rng.sample(LEADS, rng.randint(1, 3))
        if rng.random() < 0.05:
            leads.append("各镇（街道）")
        cooperating = rng.choice(LEADS) if rng.random() < 0.3 else ""
        if cooperating in leads:
            cooperating = ""
        measure = (
            f"第{block}类第{seq}项：加强重点行业企业环境监管，开展专项检查，"
            f"完成问题整改并建立台账（编号{rng.randint(10**5, 10**6)}）。"
        )
        remarks = "按月报送进展" if rng.random() < 0.1 else ""
        out.append(
            [
                f"{block}、重点任务类别{block}",
                seq,
                measure,
                deadline,
                "、".join(leads),
                cooperating,
                remarks,
            ]
        )
    return out


def xlsx(rows: list[list[Any]]) -> bytes:
    """A workbook as bureaus send it: a title row, the header, categories merged per block."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["晋城市城区2099年重点工作任务台账"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=7)
    sheet.append(["任务类别", "序号", "具体措施", "完成时限", "牵头单位", "配合单位", "备注"])
    for row in rows:
        sheet.append(row)
    first = 3
    start = first
    for index in range(1, len(rows) + 1):
        if index == len(rows) or rows[index][0] != rows[index - 1][0]:
            end = first + index - 1
            if end > start:
                for r in range(start + 1, end + 1):
                    sheet.cell(row=r, column=1).value = None
                sheet.merge_cells(start_row=start, start_column=1, end_row=end, end_column=1)
            start = end + 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@contextlib.contextmanager
def timed(label: str, figures: dict[str, float]) -> Iterator[None]:
    started = time.perf_counter()
    yield
    figures[label] = time.perf_counter() - started
    print(f"{label}: {figures[label]:.2f} s", file=sys.stderr)


async def prepare(url: str) -> None:
    """Migrate, seed, and add the document and plan the ledger goes into."""
    import models
    from api.cli_seed import seed_database
    from api.db import create_engine
    from api.migrate import upgrade
    from resolvers.document.label_stems import insert_plans

    await asyncio.to_thread(upgrade, url)
    await seed_database(url)
    engine = create_engine(url)
    tables = models.metadata.tables
    now = datetime.now(UTC)
    stamps = {"created_at": now, "updated_at": now, "version": 1}
    try:
        async with engine.begin() as conn:
            issuer = (
                await conn.execute(
                    sa.select(tables["org_unit"].c.id).where(
                        tables["org_unit"].c.name == "城区人民政府办公室"
                    )
                )
            ).scalar_one()
            document_id = uuid.uuid4()
            await conn.execute(
                tables["document"].insert(),
                [
                    {
                        "id": document_id,
                        "doc_number": DOC_NUMBER,
                        "doc_number_normalized": DOC_NUMBER,
                        "title": "基准测试文件",
                        "kind": "NOTICE",
                        "issuer_id": issuer,
                        "issued_on": date(2024, 1, 1),
                        "attributes": {},
                        **stamps,
                    }
                ],
            )
            await insert_plans(  # the one plan writer: its label stem
                conn,
                [
                    {
                        "id": uuid.uuid4(),
                        "document_id": document_id,
                        "parent_id": None,
                        "key": "bench",
                        "title": "基准测试计划",
                        "kind": "ACTION_PLAN",
                        "field": "AIR",
                        "year": 2024,
                        "seq": 1,
                        "narrative": [],
                        **stamps,
                    }
                ],
            )
    finally:
        await engine.dispose()


async def top_up(url: str, total: int) -> None:
    """Bulk-insert tasks (one lead each) until the bench plan holds `total`."""
    import models
    from api.db import create_engine

    tables = models.metadata.tables
    engine = create_engine(url)
    now = datetime.now(UTC)
    try:
        async with engine.begin() as conn:
            plan = (
                (
                    await conn.execute(
                        sa.select(tables["plan"]).where(tables["plan"].c.key == "bench")
                    )
                )
                .mappings()
                .one()
            )
            unit = (
                await conn.execute(
                    sa.select(tables["org_unit"].c.id).where(
                        tables["org_unit"].c.name == "城区水务局"
                    )
                )
            ).scalar_one()
            have = (
                await conn.execute(
                    sa.select(sa.func.max(tables["task"].c.seq)).where(
                        tables["task"].c.plan_id == plan["id"]
                    )
                )
            ).scalar() or 0
            for start in range(have + 1, total + 1, 5000):
                tasks, assignments = [], []
                for seq in range(start, min(start + 5000, total + 1)):
                    task_id = uuid.uuid4()
                    tasks.append(
                        {
                            "id": task_id,
                            "code": f"{DOC_NUMBER}/bench/{seq:06d}",
                            "plan_id": plan["id"],
                            "document_id": plan["document_id"],
                            "seq": seq,
                            "seq_path": str(seq),
                            "category": f"批量类别{seq // 1000}",
                            "title": f"批量任务{seq}",
                            "description": f"批量任务{seq}：加强监管，开展专项检查，完成整改。",
                            "deadline_kind": "BY_DATE",
                            "deadline_end": date(2024, 6, 30),
                            "deadline_text": "2024年6月底前",
                            "weight": 1.0,
                            "status": "NOT_STARTED",
                            "progress": 0.0,
                            "created_at": now,
                            "updated_at": now,
                            "version": 1,
                        }
                    )
                    assignments.append(
                        {
                            "id": uuid.uuid4(),
                            "task_id": task_id,
                            "org_unit_id": unit,
                            "role": "LEAD",
                            "status": "NOT_STARTED",
                            "progress": 0.0,
                            "created_at": now,
                            "updated_at": now,
                            "version": 1,
                        }
                    )
                await conn.execute(tables["task"].insert(), tasks)
                await conn.execute(tables["assignment"].insert(), assignments)
    finally:
        await engine.dispose()


def cli(*argv: str) -> int:
    from api.cli import main

    return main(list(argv))


def export_subprocess(url: str, fmt: str, out: Path) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of `govgraph export-ledger` in a child process."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [
            str(BIN / "govgraph"),
            "export-ledger",
            "--unit",
            "城区",
            "--doc-number",
            DOC_NUMBER,
            "--format",
            fmt,
            "--out",
            str(out),
            "--database-url",
            url,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    peak_kib = 0
    status = Path(f"/proc/{child.pid}/status")
    while child.poll() is None:
        # VmHWM: the child's own high-water mark (ru_maxrss would count the forked parent).
        with contextlib.suppress(OSError):
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak_kib = max(peak_kib, int(line.split()[1]))
        time.sleep(0.05)
    if child.returncode != 0:
        raise RuntimeError(f"export-ledger failed ({child.returncode})")
    return time.perf_counter() - started, peak_kib / 1024


def record(dialect: str, lines: list[str]) -> None:
    """Replace this dialect's block of the "Ledger import" section of bench/RESULTS.md."""
    begin, end = f"<!-- ledger-import:{dialect}:begin -->", f"<!-- ledger-import:{dialect}:end -->"
    block = "\n".join([begin, *lines, end])
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmarks\n"
    if BEGIN not in text or END not in text:
        text = text.rstrip("\n") + f"\n\n{BEGIN}\n## Ledger import\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    section, tail = rest.split(END, 1)
    if begin in section and end in section:
        before, after = section.split(begin, 1)
        section = before + block + after.split(end, 1)[1]
    else:
        section = section.rstrip("\n") + "\n\n" + block + "\n"
    RESULTS.write_text(head + BEGIN + section + END + tail, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--database-url", default=None, help="an empty database (default: SQLite)")
    parser.add_argument("--export-rows", type=int, default=0, help="also time an export this big")
    parser.add_argument("--no-write", action="store_true", help="do not touch bench/RESULTS.md")
    args = parser.parse_args()

    from api.settings import normalize_database_url

    workdir = Path(tempfile.mkdtemp(prefix="govgraph-ledger-bench-"))
    url = normalize_database_url(args.database_url or f"sqlite:///{workdir / 'bench.db'}")
    dialect = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    figures: dict[str, float] = {}
    asyncio.run(prepare(url))
    rows = generate(args.rows)
    with timed("generate xlsx", figures):
        data = xlsx(rows)
    ledger = workdir / "ledger.xlsx"
    ledger.write_bytes(data)
    common = ["--doc-number", DOC_NUMBER, "--database-url", url, "--progress-every", "5"]
    with timed("import", figures):
        assert cli("import-ledger", str(ledger), *common) == 0
    with timed("re-import (unchanged)", figures):
        assert cli("import-ledger", str(ledger), *common) == 0
    edited = [list(r) for r in rows]
    for row in edited[::10]:
        row[3] = "2025年6月底前"
    (workdir / "edited.xlsx").write_bytes(xlsx(edited))
    with timed("dry run of an edited file (10% rows changed)", figures):
        assert cli("import-ledger", str(workdir / "edited.xlsx"), *common, "--dry-run") == 0
    with timed("export xlsx", figures):
        out = workdir / "export.xlsx"
        assert (
            cli(
                "export-ledger",
                "--unit",
                "城区",
                "--doc-number",
                DOC_NUMBER,
                "--out",
                str(out),
                "--database-url",
                url,
                "--progress-every",
                "5",
            )
            == 0
        )
    big: list[str] = []
    if args.export_rows:
        asyncio.run(top_up(url, args.export_rows))
        for fmt in ("csv", "xlsx"):
            seconds, peak = export_subprocess(url, fmt, workdir / f"big.{fmt}")
            big.append(
                f"- export of {args.export_rows:,} rows as {fmt}: {seconds:.1f} s, "
                f"peak RSS of the process {peak:.0f} MB"
            )
            print(big[-1], file=sys.stderr)
    command = f".venv/bin/python -m bench.ledger_import --rows {args.rows}"
    if args.database_url:
        command += " --database-url <PostgreSQL>"
    if args.export_rows:
        command += f" --export-rows {args.export_rows}"
    lines = [
        f"### {dialect}",
        "",
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- command: `{command}`",
        f"- machine: {os.cpu_count()} cores, Python {platform.python_version()}, {dialect}",
        f"- ledger: {args.rows:,} generated rows as .xlsx ({len(data) / 1e6:.1f} MB): title row, "
        "categories merged per 100 rows, 1–3 leads by alias, some 各镇（街道）, 30% with 配合单位",
        "",
        "| step | seconds | rows/s |",
        "|---|---:|---:|",
        *(
            f"| {label} | {seconds:.2f} | {args.rows / seconds:,.0f} |"
            for label, seconds in figures.items()
            if label != "generate xlsx"
        ),
        "",
        "The import is one transaction (reading the workbook included); the re-import reads",
        "and compares every row and writes nothing.",
        *(["", *big] if big else []),
    ]
    if not args.no_write:
        record(dialect.lower(), lines)
        print(f"wrote {RESULTS.relative_to(ROOT)}", file=sys.stderr)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
