"""addComment: a comment (留言) or 批示 on a task, rectification item or progress report."""

from __future__ import annotations

import uuid

import strawberry
from sqlalchemy.ext.asyncio import AsyncConnection

from models import enums
from models.messages import message
from resolvers.comment import service
from resolvers.comment.types import Comment
from resolvers.common import Info
from resolvers.errors import DomainError, ErrorCode, UserError
from resolvers.ids import split_global_id
from resolvers.task.mutations import input_id
from resolvers.writes import run_mutation


@strawberry.input(description="A comment or 批示 on a task, rectification or progress report.")
class AddCommentInput:
    target: strawberry.ID = strawberry.field(
        description="The task, rectification or progress report commented on."
    )
    body: str = strawberry.field(description="What is written.")
    kind: enums.CommentKind = strawberry.field(
        default=enums.CommentKind.COMMENT,
        description=(
            "COMMENT (REPORTER or higher, on what it sees) or INSTRUCTION (批示: COORDINATOR or"
            " higher of the target's issuer or a unit above it, or of a unit above the"
            " target's units)."
        ),
    )


@strawberry.type(description="Result of addComment.")
class AddCommentPayload:
    comment: Comment | None = strawberry.field(description="The comment written.")
    errors: list[UserError] = strawberry.field(description="Why it was rejected, if it was.")


def _target(value: strawberry.ID) -> tuple[service.Target, uuid.UUID]:
    """The target's type and row id; INVALID_INPUT for anything but a task, rectification or
    progress report id."""
    parts = split_global_id(value)
    kinds = {t.value: t for t in service.Target}
    if parts is None or parts[0] not in kinds:
        raise DomainError(ErrorCode.INVALID_INPUT, message("COMMENT_TARGET"), "target")
    target = kinds[parts[0]]
    return target, input_id(value, target.value, "target")


@strawberry.type
class CommentMutation:
    @strawberry.mutation(
        description=(
            "Comment on a task, rectification item or progress report, or give a 批示"
            " (INSTRUCTION). Whoever sees the target sees its comments."
        )
    )
    async def add_comment(self, info: Info, input: AddCommentInput) -> AddCommentPayload:
        ctx = info.context

        async def body(conn: AsyncConnection) -> AddCommentPayload:
            target, target_id = _target(input.target)
            row = await service.add_comment(
                ctx,
                conn,
                target=target,
                target_id=target_id,
                body=input.body,
                kind=input.kind,
            )
            return AddCommentPayload(comment=Comment.from_row(row), errors=[])

        result, errors = await run_mutation(ctx, body)
        return result or AddCommentPayload(comment=None, errors=errors)
