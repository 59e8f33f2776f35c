"""Evidence files (佐证材料): attaching an uploaded file to a progress report, a
rectification event or an extension request (延期申请).

One write of the write pipeline (resolvers/unit_of_work.py): the metadata row, its audit
event, a change-log entry of the report's task or the event's rectification (and their
outbox events) and an `evidence.attached` outbox event, in the mutation's savepoint. The
bytes go to the storage (resolvers/storage.py) last, after every check has passed, under
their content key: a refused upload (too big, not an allowed type, out of scope, role too
low) leaves the database and the storage as they were.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from models import (
    Assignment,
    EvidenceFile,
    ExtensionRequest,
    ProgressReport,
    RectificationEvent,
)
from models.enums import ViewerRole
from models.messages import message
from models.rules import evidence as rules
from models.rules.scope import (
    can_attach_to_event,
    can_report_on,
    can_request_extension,
    own_share,
    rectification_visible,
    scope_for,
    visibility,
)
from models.rules.text import describe_invalid
from models.viewer import Viewer
from resolvers.errors import DomainError, ErrorCode
from resolvers.events import rectification_changed, task_changed
from resolvers.service_context import ServiceContext
from resolvers.storage import Storage
from resolvers.writes import audit, fetch_checked, insert_unique, require_role

evidence_t: sa.Table = EvidenceFile.__table__  # type: ignore[attr-defined]
report_t: sa.Table = ProgressReport.__table__  # type: ignore[attr-defined]
assignment_t: sa.Table = Assignment.__table__  # type: ignore[attr-defined]
event_t: sa.Table = RectificationEvent.__table__  # type: ignore[attr-defined]
extension_t: sa.Table = ExtensionRequest.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Pending:
    """Bytes to store once the write's last check has passed."""

    key: str
    data: bytes
    content_type: str


@dataclass(frozen=True)
class Upload:
    """An uploaded file as the service takes it: the client's name and the bytes."""

    name: str | None
    data: bytes


NO_EXTENSION = {"extension_request_id": None}


async def _owner(
    ctx: ServiceContext,
    conn: AsyncConnection,
    report_id: uuid.UUID | None,
    event_id: uuid.UUID | None,
    extension_id: uuid.UUID | None = None,
) -> dict[str, Any]:
    """The report, event or extension request the file goes to, checked: NOT_FOUND when
    invisible, FORBIDDEN when the viewer may not add to it (models/rules/scope.py)."""
    if sum(x is not None for x in (report_id, event_id, extension_id)) != 1:
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            "name exactly one of report, rectificationEvent and extensionRequest",
            "report",
        )
    scope = scope_for(ctx.viewer)
    if extension_id is not None:
        row = await fetch_checked(
            conn,
            sa.select(
                extension_t.c.id.label("extension_request_id"),
                extension_t.c.task_id,
                extension_t.c.requested_by_unit_id.label("scope_unit"),
            ).where(extension_t.c.id == extension_id),
            visible=visibility(scope, extension_t),
            writable=can_request_extension(ctx.viewer, extension_t.c.requested_by_unit_id),
            field="extensionRequest",
            noun="extension_request",
            forbidden=message("FORBIDDEN_REQUEST_EXTENSION"),
        )
        return row | {
            "progress_report_id": None,
            "assignment_id": None,
            "rectification_event_id": None,
            "rectification_id": None,
        }
    if report_id is not None:
        row = await fetch_checked(
            conn,
            sa.select(
                report_t.c.id.label("progress_report_id"),
                report_t.c.assignment_id,
                assignment_t.c.task_id,
                assignment_t.c.org_unit_id.label("scope_unit"),
            )
            .select_from(report_t.join(assignment_t, assignment_t.c.id == report_t.c.assignment_id))
            .where(report_t.c.id == report_id),
            visible=own_share(scope, report_t.c.assignment_id),
            writable=can_report_on(ctx.viewer, assignment_t.c.org_unit_id),
            field="report",
            noun="progress report",
            forbidden="evidence goes on a report of your unit's share (or a unit's below it)",
        )
        return row | {"rectification_event_id": None, "rectification_id": None} | NO_EXTENSION
    row = await fetch_checked(
        conn,
        sa.select(
            event_t.c.id.label("rectification_event_id"),
            event_t.c.rectification_id,
            event_t.c.actor_unit_id.label("scope_unit"),
        ).where(event_t.c.id == event_id),
        visible=rectification_visible(scope, event_t.c.rectification_id),
        writable=can_attach_to_event(ctx.viewer, event_t.c.actor_unit_id),
        field="rectificationEvent",
        noun="rectification event",
        forbidden="evidence goes on a transition your unit (or a unit below it) made",
    )
    return row | {"progress_report_id": None, "assignment_id": None, "task_id": None} | NO_EXTENSION


async def attach_evidence(
    ctx: ServiceContext,
    conn: AsyncConnection,
    storage: Storage | None,
    *,
    upload: Upload,
    report_id: uuid.UUID | None = None,
    event_id: uuid.UUID | None = None,
    extension_id: uuid.UUID | None = None,
    caption: str | None = None,
    max_bytes: int = rules.DEFAULT_MAX_BYTES,
    pending: list[Pending] | None = None,
) -> dict[str, Any]:
    """Attach `upload` to a progress report, a rectification event or an extension request;
    the evidence_file row.

    REPORTER or higher; a report's files as reporting on its share, an event's by the unit
    that made the transition or one above it, a request's by the requesting lead unit.
    Refused: over `max_bytes` (FILE_TOO_LARGE), empty or not an allowed type by its content
    (UNSUPPORTED_FILE_TYPE), more than MAX_FILES on the object (OUT_OF_RANGE). The same
    bytes attached to the same object again are the file already there: nothing is written
    (a retry is safe).
    """
    require_role(ctx, ViewerRole.REPORTER)
    owner = await _owner(ctx, conn, report_id, event_id, extension_id)
    field = "file"
    if len(upload.data) > max_bytes:
        raise DomainError(
            ErrorCode.FILE_TOO_LARGE, f"an evidence file is at most {max_bytes:,} bytes", field
        )
    sniffed = rules.sniff(upload.data) if upload.data else None
    if sniffed is None:
        raise DomainError(
            ErrorCode.UNSUPPORTED_FILE_TYPE,
            "evidence files are photos, PDFs, office documents or zip archives (by content)",
            field,
        )
    if caption is not None:
        reason = describe_invalid(caption)
        if reason is not None or len(caption) > rules.MAX_CAPTION:
            raise DomainError(
                ErrorCode.INVALID_INPUT,
                f"caption {reason or f'is longer than {rules.MAX_CAPTION}'}",
                "caption",
            )
    owner_column, owner_id = next(
        (evidence_t.c[column], owner[column])
        for column in ("progress_report_id", "rectification_event_id", "extension_request_id")
        if owner[column] is not None
    )
    if storage is None:
        raise RuntimeError("no file storage configured (GOVGRAPH_STORAGE_URL)")
    digest = hashlib.sha256(upload.data).hexdigest()
    same = sa.select(evidence_t).where(owner_column == owner_id, evidence_t.c.sha256 == digest)
    existing = (await conn.execute(same)).mappings().first()
    if existing is not None:  # the same bytes are on the object already: nothing to write
        return dict(existing)
    count = await conn.scalar(
        sa.select(sa.func.count()).select_from(evidence_t).where(owner_column == owner_id)
    )
    if (count or 0) >= rules.MAX_FILES:
        raise DomainError(
            ErrorCode.OUT_OF_RANGE, f"at most {rules.MAX_FILES} files per object", field
        )
    row = {
        "id": uuid.uuid4(),
        "progress_report_id": owner["progress_report_id"],
        "assignment_id": owner["assignment_id"],
        "rectification_event_id": owner["rectification_event_id"],
        "rectification_id": owner["rectification_id"],
        "extension_request_id": owner["extension_request_id"],
        "task_id": owner["task_id"] if owner["extension_request_id"] is not None else None,
        "name": rules.clean_name(upload.name, sniffed),
        "caption": caption,
        "content_type": sniffed.content_type,
        "size": len(upload.data),
        "sha256": digest,
        "storage_key": rules.storage_key(digest),
        "uploaded_by": ctx.viewer.subject,
        "uploaded_by_unit_id": ctx.viewer.unit_id,
        "uploaded_at": ctx.now(),
        "created_at": ctx.now(),
    }
    if not await insert_unique(conn, evidence_t, row):
        # A concurrent attach of the same bytes won (the unique index): its file.
        return dict((await conn.execute(same)).mappings().one())
    if owner["task_id"] is not None:
        task_changed(ctx, owner["task_id"])
    else:
        rectification_changed(ctx, owner["rectification_id"])
    await audit(
        ctx,
        conn,
        action="attachEvidence",
        target_type="EvidenceFile",
        target_id=row["id"],
        after={
            k: row[k]
            for k in (
                "progress_report_id",
                "rectification_event_id",
                "extension_request_id",
                "name",
                "caption",
                "content_type",
                "size",
                "sha256",
            )
        },
        scope_unit=owner["scope_unit"],
    )
    # Last, once everything else has passed: the bytes, by content (idempotent). A write
    # attaching several files collects them in `pending` and stores them after the last check.
    if pending is not None:
        pending.append(Pending(row["storage_key"], upload.data, sniffed.content_type))
    else:
        await storage.put(row["storage_key"], upload.data, sniffed.content_type)
    return row


async def store(storage: Storage | None, pending: list[Pending]) -> None:
    """Put the bytes `attach_evidence` collected (once every file of the write has passed)."""
    for item in pending:
        assert storage is not None  # attach_evidence refused without one
        await storage.put(item.key, item.data, item.content_type)


def visible_file(viewer: Viewer, file_id: uuid.UUID) -> sa.Select[Any]:
    """The evidence_file row `file_id` if `viewer` may see it, as its report or rectification
    (models/rules/scope.py): downloads answer 404 otherwise, whether or not it exists."""
    return sa.select(evidence_t).where(
        evidence_t.c.id == file_id, visibility(scope_for(viewer), evidence_t)
    )
