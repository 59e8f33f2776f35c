"""attachEvidence and GET /files/{id}: files on reports and rectification events, scoped like
their objects, refused uploads leaving nothing, both storage backends."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import orjson
import pytest
import sqlalchemy as sa

from api.api_keys import create_key
from resolvers.common import decode_global_id
from tests.conftest import TestDatabase
from tests.resolvers.evidence.conftest import (
    PDF,
    PNG,
    Evidence,
    evidence_client,
    xlsx_bytes,
    zip_bytes,
)

REPORT_FILES = """
query ($n: String!) { orgUnit(name: $n) { tasks(first: 1) { edges { node {
  reports(first: 5) { edges { node { id files { id name size sha256 contentType url } } } }
} } } } }
"""

MOVE = """
mutation ($input: TransitionRectificationInput!) { transitionRectification(input: $input) {
  event { id } errors { code } } }
"""

EVENTS = """
{ rectifications(first: 20) { edges { node { seq events { id toStatus
  files { id name sha256 contentType url caption } } } } } }
"""


async def _item(ev: Evidence, seq: int) -> dict[str, Any]:
    data = await ev.client.query(
        "{ rectifications(first: 20) { edges { node { id seq version status } } } }"
    )
    return next(e["node"] for e in data["rectifications"]["edges"] if e["node"]["seq"] == seq)


async def _transition(ev: Evidence) -> str:
    """A transition of item 3 by its responsible unit, 区生态环境分局: the event's id."""
    item = await _item(ev, 3)
    responsible = await ev.viewer("区生态环境分局", "COORDINATOR")
    to = {"NOT_STARTED": "IN_PROGRESS", "IN_PROGRESS": "COMPLETED"}[item["status"]]
    moved = await responsible.query(
        MOVE, {"input": {"rectification": item["id"], "to": to, "expectedVersion": item["version"]}}
    )
    assert moved["transitionRectification"]["errors"] == []
    event_id: str = moved["transitionRectification"]["event"]["id"]
    return event_id


class TestAttachEvidence:
    async def test_a_report_file_round_trips_with_its_traces(self, evidence: Evidence) -> None:
        report = await evidence.report()
        reporter = await evidence.viewer("区生态环境分局")
        before = await evidence.counts()
        result = await evidence.attach(
            reporter, PNG, "现场/照片.png", report=report["id"], caption="整改后现场"
        )
        assert result["errors"] == []
        file = result["file"]
        assert file["name"] == "照片.png"  # path parts removed
        assert file["contentType"] == "image/png"
        assert file["size"] == len(PNG)
        assert file["sha256"] == hashlib.sha256(PNG).hexdigest()
        assert file["url"].startswith("/files/")
        after = await evidence.counts()
        assert after["evidence_file"] == before["evidence_file"] + 1
        assert after["audit_event"] == before["audit_event"] + 1
        assert after["change_log"] > before["change_log"]  # the report's task
        assert after["outbox_event"] >= before["outbox_event"] + 2  # evidence.attached, task
        async with evidence.db.engine.connect() as conn:
            types = set(
                (
                    await conn.execute(
                        sa.text("SELECT event_type FROM outbox_event WHERE object_id = :id"),
                        {
                            "id": uuid.UUID(file["url"].rsplit("/", 1)[1]).hex
                            if evidence.db.dialect == "sqlite"
                            else file["url"].rsplit("/", 1)[1]
                        },
                    )
                ).scalars()
            )
        assert types == {"evidence.attached"}
        assert await evidence.storage.keys() == [f"evidence/{file['sha256'][:2]}/{file['sha256']}"]

        data = await reporter.query(REPORT_FILES, {"n": "区生态环境分局"})
        reports = data["orgUnit"]["tasks"]["edges"][0]["node"]["reports"]["edges"]
        listed = next(r["node"] for r in reports if r["node"]["id"] == report["id"])
        assert [f["id"] for f in listed["files"]] == [file["id"]]

        response = await evidence.download(reporter, file["url"])
        assert response.status_code == 200
        assert response.content == PNG
        assert response.headers["content-type"] == "image/png"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["content-disposition"].startswith("attachment;")
        assert "filename*=UTF-8''%E7%85%A7%E7%89%87.png" in response.headers["content-disposition"]
        # A unit above sees the report, and its file.
        above = await evidence.viewer("城区", "VIEWER")
        assert (await evidence.download(above, file["url"])).status_code == 200

    async def test_the_type_is_told_by_the_content(self, evidence: Evidence) -> None:
        report = await evidence.report()
        reporter = await evidence.viewer("区生态环境分局")
        cases = [
            (PDF, "销号材料.txt", "text/plain", "application/pdf"),
            (
                xlsx_bytes(),
                "台账",
                "application/octet-stream",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (zip_bytes(), "材料.zip", "application/zip", "application/zip"),
        ]
        for data, name, claimed, sniffed in cases:
            result = await evidence.attach(reporter, data, name, claimed, report=report["id"])
            assert result["errors"] == [], name
            assert result["file"]["contentType"] == sniffed
            response = await evidence.download(reporter, result["file"]["url"])
            assert response.content == data
            assert response.headers["content-type"].startswith(sniffed)

    async def test_a_rectification_event_file(self, evidence: Evidence) -> None:
        event = {"id": await _transition(evidence)}
        responsible = await evidence.viewer("区生态环境分局", "COORDINATOR")
        result = await evidence.attach(
            responsible,
            PDF,
            "销号材料.pdf",
            "application/pdf",
            rectificationEvent=event["id"],
            caption="验收报告",
        )
        assert result["errors"] == []
        data = await responsible.query(EVENTS)
        node = next(e["node"] for e in data["rectifications"]["edges"] if e["node"]["seq"] == 3)
        files = next(e["files"] for e in node["events"] if e["id"] == event["id"])
        assert [(f["name"], f["contentType"], f["caption"]) for f in files] == [
            ("销号材料.pdf", "application/pdf", "验收报告")
        ]
        response = await evidence.download(responsible, result["file"]["url"])
        assert response.content == PDF
        # A town sees neither the rectification nor its files: 404, like a missing file.
        town = await evidence.viewer("钟家庄办事处", "COORDINATOR")
        assert (await evidence.download(town, result["file"]["url"])).status_code == 404
        missing = f"/files/{uuid.uuid4()}"
        assert (await evidence.download(responsible, missing)).status_code == 404
        assert (await evidence.download(responsible, "/files/not-an-id")).status_code == 404


class TestRefusedUploads:
    async def test_refusals_leave_database_and_storage_unchanged(self, evidence: Evidence) -> None:
        report = await evidence.report()
        event_id = await _transition(evidence)
        reporter = await evidence.viewer("区生态环境分局")
        viewer = await evidence.viewer("区生态环境分局", "VIEWER")
        town = await evidence.viewer("钟家庄办事处", "COORDINATOR")
        before, keys = await evidence.counts(), await evidence.storage.keys()
        big = PNG + b"\0" * 200_001  # the fixture's limit is 200,000 bytes
        cases: list[tuple[Any, bytes, str, dict[str, Any], str]] = [
            (reporter, big, "big.png", {"report": report["id"]}, "FILE_TOO_LARGE"),
            (
                reporter,
                b"#!/bin/sh\nrm -rf /\n",
                "photo.jpg",
                {"report": report["id"]},
                "UNSUPPORTED_FILE_TYPE",
            ),
            (
                reporter,
                b"<html><script>alert(1)</script>",
                "a.pdf",
                {"report": report["id"]},
                "UNSUPPORTED_FILE_TYPE",
            ),
            (
                reporter,
                b"MZ\x90\x00" + b"\0" * 60,
                "a.png",
                {"report": report["id"]},
                "UNSUPPORTED_FILE_TYPE",
            ),
            (reporter, b"", "empty.png", {"report": report["id"]}, "UNSUPPORTED_FILE_TYPE"),
            (viewer, PNG, "a.png", {"report": report["id"]}, "FORBIDDEN"),
            (town, PNG, "a.png", {"report": report["id"]}, "NOT_FOUND"),
            (town, PNG, "a.png", {"rectificationEvent": event_id}, "NOT_FOUND"),
            (reporter, PNG, "a.png", {}, "INVALID_INPUT"),
            (
                reporter,
                PNG,
                "a.png",
                {"report": report["id"], "rectificationEvent": event_id},
                "INVALID_INPUT",
            ),
            (reporter, PNG, "a.png", {"report": "bm90LWFuLWlk"}, "NOT_FOUND"),
            (
                reporter,
                PNG,
                "a.png",
                {"report": report["id"], "caption": "x" * 501},
                "INVALID_INPUT",
            ),
        ]
        for who, data, name, variables, code in cases:
            result = await evidence.attach(who, data, name, **variables)
            assert [e["code"] for e in result["errors"]] == [code], (name, variables)
            assert result["file"] is None
        assert await evidence.counts() == before
        assert await evidence.storage.keys() == keys

    async def test_a_unit_above_may_not_attach_to_a_transition_of_another_branch(
        self, evidence: Evidence
    ) -> None:
        event_id = await _transition(evidence)
        # The supervising 城区 is above the unit that moved it: it may add files.
        above = await evidence.viewer("城区", "REPORTER")
        result = await evidence.attach(above, PNG, rectificationEvent=event_id)
        assert result["errors"] == []


@pytest.mark.parametrize("prefix", ["", "govgraph/evidence"])
async def test_files_round_trip_on_s3(
    seeded_db: TestDatabase, s3_endpoint: str, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import boto3

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    bucket = f"evidence-{uuid.uuid4().hex[:12]}"
    s3 = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    s3.create_bucket(Bucket=bucket)
    url = f"s3://{bucket}/{prefix}?endpoint={s3_endpoint}&region=us-east-1&addressing=path"
    async with evidence_client(seeded_db, url, max_bytes=100_000) as ev:
        report = await ev.report()
        reporter = await ev.viewer("区生态环境分局")
        refused = await ev.attach(reporter, b"plain text", "a.png", report=report["id"])
        assert [e["code"] for e in refused["errors"]] == ["UNSUPPORTED_FILE_TYPE"]
        assert s3.list_objects_v2(Bucket=bucket).get("KeyCount") == 0
        result = await ev.attach(
            reporter, PDF, "销号材料.pdf", "application/pdf", report=report["id"]
        )
        assert result["errors"] == []
        sha = result["file"]["sha256"]
        objects = s3.list_objects_v2(Bucket=bucket)["Contents"]
        expected = f"evidence/{sha[:2]}/{sha}"
        assert [o["Key"] for o in objects] == [f"{prefix}/{expected}" if prefix else expected]
        assert await ev.storage.keys() == [expected]
        response = await ev.download(reporter, result["file"]["url"])
        assert response.status_code == 200
        assert response.content == PDF
        town = await ev.viewer("钟家庄办事处", "COORDINATOR")
        assert (await ev.download(town, result["file"]["url"])).status_code == 404


class TestRepeatedAttach:
    async def test_the_same_bytes_again_are_the_same_file_and_write_nothing(
        self, evidence: Evidence
    ) -> None:
        report = await evidence.report()
        reporter = await evidence.viewer("区生态环境分局")
        first = await evidence.attach(reporter, PNG, "a.png", report=report["id"])
        before = await evidence.counts()
        again = await evidence.attach(reporter, PNG, "b.png", report=report["id"])
        assert again["errors"] == []
        assert again["file"]["id"] == first["file"]["id"]
        assert await evidence.counts() == before
        # Other bytes are another file; the same bytes on another object too.
        other = await evidence.attach(reporter, PDF, "c.pdf", report=report["id"])
        assert other["file"]["id"] != first["file"]["id"]
        second = await evidence.report()
        elsewhere = await evidence.attach(reporter, PNG, "a.png", report=second["id"])
        assert elsewhere["file"]["id"] != first["file"]["id"]
        assert len(await evidence.storage.keys()) == 2  # stored once by content

    async def test_at_most_twenty_files_per_object(self, evidence: Evidence) -> None:
        report = await evidence.report()
        reporter = await evidence.viewer("区生态环境分局")
        for n in range(20):
            result = await evidence.attach(
                reporter, PDF + b"%" + str(n).encode(), report=report["id"]
            )
            assert result["errors"] == [], n
        before, keys = await evidence.counts(), await evidence.storage.keys()
        refused = await evidence.attach(reporter, PDF + b"%x", report=report["id"])
        assert [e["code"] for e in refused["errors"]] == ["OUT_OF_RANGE"]
        assert (await evidence.counts(), await evidence.storage.keys()) == (before, keys)


@pytest.mark.postgres
@pytest.mark.private_db
async def test_files_behind_row_level_security(seeded_db: TestDatabase, tmp_path: Any) -> None:
    if seeded_db.dialect != "postgresql":
        pytest.skip("row-level security is PostgreSQL's")
    async with evidence_client(seeded_db, str(tmp_path / "files"), rls=True) as ev:
        report = await ev.report()
        reporter = await ev.viewer("区生态环境分局")
        result = await ev.attach(reporter, PNG, "现场.png", report=report["id"])
        assert result["errors"] == []
        data = await reporter.query(REPORT_FILES, {"n": "区生态环境分局"})
        reports = data["orgUnit"]["tasks"]["edges"][0]["node"]["reports"]["edges"]
        listed = next(r["node"] for r in reports if r["node"]["id"] == report["id"])
        assert [f["id"] for f in listed["files"]] == [result["file"]["id"]]
        assert (await ev.download(reporter, result["file"]["url"])).content == PNG
        town = await ev.viewer("钟家庄办事处", "COORDINATOR")
        assert (await ev.download(town, result["file"]["url"])).status_code == 404


async def test_sharing_partners_download_in_their_subtree_and_never_attach(
    evidence: Evidence,
) -> None:

    report = await evidence.report()
    reporter = await evidence.viewer("区生态环境分局")
    file = (await evidence.attach(reporter, PNG, report=report["id"]))["file"]
    keys = {}
    for name in ("城区", "钟家庄办事处"):
        data = await evidence.client.query(
            "query ($n: String!) { orgUnit(name: $n) { id } }", {"n": name}
        )
        async with evidence.db.engine.begin() as conn:
            issued = await create_key(
                conn, name=f"平台{name}", unit_id=decode_global_id(data["orgUnit"]["id"])
            )
        keys[name] = issued.secret
    http = evidence.client.http
    inside = await http.get(file["url"], headers={"x-api-key": keys["城区"]})
    assert (inside.status_code, inside.content) == (200, PNG)
    outside = await http.get(file["url"], headers={"x-api-key": keys["钟家庄办事处"]})
    assert outside.status_code == 404
    before = await evidence.counts()
    operations = {
        "query": "mutation ($input: AttachEvidenceInput!) { attachEvidence(input: $input) {"
        " file { id } errors { code } } }",
        "variables": {"input": {"report": report["id"], "file": None}},
    }
    response = await http.post(
        "/graphql",
        data={
            "operations": orjson.dumps(operations).decode(),
            "map": orjson.dumps({"0": ["variables.input.file"]}).decode(),
        },
        files={"0": ("a.pdf", PDF, "application/pdf")},
        headers={"x-api-key": keys["城区"]},
    )
    payload = response.json()["data"]["attachEvidence"]
    assert [e["code"] for e in payload["errors"]] == ["FORBIDDEN"]
    assert await evidence.counts() == before


REPORT_WITH_FILES = """
mutation ($input: ReportProgressInput!) { reportProgress(input: $input) {
  report { id files { name contentType sha256 } } errors { code field } } }
"""
MOVE_WITH_FILES = """
mutation ($input: TransitionRectificationInput!) { transitionRectification(input: $input) {
  event { id files { name contentType } } rectification { status } errors { code field } } }
"""


async def _multipart(
    viewer: Any, query: str, variables: dict[str, Any], files: list[tuple[str, bytes]]
) -> dict[str, Any]:
    """A mutation whose `input.files` are multipart uploads; its single payload."""
    operations = {
        "query": query,
        "variables": {"input": {**variables, "files": [None] * len(files)}},
    }
    mapping = {str(i): [f"variables.input.files.{i}"] for i in range(len(files))}
    response = await viewer.http.post(
        "/graphql",
        data={
            "operations": orjson.dumps(operations).decode(),
            "map": orjson.dumps(mapping).decode(),
        },
        files={
            str(i): (name, data, "application/octet-stream") for i, (name, data) in enumerate(files)
        },
        headers={"authorization": f"Bearer {viewer.token}"},
    )
    (payload,) = response.json()["data"].values()
    result: dict[str, Any] = payload
    return result


class TestFilesOnTheWrites:
    async def test_report_progress_with_files(self, evidence: Evidence) -> None:
        reporter = await evidence.viewer("区生态环境分局")
        data = await reporter.query(
            """query ($n: String!) { orgUnit(name: $n) { id
                 tasks(first: 1) { edges { node { assignments { id unit { id } } } } } } }""",
            {"n": "区生态环境分局"},
        )
        node = data["orgUnit"]["tasks"]["edges"][0]["node"]
        share = next(a for a in node["assignments"] if a["unit"]["id"] == data["orgUnit"]["id"])
        variables = {"assignment": share["id"], "percent": 60, "narrative": "完成整改"}
        before, keys = await evidence.counts(), await evidence.storage.keys()
        refused = await _multipart(
            reporter, REPORT_WITH_FILES, variables, [("现场.png", PNG), ("x.pdf", b"not a pdf")]
        )
        assert [(e["code"], e["field"]) for e in refused["errors"]] == [
            ("UNSUPPORTED_FILE_TYPE", "file")
        ]
        assert refused["report"] is None
        assert (await evidence.counts(), await evidence.storage.keys()) == (before, keys)

        result = await _multipart(
            reporter, REPORT_WITH_FILES, variables, [("现场.png", PNG), ("验收.pdf", PDF)]
        )
        assert result["errors"] == []
        # One request, one clock: files of a write list in id order.
        assert sorted((f["name"], f["contentType"]) for f in result["report"]["files"]) == [
            ("现场.png", "image/png"),
            ("验收.pdf", "application/pdf"),
        ]
        assert len(await evidence.storage.keys()) == 2

    async def test_transition_rectification_with_files(self, evidence: Evidence) -> None:
        item = await _item(evidence, 3)
        responsible = await evidence.viewer("区生态环境分局", "COORDINATOR")
        to = {"NOT_STARTED": "IN_PROGRESS", "IN_PROGRESS": "COMPLETED"}[item["status"]]
        result = await _multipart(
            responsible,
            MOVE_WITH_FILES,
            {"rectification": item["id"], "to": to, "expectedVersion": item["version"]},
            [("销号材料.pdf", PDF)],
        )
        assert result["errors"] == []
        assert result["event"]["files"] == [
            {"name": "销号材料.pdf", "contentType": "application/pdf"}
        ]
