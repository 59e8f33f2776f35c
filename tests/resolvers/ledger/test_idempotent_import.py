"""`Idempotency-Key` on multipart requests: a replayed importLedger upload is not run again."""

from __future__ import annotations

from typing import Any

import httpx
import orjson

from tests.ledger_files import air_ledger, csv_bytes, edit
from tests.resolvers.ledger.conftest import IMPORT, Ledger


async def _upload(
    ledger: Ledger, data: bytes, key: str, filename: str = "台账.csv"
) -> httpx.Response:
    """importLedger as the GraphQL multipart request spec has it (httpx picks a new boundary
    for every request)."""
    client = ledger.as_unit("城区")
    operations = {"query": IMPORT, "variables": {"input": {"plan": ledger.plan, "file": None}}}
    return await client.http.post(
        "/graphql",
        data={
            "operations": orjson.dumps(operations).decode(),
            "map": orjson.dumps({"0": ["variables.input.file"]}).decode(),
        },
        files={"0": (filename, data, "text/csv")},
        headers={"authorization": f"Bearer {client.token}", "idempotency-key": key},
    )


def _report(response: httpx.Response) -> dict[str, Any]:
    report: dict[str, Any] = response.json()["data"]["importLedger"]["report"]
    return report


async def test_a_replayed_upload_returns_the_stored_response_and_runs_nothing(
    ledger: Ledger,
) -> None:
    rows = air_ledger()
    first = await _upload(ledger, csv_bytes(rows), "import-1")
    assert first.status_code == 200, first.text
    assert "idempotent-replayed" not in first.headers
    assert _report(first)["created"] == 34
    after_first = await ledger.counts()

    replay = await _upload(ledger, csv_bytes(rows), "import-1")
    assert replay.headers.get("idempotent-replayed") == "true", replay.text
    assert replay.content == first.content  # created 34, not a re-run's "unchanged 34"
    assert await ledger.counts() == after_first

    # The same key with another file (or file name) is refused, and nothing runs.
    changed = edit(rows, 3, measure="改过的措施")
    for data, name in ((csv_bytes(changed), "台账.csv"), (csv_bytes(rows), "其他.csv")):
        other = await _upload(ledger, data, "import-1", name)
        assert other.status_code == 422, other.text
        assert other.json()["errors"][0]["extensions"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert await ledger.counts() == after_first

    # Another key runs: the changed file updates one row.
    fresh = await _upload(ledger, csv_bytes(changed), "import-2")
    assert "idempotent-replayed" not in fresh.headers
    assert _report(fresh)["updated"] == 1
