"""Import, change feed, exports and snapshot with PostgreSQL's row-level security on."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import pytest

from tests.conftest import graphql_client
from tests.ledger_files import Row, csv_bytes
from tests.resolvers.changes.test_feed import fresh
from tests.resolvers.ledger.conftest import Ledger


@pytest.mark.postgres
@pytest.mark.private_db
async def test_ledger_and_sharing_work_behind_row_level_security(ledger: Ledger) -> None:
    if ledger.db.dialect != "postgresql":
        pytest.skip("row-level security is PostgreSQL's")
    async with graphql_client(ledger.db, rls=True) as gql:
        secured = replace(ledger, client=gql)
        rows = [
            Row("一、类", 1, "南村镇的措施。", "2024年6月底前", "南村镇"),
            Row("一、类", 2, "北石店镇的措施。", "2024年6月底前", "北石店镇"),
        ]
        payload = await secured.upload(csv_bytes(rows), "台账.csv")
        assert (payload["errors"], payload["report"]["created"]) == ([], 2)
        town = secured.as_unit("南村镇", "VIEWER")
        titles = {c.get("title") for c in (await fresh(town)).values()}
        assert "南村镇的措施" in titles
        assert "北石店镇的措施" not in titles
        headers = {"authorization": f"Bearer {town.token}"}
        exported = await gql.http.get(
            "/export/ledger.csv", params={"unit": "城区"}, headers=headers
        )
        measures = {row[2] for row in csv.reader(io.StringIO(exported.text.lstrip("\ufeff")))}
        assert "南村镇的措施。" in measures
        assert "北石店镇的措施。" not in measures
        snapshot = (await gql.http.get("/export/snapshot.json", headers=headers)).json()
        assert "北石店镇的措施" not in {t["title"] for t in snapshot["tasks"]}
