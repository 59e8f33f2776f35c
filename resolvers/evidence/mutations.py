"""attachEvidence: an evidence file uploaded per the GraphQL multipart request spec."""

from __future__ import annotations

import strawberry
from sqlalchemy.ext.asyncio import AsyncConnection
from strawberry.file_uploads import Upload

from resolvers.common import Info
from resolvers.errors import UserError
from resolvers.evidence import service
from resolvers.evidence.types import EvidenceFile
from resolvers.evidence.uploads import read_upload
from resolvers.task.mutations import input_id
from resolvers.writes import run_mutation


@strawberry.input(
    description=(
        "An evidence file and what it goes on: a progress report, a rectification event or an"
        " extension request (exactly one)."
    )
)
class AttachEvidenceInput:
    report: strawberry.ID | None = strawberry.field(
        default=None, description="A progress report of your unit's share (or a unit's below)."
    )
    rectification_event: strawberry.ID | None = strawberry.field(
        default=None,
        description="A rectification event (transition) your unit or a unit below it made.",
    )
    extension_request: strawberry.ID | None = strawberry.field(
        default=None, description="An extension request (延期申请) your unit made."
    )
    file: Upload = strawberry.field(
        description=(
            "The file (multipart upload): a photo, PDF, office document or zip archive, told"
            " by its content; at most GOVGRAPH_EVIDENCE_MAX_BYTES (10 MB by default)."
        )
    )
    caption: str | None = strawberry.field(
        default=None, description="What it shows (at most 500 characters)."
    )


@strawberry.type(description="Result of attachEvidence.")
class AttachEvidencePayload:
    file: EvidenceFile | None = strawberry.field(description="The stored file.")
    errors: list[UserError] = strawberry.field(description="Why it was refused, if it was.")


@strawberry.type
class EvidenceMutation:
    @strawberry.mutation(
        description=(
            "Attach an evidence file (佐证材料) to a progress report, a rectification event or an"
            " extension request (REPORTER; multipart upload). Refused files leave nothing"
            " behind."
        )
    )
    async def attach_evidence(
        self, info: Info, input: AttachEvidenceInput
    ) -> AttachEvidencePayload:
        ctx = info.context

        async def body(conn: AsyncConnection) -> AttachEvidencePayload:
            report = input_id(input.report, "ProgressReport", "report") if input.report else None
            event = (
                input_id(input.rectification_event, "RectificationEvent", "rectificationEvent")
                if input.rectification_event
                else None
            )
            extension = (
                input_id(input.extension_request, "ExtensionRequest", "extensionRequest")
                if input.extension_request
                else None
            )
            upload = await read_upload(input.file, ctx.evidence_max_bytes)
            row = await service.attach_evidence(
                ctx,
                conn,
                ctx.storage,
                upload=upload,
                report_id=report,
                event_id=event,
                extension_id=extension,
                caption=input.caption,
                max_bytes=ctx.evidence_max_bytes,
            )
            return AttachEvidencePayload(file=EvidenceFile.from_row(row), errors=[])

        result, errors = await run_mutation(ctx, body)
        return result or AttachEvidencePayload(file=None, errors=errors)
