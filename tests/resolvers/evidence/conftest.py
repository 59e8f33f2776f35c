"""Evidence files: a client whose app keeps files in a storage the test chooses, uploads per
the GraphQL multipart request spec, and the row counts a refused upload must leave alone."""

from __future__ import annotations

import contextlib
import io
import socket
import zipfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import orjson
import pytest
import sqlalchemy as sa

from api.app import create_app
from api.db import create_engine
from api.settings import Settings
from resolvers.common import decode_global_id
from resolvers.storage import Storage, storage_from_url
from tests.conftest import TEST_SECRET, GraphQLClient, TestDatabase

ATTACH = """
mutation ($input: AttachEvidenceInput!) { attachEvidence(input: $input) {
  file { id name caption size sha256 contentType url uploadedBy uploadedAt }
  errors { code field } } }
"""

COUNTED = ("evidence_file", "audit_event", "outbox_event", "change_log", "progress_report")

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def xlsx_bytes() -> bytes:
    """A real .xlsx (a zip whose parts say spreadsheet)."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["整改销号材料", 1])  # type: ignore[union-attr]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("photo.png", PNG)
    return out.getvalue()


@dataclass
class Evidence:
    """A client over the seeded database whose files go to `storage`."""

    db: TestDatabase
    client: GraphQLClient
    storage: Storage

    async def viewer(self, name: str, role: str = "REPORTER") -> GraphQLClient:
        data = await self.client.query(
            "query ($n: String!) { orgUnit(name: $n) { id } }", {"n": name}
        )
        return self.client.as_viewer(decode_global_id(data["orgUnit"]["id"]), role)

    async def attach(
        self,
        viewer: GraphQLClient,
        data: bytes,
        filename: str = "photo.png",
        content_type: str = "image/png",
        **variables: Any,
    ) -> dict[str, Any]:
        """attachEvidence as a multipart request; the payload (or the whole body on errors)."""
        operations = {"query": ATTACH, "variables": {"input": {**variables, "file": None}}}
        headers = {"authorization": f"Bearer {viewer.token}"} if viewer.token else {}
        response = await viewer.http.post(
            "/graphql",
            data={
                "operations": orjson.dumps(operations).decode(),
                "map": orjson.dumps({"0": ["variables.input.file"]}).decode(),
            },
            files={"0": (filename, data, content_type)},
            headers=headers,
        )
        body: dict[str, Any] = response.json()
        if "errors" in body:
            return body
        payload: dict[str, Any] = body["data"]["attachEvidence"]
        return payload

    async def download(self, viewer: GraphQLClient, url: str) -> httpx.Response:
        headers = {"authorization": f"Bearer {viewer.token}"} if viewer.token else {}
        return await viewer.http.get(url, headers=headers)

    async def counts(self) -> dict[str, int]:
        async with self.db.engine.connect() as conn:
            return {
                name: int((await conn.execute(sa.text(f"SELECT count(*) FROM {name}"))).scalar())
                for name in COUNTED
            }

    async def report(self, unit: str = "区生态环境分局") -> dict[str, Any]:
        """A fresh progress report of `unit`'s first lead share (reportProgress)."""
        reporter = await self.viewer(unit)
        data = await reporter.query(
            """query ($n: String!) { orgUnit(name: $n) { id
                 tasks(first: 1) { edges { node { assignments { id role unit { id } } } } } } }""",
            {"n": unit},
        )
        node = data["orgUnit"]["tasks"]["edges"][0]["node"]
        share = next(a for a in node["assignments"] if a["unit"]["id"] == data["orgUnit"]["id"])
        result = await reporter.query(
            """mutation ($input: ReportProgressInput!) { reportProgress(input: $input) {
                 report { id } errors { code } } }""",
            {"input": {"assignment": share["id"], "percent": 40, "narrative": "完成现场核查"}},
        )
        report: dict[str, Any] = result["reportProgress"]["report"]
        return report


@contextlib.asynccontextmanager
async def evidence_client(
    db: TestDatabase, storage_url: str, *, max_bytes: int | None = None, rls: bool = False
) -> AsyncIterator[Evidence]:
    """`rls`: row-level-security mode (PostgreSQL, a private database), as govgraph_app."""
    settings = Settings(
        database_url=db.url,
        secret=TEST_SECRET,
        anonymous=True,
        storage_url=storage_url,
        rls=rls,
        **({"evidence_max_bytes": max_bytes} if max_bytes is not None else {}),
    )
    engine = create_engine(db.url, rls_role=settings.rls_role) if rls else db.engine
    app = create_app(settings, engine=engine)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield Evidence(db, GraphQLClient(http), storage_from_url(storage_url))
    finally:
        if rls:
            await engine.dispose()


@pytest.fixture
async def evidence(seeded_db: TestDatabase, tmp_path: Any) -> AsyncIterator[Evidence]:
    """Files on the local filesystem (a directory of the test's own)."""
    async with evidence_client(seeded_db, (tmp_path / "files").as_uri(), max_bytes=200_000) as ev:
        yield ev


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """moto's S3-compatible server, on a free loopback port, for the session."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()
