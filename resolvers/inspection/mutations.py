"""Rectification mutations: transitionRectification and noteRectificationProgress."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncConnection
from strawberry.file_uploads import Upload

from models import enums
from resolvers.common import Info
from resolvers.errors import UserError
from resolvers.evidence.uploads import attach_uploads
from resolvers.inspection import service
from resolvers.inspection.types import Rectification, RectificationEvent
from resolvers.task.mutations import EvidenceInput, input_id
from resolvers.task.service import Evidence
from resolvers.writes import run_mutation


@strawberry.input(description="Move a rectification one step along its close-out workflow.")
class TransitionRectificationInput:
    rectification: strawberry.ID = strawberry.field(description="The rectification.")
    to: enums.RectificationStatus = strawberry.field(description="The state to move to.")
    expected_version: int = strawberry.field(
        description=(
            "The version the move is based on: the share's (Rectification.shares.version) for"
            " a move of one unit's share, the item's for a move of the item as a whole."
        )
    )
    unit: strawberry.ID | None = strawberry.field(
        default=None,
        description=(
            "The responsible unit whose share moves. Default: the viewer's unit's own share"
            " when it is a responsible unit; otherwise the item as a whole, which is how a"
            " supervising unit (the inspection team, a designated supervisor, a unit above"
            " every responsible unit) verifies (验收), closes (销号) or reopens every share"
            " at once (each share must be able to make the move). ADMIN may name any share or"
            " move the item as a whole."
        ),
    )
    evidence: list[EvidenceInput] | None = strawberry.field(
        default=None, description="Supporting links (整改佐证材料)."
    )
    comment: str | None = strawberry.field(default=None, description="Comment.")
    files: list[Upload] | None = strawberry.field(
        default=None,
        description=(
            "Evidence files (佐证材料, multipart uploads) attached to the transition, as"
            " attachEvidence takes them; one refused file refuses the move."
        ),
    )


@strawberry.type(description="Result of transitionRectification.")
class TransitionRectificationPayload:
    rectification: Rectification | None = strawberry.field(description="The item after the move.")
    event: RectificationEvent | None = strawberry.field(description="The recorded transition.")
    errors: list[UserError] = strawberry.field(description="Why it was rejected, if it was.")


@strawberry.input(
    description="An interim progress note (整改进展) on a rectification: its state stays."
)
class NoteRectificationProgressInput:
    rectification: strawberry.ID = strawberry.field(description="The rectification.")
    comment: str = strawberry.field(description="What was done since the last note or move.")
    unit: strawberry.ID | None = strawberry.field(
        default=None,
        description="The responsible unit whose share it is about (default: the viewer's own).",
    )
    evidence: list[EvidenceInput] | None = strawberry.field(
        default=None, description="Supporting links (整改佐证材料)."
    )
    files: list[Upload] | None = strawberry.field(
        default=None,
        description="Evidence files (multipart uploads), as attachEvidence takes them.",
    )


async def _event_write(
    info: Info,
    files: list[Upload] | None,
    write: Callable[[AsyncConnection], Awaitable[tuple[dict[str, Any], dict[str, Any]]]],
) -> TransitionRectificationPayload:
    """A write that records one rectification event (a move or a note), the files attached
    to that event, and the payload both mutations answer with."""
    ctx = info.context

    async def body(conn: AsyncConnection) -> TransitionRectificationPayload:
        rect, event = await write(conn)
        await attach_uploads(ctx, conn, files, event_id=event["id"])
        return TransitionRectificationPayload(
            rectification=Rectification.from_row(rect),
            event=RectificationEvent.from_row(event),
            errors=[],
        )

    result, errors = await run_mutation(ctx, body)
    return result or TransitionRectificationPayload(rectification=None, event=None, errors=errors)


@strawberry.type
class InspectionMutation:
    @strawberry.mutation(
        description="Start, complete, verify, close (销号) or reopen a rectification."
    )
    async def transition_rectification(
        self, info: Info, input: TransitionRectificationInput
    ) -> TransitionRectificationPayload:
        return await _event_write(
            info,
            input.files,
            lambda conn: service.transition_rectification(
                info.context,
                conn,
                rectification_id=input_id(input.rectification, "Rectification", "rectification"),
                to=input.to,
                expected_version=input.expected_version,
                evidence=[Evidence(e.url, e.title) for e in input.evidence or []],
                comment=input.comment,
                unit=input_id(input.unit, "OrgUnit", "unit") if input.unit else None,
            ),
        )

    @strawberry.mutation(
        description=(
            "Record interim progress (整改进展) on a rectification without moving it: a"
            " responsible unit (REPORTER or above) adds an event to its own share whose from"
            " and to are the share's state, with a comment, links and files; refused on a"
            " CLOSED share."
        )
    )
    async def note_rectification_progress(
        self, info: Info, input: NoteRectificationProgressInput
    ) -> TransitionRectificationPayload:
        return await _event_write(
            info,
            input.files,
            lambda conn: service.note_rectification_progress(
                info.context,
                conn,
                rectification_id=input_id(input.rectification, "Rectification", "rectification"),
                comment=input.comment,
                evidence=[Evidence(e.url, e.title) for e in input.evidence or []],
                unit=input_id(input.unit, "OrgUnit", "unit") if input.unit else None,
            ),
        )
