"""Apollo Client's and urql's own persisted-query links against a real server (issue 19,
point 2): not a re-enactment of their protocol but the libraries themselves, under Node
(pinned in tests/clients/package.json, installed once into tests/clients/node_modules).

Each link runs the same query twice: the first time the server does not know the hash
(PersistedQueryNotFound), the link sends the text and the hash and gets its data; the second
time the hash alone is enough. Both ask by GET (Apollo's `useGETForHashedQueries`, urql's
`preferGetForPersistedQueries`), so the answers carry an ETag. Then trusted mode: the
operations as each link prints them (Apollo adds `__typename`), registered from an Apollo
persisted-query manifest, run by hash; an unregistered text is refused.

Needs Node and the npm registry; skipped without them, except under CI=true (a failure).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from api.cli import main
from api.persisted import sha256_of
from api.settings import Settings
from tests.conformance import audit
from tests.conftest import IN_CI, sqlite_url

HERE = Path(__file__).resolve().parent
QUERY = "query Unit($name: String!) { orgUnit(name: $name) { name kind } }\n"
EXPECTED = {"name": "城区", "kind": "DISTRICT"}


def _links(url: str, query_file: Path, variables: dict[str, Any]) -> dict[str, Any]:
    completed = subprocess.run(
        ["node", str(HERE / "links.mjs"), url, str(query_file), json.dumps(variables)],
        cwd=HERE,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr.decode(errors="replace")[-2000:]
    result: dict[str, Any] = json.loads(completed.stdout)
    return result


def _seeded_copy(
    golden_sqlite: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, Path]:
    """A copy of the seeded SQLite file the server will serve (the demo viewer on), and the
    query file the links send."""
    database = tmp_path / "seeded.db"
    shutil.copy(golden_sqlite["seeded"], database)
    query_file = tmp_path / "unit.graphql"
    query_file.write_text(QUERY, encoding="utf-8")
    monkeypatch.setenv("GOVGRAPH_DATABASE_URL", sqlite_url(database))
    monkeypatch.setenv("GOVGRAPH_ANONYMOUS", "demo")
    return database, query_file


@pytest.fixture
def node_links() -> None:
    try:
        audit.install(HERE)
    except audit.NodeUnavailable as exc:
        if IN_CI:
            pytest.fail(f"the client links must run under CI=true: {exc}")
        pytest.skip(f"the client links cannot be installed: {exc}")


@pytest.mark.conformance
def test_apollo_and_urql_links_persist_their_queries(
    node_links: None,
    golden_sqlite: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, query_file = _seeded_copy(golden_sqlite, tmp_path, monkeypatch)
    with audit.serve(Settings.from_env()) as url:
        result = _links(url, query_file, {"name": "城区"})
    for client in ("apollo", "urql"):
        log, data = result[client]["log"], result[client]["data"]
        assert [entry["status"] for entry in log] == [200, 200, 200], (client, log)
        # Hash alone (unknown) → hash and text → hash alone (known), the same hash throughout.
        assert [(e["hash"] is not None, e["query"]) for e in log] == [
            (True, False),
            (True, True),
            (True, False),
        ], (client, log)
        assert len({e["hash"] for e in log}) == 1
        assert log[0]["method"] == log[2]["method"] == "GET", (client, log)
        assert [{k: v for k, v in d["orgUnit"].items() if k != "__typename"} for d in data] == [
            EXPECTED,
            EXPECTED,
        ]


@pytest.mark.conformance
def test_trusted_mode_runs_a_manifests_operations_by_hash(
    node_links: None,
    golden_sqlite: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    database, query_file = _seeded_copy(golden_sqlite, tmp_path, monkeypatch)
    # What each link sends, as a build step would collect it (APQ mode, once).
    with audit.serve(Settings.from_env()) as url:
        printed = _links(url, query_file, {"name": "城区"})
    texts = {e["text"] for c in ("apollo", "urql") for e in printed[c]["log"] if e["text"]}
    assert len(texts) == 2  # Apollo's print adds __typename: another text, another hash
    manifest = tmp_path / "persisted-query-manifest.json"
    manifest.write_text(
        json.dumps(
            {
                "format": "apollo-persisted-query-manifest",
                "version": 1,
                "operations": [
                    {"id": sha256_of(t), "body": t, "name": "Unit", "type": "query"}
                    for t in sorted(texts)
                ],
            }
        ),
        encoding="utf-8",
    )
    argv = ["operations", "register", "--manifest", str(manifest)]
    assert main([*argv, "--database-url", sqlite_url(database)]) == 0

    monkeypatch.setenv("GOVGRAPH_PERSISTED_QUERIES", "trusted")
    with audit.serve(Settings.from_env()) as url:
        trusted = _links(url, query_file, {"name": "城区"})
        other = tmp_path / "other.graphql"
        other.write_text("query Other { orgUnits(first: 1) { totalCount } }", encoding="utf-8")
        refused = subprocess.run(
            ["node", str(HERE / "links.mjs"), url, str(other), "{}"],
            cwd=HERE,
            capture_output=True,
            timeout=120,
            check=False,
        )
    for client in ("apollo", "urql"):
        log = trusted[client]["log"]
        # Registered: the hash alone answers, from the first request on.
        assert [(e["method"], e["query"], e["status"]) for e in log] == [
            ("GET", False, 200),
            ("GET", False, 200),
        ], (client, log)
        assert [d["orgUnit"]["name"] for d in trusted[client]["data"]] == ["城区", "城区"]
    assert refused.returncode != 0
    assert b"operation not on the trusted list" in refused.stderr + refused.stdout
