"""GraphQL type EvidenceFile (佐证材料) and the `files` of reports and rectification events."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
import strawberry
from sqlalchemy.engine import RowMapping

from models import EvidenceFile as EvidenceFileModel
from resolvers.common import Info, global_id
from resolvers.loaders import RowsByKeyLoader
from resolvers.scope import internal_hidden, visibility

evidence_t: sa.Table = EvidenceFileModel.__table__  # type: ignore[attr-defined]

FILES_ROUTE = "/files/"


@strawberry.type(
    description=(
        "An evidence file (佐证材料) on a progress report or a rectification event: a photo,"
        " PDF, office document or zip archive, its type told by its content."
    )
)
class EvidenceFile:
    row_id: strawberry.Private[uuid.UUID]
    name: str = strawberry.field(description="File name as uploaded (path parts removed).")
    caption: str | None = strawberry.field(description="What it shows.")
    size: int = strawberry.field(description="Size in bytes.")
    sha256: str = strawberry.field(description="SHA-256 of the bytes (lower-case hex).")
    content_type: str = strawberry.field(description="Media type, sniffed from the content.")
    uploaded_at: datetime = strawberry.field(description="When it was attached.")
    uploader: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: RowMapping | dict[str, Any]) -> EvidenceFile:
        """From an `evidence_file` row."""
        return cls(
            row_id=row["id"],
            name=row["name"],
            caption=row["caption"],
            size=row["size"],
            sha256=row["sha256"],
            content_type=row["content_type"],
            uploaded_at=row["uploaded_at"],
            uploader=row["uploaded_by"],
        )

    @strawberry.field(description="Global id.")
    def id(self) -> strawberry.ID:
        return global_id("EvidenceFile", self.row_id)

    @strawberry.field(
        description=(
            "Where to download it (GET, with the same credentials as /graphql; 404 for a"
            " viewer who cannot see its report or rectification)."
        )
    )
    def url(self) -> str:
        return f"{FILES_ROUTE}{self.row_id}"

    @strawberry.field(description="Who attached it (internal: null for sharing partners).")
    def uploaded_by(self, info: Info) -> str | None:
        return None if internal_hidden(info) else self.uploader


def _loader(info: Info, name: str, key: sa.ColumnElement[Any]) -> RowsByKeyLoader:
    loaders = info.context.loaders
    return loaders.get(
        name,
        lambda: RowsByKeyLoader(
            loaders.db,
            sa.select(evidence_t).where(visibility(loaders.scope, evidence_t)),
            key,
            [evidence_t.c.uploaded_at, evidence_t.c.id],
        ),
    )


async def report_files(info: Info, report_id: uuid.UUID) -> list[EvidenceFile]:
    """ProgressReport.files: EvidenceFilesByReportLoader, one IN query per level."""
    rows = await _loader(info, "EvidenceFilesByReport", evidence_t.c.progress_report_id).load(
        report_id
    )
    return [EvidenceFile.from_row(row) for row in rows]


async def event_files(info: Info, event_id: uuid.UUID) -> list[EvidenceFile]:
    """RectificationEvent.files: EvidenceFilesByRectificationEventLoader."""
    rows = await _loader(
        info, "EvidenceFilesByRectificationEvent", evidence_t.c.rectification_event_id
    ).load(event_id)
    return [EvidenceFile.from_row(row) for row in rows]
