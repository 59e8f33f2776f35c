"""GraphQL over HTTP: graphql-http's server audits against a real server, zero errors.

Needs Node and the npm registry (once: tests/conformance/node_modules); without them the test
is skipped, except under CI=true, where it fails.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from api.settings import Settings
from tests.conformance import audit
from tests.conftest import IN_CI, sqlite_url


@pytest.mark.conformance
def test_graphql_http_server_audits(
    golden_sqlite: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    try:
        audit.install()
    except audit.NodeUnavailable as exc:
        if IN_CI:
            pytest.fail(f"the conformance audit must run under CI=true: {exc}")
        pytest.skip(f"graphql-http cannot be installed: {exc}")
    database = tmp_path / "conformance.db"
    shutil.copy(golden_sqlite["seeded"], database)
    monkeypatch.setenv("GOVGRAPH_DATABASE_URL", sqlite_url(database))
    monkeypatch.setenv("GOVGRAPH_ANONYMOUS", "demo")
    with audit.serve(Settings.from_env()) as url:
        results = audit.run_audit(url)
    report = audit.summary(results)
    assert len(results) > 40, report
    errors = [r for r in results if r.status == "error"]
    assert not errors, report
    unexpected = [r for r in results if r.status == "warn" and r.id not in audit.ACCEPTED_WARNINGS]
    assert not unexpected, report
