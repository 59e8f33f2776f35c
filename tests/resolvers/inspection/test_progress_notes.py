"""noteRectificationProgress (issue 17, point 5): interim 整改进展 without a state change.

A responsible unit records what it did since the last note; the item keeps its state and
version, the note is an event whose from and to are that state (before: IN_PROGRESS →
IN_PROGRESS was refused, so interim progress had nowhere to go). Others are refused and
nothing is written.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import sqlalchemy as sa

from models.enums import RectificationStatus as S
from tests.conftest import GraphQLClient, TestDatabase
from tests.resolvers.inspection.test_transitions import _item, _set_state, _viewer

NOTE = """
mutation ($input: NoteRectificationProgressInput!) {
  noteRectificationProgress(input: $input) {
    rectification { status version events { fromStatus toStatus comment actorUnit { name } } }
    event { fromStatus toStatus comment evidence { url } }
    errors { code field message }
  }
}
"""


async def _counts(db: TestDatabase) -> tuple[int, int, int]:
    async with db.engine.connect() as conn:
        row = (
            await conn.execute(
                sa.text(
                    "SELECT (SELECT count(*) FROM rectification_event),"
                    " (SELECT count(*) FROM audit_event),"
                    " (SELECT count(*) FROM change_log)"
                )
            )
        ).one()
    return int(row[0]), int(row[1]), int(row[2])


async def _note(who: GraphQLClient, item: dict[str, Any], **more: Any) -> dict[str, Any]:
    data = await who.query(
        NOTE, {"input": {"rectification": item["id"], "comment": "完成排查 12 处", **more}}
    )
    result: dict[str, Any] = data["noteRectificationProgress"]
    return result


async def test_a_responsible_unit_notes_progress_and_the_state_stays(
    client: GraphQLClient, seeded_db: TestDatabase
) -> None:
    item = await _item(client, 3)  # 区生态环境分局 is responsible
    await _set_state(seeded_db, item["id"], S.IN_PROGRESS, version=4)
    reporter = await _viewer(client, "区生态环境分局", "REPORTER")
    events, audits, changes = await _counts(seeded_db)
    for number in range(2):  # interim notes, one after another
        result = await _note(
            reporter, item, evidence=[{"url": "https://example.gov.cn/p.jpg", "title": "现场"}]
        )
        assert result["errors"] == []
        assert result["event"]["fromStatus"] == result["event"]["toStatus"] == "IN_PROGRESS"
        assert result["event"]["evidence"] == [{"url": "https://example.gov.cn/p.jpg"}]
        assert (result["rectification"]["status"], result["rectification"]["version"]) == (
            "IN_PROGRESS",
            4,
        )
        notes = [e for e in result["rectification"]["events"] if e["comment"] == "完成排查 12 处"]
        assert len(notes) == number + 1
        assert notes[0]["actorUnit"]["name"] == "城区生态环境分局"
    after = await _counts(seeded_db)
    assert after[0] == events + 2  # two events
    assert after[1] == audits + 2  # audited
    assert after[2] > changes  # in the change feed


@pytest.mark.parametrize(
    ("unit", "role", "state", "comment", "code"),
    [
        ("区住建局", "COORDINATOR", S.IN_PROGRESS, "进展", "NOT_FOUND"),  # not its item: unseen
        ("城区", "COORDINATOR", S.IN_PROGRESS, "进展", "FORBIDDEN"),  # supervises, not responsible
        ("区生态环境分局", "VIEWER", S.IN_PROGRESS, "进展", "FORBIDDEN"),  # reads only
        ("区生态环境分局", "REPORTER", S.IN_PROGRESS, "   ", "INVALID_INPUT"),  # no text
        ("区生态环境分局", "REPORTER", S.IN_PROGRESS, "长" * 5001, "INVALID_INPUT"),
        ("区生态环境分局", "REPORTER", S.CLOSED, "进展", "INVALID_TRANSITION"),  # 销号 already
    ],
)
async def test_refused_notes_write_nothing(
    client: GraphQLClient,
    seeded_db: TestDatabase,
    unit: str,
    role: str,
    state: S,
    comment: str,
    code: str,
) -> None:
    item = await _item(client, 3)
    await _set_state(seeded_db, item["id"], state, version=2)
    who = await _viewer(client, unit, role)
    before = await _counts(seeded_db)
    result = await _note(who, item, comment=comment)
    assert [e["code"] for e in result["errors"]] == [code]
    assert result["errors"][0]["message"]  # in Chinese by default (models/catalogue.py)
    assert result["rectification"] is None
    assert await _counts(seeded_db) == before
    after = await _item(client, 3)
    assert (after["status"], after["version"]) == (state.value, 2)


@pytest.mark.postgres
@pytest.mark.private_db
@pytest.mark.parametrize("seeded_db", ["postgresql"], indirect=True)
async def test_twenty_concurrent_notes_and_a_move_all_land(
    client: GraphQLClient, seeded_db: TestDatabase
) -> None:
    """Notes take the row's KEY SHARE lock like moves: 20 notes beside a move all commit,
    each once, and none rewrites the item (its version moves once, for the move)."""
    item = await _item(client, 3)
    await _set_state(seeded_db, item["id"], S.NOT_STARTED, version=1)
    reporter = await _viewer(client, "区生态环境分局", "COORDINATOR")
    before = (await _counts(seeded_db))[0]
    move = {"input": {"rectification": item["id"], "to": "IN_PROGRESS", "expectedVersion": 1}}
    from tests.resolvers.inspection.test_transitions import MOVE

    results = await asyncio.gather(
        *(
            reporter.query(NOTE, {"input": {"rectification": item["id"], "comment": f"第{i}次"}})
            for i in range(20)
        ),
        reporter.query(MOVE, move),
    )
    notes = [r["noteRectificationProgress"] for r in results[:20]]
    assert all(n["errors"] == [] for n in notes)
    assert results[20]["transitionRectification"]["errors"] == []
    assert (await _counts(seeded_db))[0] == before + 21
    after = await _item(client, 3)
    assert (after["status"], after["version"]) == ("IN_PROGRESS", 2)


@pytest.mark.parametrize(
    "comment",
    ["a\x00b", "x" * 5001],
    ids=["NUL", "oversized"],
)
async def test_malformed_comments_get_a_code_and_write_nothing(
    client: GraphQLClient, seeded_db: TestDatabase, comment: str
) -> None:
    item = await _item(client, 3)
    reporter = await _viewer(client, "区生态环境分局", "REPORTER")
    before = await _counts(seeded_db)
    body = await reporter.execute(
        NOTE, {"input": {"rectification": item["id"], "comment": comment}}
    )
    codes = [e["extensions"]["code"] for e in body.get("errors") or []] + [
        e["code"]
        for e in ((body.get("data") or {}).get("noteRectificationProgress") or {}).get("errors", [])
    ]
    assert codes
    assert set(codes) <= {"BAD_USER_INPUT", "INVALID_INPUT"}
    assert await _counts(seeded_db) == before


async def test_a_malformed_id_is_a_code_not_a_crash(client: GraphQLClient) -> None:
    reporter = await _viewer(client, "区生态环境分局", "REPORTER")
    data = await reporter.query(NOTE, {"input": {"rectification": "not-an-id", "comment": "x"}})
    errors = data["noteRectificationProgress"]["errors"]
    assert [e["code"] for e in errors] in (["NOT_FOUND"], ["INVALID_INPUT"])
