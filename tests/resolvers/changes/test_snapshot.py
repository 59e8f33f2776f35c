"""/export/snapshot.json: a unit subtree as of one transaction, with the feed's cursor."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from api.api_keys import create_key
from resolvers.changes.snapshot import snapshot_chunks
from resolvers.scope import Scope
from tests.conftest import GraphQLClient
from tests.ledger_files import Row, csv_bytes
from tests.resolvers.changes.test_feed import fresh, sync
from tests.resolvers.ledger.conftest import Ledger


async def snapshot(
    client: GraphQLClient, headers: dict[str, str] | None = None, **params: str
) -> Any:
    if headers is None:
        headers = {"authorization": f"Bearer {client.token}"} if client.token else {}
    return await client.http.get("/export/snapshot.json", params=params, headers=headers)


def _rows(*leads: str) -> list[Row]:
    return [
        Row("一、快照", n, f"快照措施{n}。", "2024年6月底前", lead)
        for n, lead in enumerate(leads, start=1)
    ]


class TestSnapshot:
    async def test_a_towns_snapshot_is_what_it_may_see(self, ledger: Ledger) -> None:
        await ledger.upload(csv_bytes(_rows("南村镇", "北石店镇")), "台账.csv")
        town = ledger.as_unit("南村镇", "VIEWER")
        response = await snapshot(town)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/json")
        body = response.json()
        assert body["unit"]["name"] == "南村镇"
        names = {unit["name"] for unit in body["orgUnits"]}
        assert {"南村镇", "城区", "晋城市", "山西省"} <= names
        # Another branch stays out; a sibling town co-assigned on a district task with it is
        # shown as a unit (its own task, 快照措施2, is not).
        assert "阳城县" not in names
        feed = await fresh(town)
        assert {t["id"] for t in body["tasks"]} == {k[1] for k in feed if k[0] == "TASK"}
        assert {r["id"] for r in body["rectifications"]} == {
            k[1] for k in feed if k[0] == "RECTIFICATION"
        }
        titles = {t["title"] for t in body["tasks"]}
        assert "快照措施1" in titles
        assert "快照措施2" not in titles
        task = next(t for t in body["tasks"] if t["title"] == "快照措施1")
        assert {a["taskId"] for a in body["assignments"]} >= {task["id"]}
        assert task["planId"].startswith("UGxhbj")  # global ids, as in the feed ("Plan:…")

    async def test_the_cursor_continues_where_the_snapshot_stands(self, ledger: Ledger) -> None:
        district = ledger.as_unit("城区", "VIEWER")
        body = (await snapshot(district, unit="城区")).json()
        cursor, nothing = await sync(district, {}, body["changesCursor"])
        assert nothing == []
        await ledger.upload(csv_bytes(_rows("南村镇")), "台账.csv")
        _, changes = await sync(district, {}, cursor)
        assert [c["object"]["title"] for c in changes] == ["快照措施1"]

    @pytest.mark.private_db
    async def test_consistent_as_of_one_transaction(self, ledger: Ledger) -> None:
        """A write committed while the snapshot streams is not in it, and the feed has it."""
        unit = {"id": ledger.units["城区"], "name": "城区"}
        chunks = snapshot_chunks(ledger.db.engine, Scope(root=ledger.units["城区"]), unit)
        parts = [await anext(chunks)]  # the transaction and its cursor are taken
        await ledger.upload(csv_bytes(_rows("南村镇")), "台账.csv")
        parts += [part async for part in chunks]
        body = orjson.loads(b"".join(parts))
        assert "快照措施1" not in {t["title"] for t in body["tasks"]}
        district = ledger.as_unit("城区", "VIEWER")
        _, changes = await sync(district, {}, body["changesCursor"])
        assert [c["object"]["title"] for c in changes] == ["快照措施1"]

    async def test_a_sharing_partner_gets_no_internal_fields(self, ledger: Ledger) -> None:
        async with ledger.db.engine.begin() as conn:
            issued = await create_key(conn, name="省平台", unit_id=ledger.units["城区"])
        response = await snapshot(ledger.client, {"x-api-key": issued.secret})
        assert response.status_code == 200
        body = response.json()
        assert body["disclosure"] == "SHARED"
        assert body["rectifications"]
        assert all("responsiblePersons" not in r for r in body["rectifications"])
        assert all("actor" not in e for e in body["rectificationEvents"])
        internal = (await snapshot(ledger.as_unit("城区", "VIEWER"))).json()
        assert all("responsiblePersons" in r for r in internal["rectifications"])

    async def test_only_units_in_the_viewers_subtree(self, ledger: Ledger) -> None:
        town = ledger.as_unit("南村镇", "VIEWER")
        assert (await snapshot(town, unit="城区")).status_code == 404  # an ancestor
        assert (await snapshot(town, unit="北石店镇")).status_code == 404
        assert (await snapshot(town, unit="无此单位")).status_code == 404
