"""Uploaded evidence files of a GraphQL write: read them, attach them, store them last.

attachEvidence attaches one file; reportProgress, transitionRectification and
requestExtension take `files` and attach them to the report, event or request they create, in
the same write: every file is checked before any is stored, so one refused file refuses the
write and stores nothing.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from models.rules.evidence import MAX_FILES
from resolvers.context import Context
from resolvers.errors import DomainError, ErrorCode
from resolvers.evidence import service


async def read_upload(upload: object, limit: int, field: str = "file") -> service.Upload:
    """The uploaded name and bytes (at most `limit` + 1 of them: over it is refused)."""
    read = getattr(upload, "read", None)
    if not callable(read):
        raise DomainError(
            ErrorCode.INVALID_INPUT, "send the file as a multipart upload (GraphQL spec)", field
        )
    data = await read(limit + 1)
    return service.Upload(getattr(upload, "filename", None), bytes(data))


async def attach_uploads(
    ctx: Context,
    conn: AsyncConnection,
    uploads: list[Any] | None,
    *,
    report_id: uuid.UUID | None = None,
    event_id: uuid.UUID | None = None,
    extension_id: uuid.UUID | None = None,
) -> None:
    """Attach `uploads` (the input's `files`) to a report, event or extension request;
    nothing when there are none."""
    if not uploads:
        return
    if len(uploads) > MAX_FILES:
        raise DomainError(ErrorCode.OUT_OF_RANGE, f"at most {MAX_FILES} files", "files")
    pending: list[service.Pending] = []
    for upload in uploads:
        await service.attach_evidence(
            ctx,
            conn,
            ctx.storage,
            upload=await read_upload(upload, ctx.evidence_max_bytes, "files"),
            report_id=report_id,
            event_id=event_id,
            extension_id=extension_id,
            max_bytes=ctx.evidence_max_bytes,
            pending=pending,
        )
    await service.store(ctx.storage, pending)
