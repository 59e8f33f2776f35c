"""Task labels on a generated province: the same for every viewer, each label once.

Every town and department (a REPORTER) lists the tasks it can see on both read paths; each
label must be the one the unrestricted viewer reads for that task (a label never depends on
which parents the viewer sees), and no two tasks of one plan share a label in any view
(before the 序号 path was stored, a department given subtask 2.2 but not task 2 read 大气-2).
Across the whole tree no two tasks share one either (before the plans' stored label stems,
every district's 2023 air plan had a 2023大气-1).
"""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from api.app import create_app
from api.auth import mint_token
from api.db import create_engine
from api.settings import Settings, normalize_database_url
from models.enums import ViewerRole
from tests.conftest import TEST_SECRET, Goldens, _pg_database_url

PAGE = """
query ($after: String) { tasks(first: 100, after: $after) {
  pageInfo { hasNextPage endCursor } edges { node { id label plan { id } } } } }
"""


async def _view(http: httpx.AsyncClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    """Every task the viewer can see (id, label, plan), page by page."""
    out: list[dict[str, Any]] = []
    after = None
    while True:
        body = {"query": PAGE, "variables": {"after": after}}
        data = (await http.post("/graphql", json=body, headers=headers)).json()
        assert "errors" not in data, data["errors"]
        page = data["data"]["tasks"]
        out += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return out
        after = page["pageInfo"]["endCursor"]


@pytest.mark.parametrize(
    "dialect", [pytest.param("sqlite"), pytest.param("postgresql", marks=pytest.mark.postgres)]
)
async def test_labels_are_the_same_for_every_viewer_and_unique_within_a_plan(
    goldens: Goldens, dialect: str
) -> None:
    import shutil

    from api.cli_seed import generate_database
    from seeds.synthetic import Sizes
    from tests.conftest import sqlite_url

    if dialect == "sqlite":
        path = goldens.tmp_path / f"labels-{uuid.uuid4().hex[:8]}.db"
        shutil.copy(goldens.sqlite["empty"], path)
        url = sqlite_url(path)
    else:
        if goldens.pg is None:
            pytest.skip("PostgreSQL unreachable (outside CI)")
        name = await goldens.pg_databases.create(
            uuid.uuid4().hex[:10], template=goldens.pg["empty"]
        )
        url = normalize_database_url(_pg_database_url(name))
    await generate_database(url, Sizes(units=60, tasks=400, reports=1200), seed=11)
    engine = create_engine(url)
    clients: list[httpx.AsyncClient] = []
    try:
        async with engine.connect() as conn:
            viewers = list(
                (
                    await conn.execute(
                        sa.text(
                            "SELECT id FROM org_unit WHERE kind IN ('TOWN', 'DEPARTMENT')"
                            " ORDER BY code"
                        ).columns(id=sa.Uuid())
                    )
                ).scalars()
            )
        for compiled in (True, False):
            settings = Settings(
                database_url=url, debug=True, secret=TEST_SECRET, anonymous=True, compiled=compiled
            )
            transport = httpx.ASGITransport(app=create_app(settings, engine=engine))
            clients.append(httpx.AsyncClient(transport=transport, base_url="http://t"))
        everything = {t["id"]: t["label"] for t in await _view(clients[1], {})}
        assert any("." in label for label in everything.values())  # subtasks (2.2) too
        # The whole tree: every task's label once, though its districts' plans share years
        # and fields (their stored stems tell them apart: 2023大气, 2023安平大气 …).
        async with engine.connect() as conn:
            tasks = (await conn.execute(sa.text("SELECT count(*) FROM task"))).scalar()
        assert len(everything) == tasks
        assert len(set(everything.values())) == tasks
        assert {t["id"]: t["label"] for t in await _view(clients[0], {})} == everything
        hidden_parents = 0
        for unit in viewers:
            token = mint_token(TEST_SECRET, unit_id=unit, role=ViewerRole.REPORTER)
            headers = {"authorization": f"Bearer {token}"}
            fast, slow = await _view(clients[0], headers), await _view(clients[1], headers)
            assert fast == slow, unit
            seen = {t["id"]: t["label"] for t in slow}
            assert seen == {i: everything[i] for i in seen}, unit  # never the viewer's own
            per_plan = Counter((t["plan"]["id"], t["label"]) for t in slow)
            assert not [key for key, n in per_plan.items() if n > 1], unit
            # Subtasks whose parent (N of N.M) this viewer does not see.
            paths = {label.split("-", 1)[1] for label in seen.values()}
            hidden_parents += sum(
                1 for path in paths if "." in path and path.rsplit(".", 1)[0] not in paths
            )
        assert hidden_parents > 0  # the case that broke: a subtask seen without its parent
    finally:
        for http in clients:
            await http.aclose()
        await engine.dispose()
