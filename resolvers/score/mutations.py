"""考核 rubric writes: createScoreRubric, updateScoreRubric (ADMIN, or COORDINATOR over the
owning unit; models/rules/scope.py can_manage_rubric)."""

from __future__ import annotations

import strawberry
from sqlalchemy.ext.asyncio import AsyncConnection

from models import enums
from resolvers.common import Info
from resolvers.errors import UserError
from resolvers.score import service
from resolvers.score.types import ScoreRubric
from resolvers.task.mutations import input_id
from resolvers.writes import run_mutation


@strawberry.input(description="One line of a rubric.")
class ScoreRuleInput:
    kind: enums.ScoreRuleKind = strawberry.field(description="What the line counts.")
    points: float = strawberry.field(
        description="Points per item (per day for OVERDUE_DAY); negative: a deduction."
    )
    description: str = strawberry.field(description="The line as the rubric words it.")
    level: enums.EscalationLevel | None = strawberry.field(
        default=None, description="ESCALATION lines only: the rung counted (null: any)."
    )
    cap: float | None = strawberry.field(
        default=None, description="Bound on one item's points in absolute value (> 0)."
    )

    def to_service(self) -> service.RuleInput:
        return service.RuleInput(
            kind=self.kind,
            points=self.points,
            description=self.description,
            level=self.level,
            cap=self.cap,
        )


@strawberry.input(description="A new 考核 rubric.")
class CreateScoreRubricInput:
    name: str = strawberry.field(description="Name, unique.")
    rules: list[ScoreRuleInput] = strawberry.field(description="Its lines, in order (1–50).")
    description: str | None = strawberry.field(default=None, description="What it assesses.")
    owner: strawberry.ID | None = strawberry.field(
        default=None, description="The assessing unit (required unless ADMIN)."
    )


@strawberry.input(description="A rubric's new name, description and lines (a new version).")
class UpdateScoreRubricInput:
    rubric: strawberry.ID = strawberry.field(description="The rubric.")
    expected_version: int = strawberry.field(description="Its version as last read.")
    name: str = strawberry.field(description="Name, unique.")
    rules: list[ScoreRuleInput] = strawberry.field(description="Its lines, in order (1–50).")
    description: str | None = strawberry.field(default=None, description="What it assesses.")


@strawberry.type(description="Result of createScoreRubric / updateScoreRubric.")
class ScoreRubricPayload:
    rubric: ScoreRubric | None = strawberry.field(description="The rubric as written.")
    errors: list[UserError] = strawberry.field(description="Why it was rejected, if it was.")


@strawberry.type
class ScoreMutation:
    @strawberry.mutation(description="A new 考核 rubric (ADMIN, or COORDINATOR over the owner).")
    async def create_score_rubric(
        self, info: Info, input: CreateScoreRubricInput
    ) -> ScoreRubricPayload:
        ctx = info.context

        async def body(conn: AsyncConnection) -> ScoreRubricPayload:
            row = await service.create_rubric(
                ctx,
                conn,
                name=input.name,
                description=input.description,
                owner=input_id(input.owner, "OrgUnit", "owner") if input.owner else None,
                rules_in=[r.to_service() for r in input.rules],
            )
            return ScoreRubricPayload(rubric=ScoreRubric.from_row(row), errors=[])

        result, errors = await run_mutation(ctx, body)
        return result or ScoreRubricPayload(rubric=None, errors=errors)

    @strawberry.mutation(description="Replace a rubric's lines (a new version; expectedVersion).")
    async def update_score_rubric(
        self, info: Info, input: UpdateScoreRubricInput
    ) -> ScoreRubricPayload:
        ctx = info.context

        async def body(conn: AsyncConnection) -> ScoreRubricPayload:
            row = await service.update_rubric(
                ctx,
                conn,
                rubric_id=input_id(input.rubric, "ScoreRubric", "rubric"),
                name=input.name,
                description=input.description,
                rules_in=[r.to_service() for r in input.rules],
                expected_version=input.expected_version,
            )
            return ScoreRubricPayload(rubric=ScoreRubric.from_row(row), errors=[])

        result, errors = await run_mutation(ctx, body)
        return result or ScoreRubricPayload(rubric=None, errors=errors)
