"""`govgraph serve` with GOVGRAPH_DELIVER=1: the app's lifespan runs the delivery worker, so a
mutation sent to the real server reaches a partner's webhook with nobody running `deliver`."""

from __future__ import annotations

import asyncio
import tempfile
from typing import Any

import httpx
import pytest

from api import api_keys
from api.app import create_app
from api.auth import mint_token
from api.settings import Settings
from models.enums import ViewerRole
from resolvers.common import decode_global_id
from resolvers.delivery import subscriptions
from tests.api.test_subscriptions import serve
from tests.conftest import TEST_SECRET, TestDatabase
from tests.resolvers.delivery.receiver import Receiver, running
from tests.resolvers.delivery.test_webhooks import REPORT

pytestmark = pytest.mark.private_db


async def test_serve_runs_the_worker(
    seeded_db: TestDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOVGRAPH_WEBHOOK_ALLOW_PRIVATE", "1")
    monkeypatch.setenv("GOVGRAPH_DELIVER_DEADLINES_SECONDS", "0")
    files = tempfile.TemporaryDirectory(prefix="govgraph-files-")
    settings = Settings(
        database_url=seeded_db.url,
        secret=TEST_SECRET,
        deliver=True,
        storage_url=files.name,
        anonymous=True,
    )
    app = create_app(settings)
    receiver = Receiver()
    try:
        with running(receiver):
            async with (
                serve(app) as address,
                httpx.AsyncClient(base_url=f"http://{address}") as http,
            ):

                async def query(token: str, text: str, variables: dict[str, Any]) -> dict[str, Any]:
                    response = await http.post(
                        "/graphql",
                        json={"query": text, "variables": variables},
                        headers={"authorization": f"Bearer {token}"},
                    )
                    body: dict[str, Any] = response.json()
                    assert "errors" not in body, body
                    data: dict[str, Any] = body["data"]
                    return data

                data = await http.post(
                    "/graphql",
                    json={
                        "query": '{ tasks(filter: {text: "秸秆禁烧"}) { edges { node { '
                        "assignments { id unit { id name } } } } } }"
                    },
                )
                task = data.json()["data"]["tasks"]["edges"][0]["node"]
                share = next(a for a in task["assignments"] if a["unit"]["name"] == "南村镇")
                unit = decode_global_id(share["unit"]["id"])
                async with seeded_db.engine.begin() as conn:
                    key = await api_keys.create_key(conn, name="served", unit_id=unit)
                    sub = await subscriptions.create_subscription(
                        conn, key_prefix=key.prefix, url=receiver.url, event_types=[]
                    )
                receiver.secrets = [sub["secret"]]
                reporter = mint_token(TEST_SECRET, unit_id=unit, role=ViewerRole.REPORTER)
                variables = {
                    "input": {"assignment": share["id"], "percent": 60, "narrative": "服务内投递"}
                }
                result = await query(reporter, REPORT, variables)
                assert result["reportProgress"]["errors"] == []
                for _ in range(400):  # bounded wait: the worker polls every second
                    if receiver.delivered():
                        break
                    await asyncio.sleep(0.05)
    finally:
        files.cleanup()
    (got,) = receiver.delivered()
    assert got.verified
    assert got.body["type"] == "govgraph.task.changed"
