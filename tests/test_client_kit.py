"""The frontend developer's kit (issue 19, point 7): docs/client's typed client stays true.

1. generated/graphql.ts is what graphql-codegen makes of today's schema.graphql and the docs'
   and dashboard's operations (a schema change without `npm run codegen` fails here);
2. example.ts type-checks against it (a field the schema dropped is a compile error);
3. the compiled example runs against a real server and prints the API's numbers.

Needs Node and the npm registry (docs/client/node_modules, installed once); skipped without
them, except under CI=true (a failure).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from api.settings import Settings
from tests.conformance import audit
from tests.conftest import IN_CI, sqlite_url

KIT = Path(__file__).resolve().parents[1] / "docs" / "client"
EXPECTED = """query ($name: String!, $asOf: Date) { orgUnit(name: $name) {
  taskRollup(asOf: $asOf) { total overdue completionRate } } }"""


@pytest.fixture(scope="module")
def kit() -> Path:
    try:
        audit.install(KIT)
    except audit.NodeUnavailable as exc:
        if IN_CI:
            pytest.fail(f"the client kit must be checked under CI=true: {exc}")
        pytest.skip(f"the client kit cannot be installed: {exc}")
    return KIT


def _run(kit: Path, *command: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(command, cwd=kit, capture_output=True, timeout=300, check=False)


@pytest.mark.conformance
def test_the_generated_types_match_the_schema(kit: Path) -> None:
    done = _run(kit, "node", "check.js")
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    assert json.loads(done.stdout) == {"files": 1, "stale": 0}


@pytest.mark.conformance
def test_the_example_type_checks_runs_and_prints_the_apis_numbers(
    kit: Path,
    golden_sqlite: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = tmp_path / "build"
    tsc = str(kit / "node_modules" / ".bin" / "tsc")
    done = _run(kit, tsc, "-p", "tsconfig.json", "--outDir", str(out))
    assert done.returncode == 0, done.stdout.decode(errors="replace")
    # The compiled example imports ./generated/graphql.js next to it; its packages resolve
    # from docs/client/node_modules through a link beside the build.
    (tmp_path / "node_modules").symlink_to(kit / "node_modules")
    (tmp_path / "package.json").write_text('{"type": "module"}', encoding="utf-8")
    database = tmp_path / "kit.db"
    shutil.copy(golden_sqlite["seeded"], database)
    monkeypatch.setenv("GOVGRAPH_DATABASE_URL", sqlite_url(database))
    monkeypatch.setenv("GOVGRAPH_ANONYMOUS", "demo")
    with audit.serve(Settings.from_env()) as url:
        ran = subprocess.run(
            ["node", str(out / "example.js"), url, "城区", "2024-06-30"],
            capture_output=True,
            timeout=60,
            check=False,
        )
        api = httpx.post(
            url, json={"query": EXPECTED, "variables": {"name": "城区", "asOf": "2024-06-30"}}
        ).json()["data"]["orgUnit"]["taskRollup"]
    assert ran.returncode == 0, ran.stderr.decode(errors="replace")
    printed = json.loads(ran.stdout)
    assert printed["rollup"]["total"] == api["total"]
    assert printed["rollup"]["overdue"] == api["overdue"]
    assert printed["lines"][0].startswith(f"城区: {api['total']} tasks, {api['overdue']} overdue")
