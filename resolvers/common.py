"""Shared GraphQL building blocks: enums, Deadline, connections, global ids."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Annotated, Any, ClassVar, TypeVar

import sqlalchemy as sa
import strawberry
from sqlalchemy.engine import RowMapping
from strawberry import relay

from models import enums
from resolvers import error_types as error_types  # registers ErrorCode and UserError
from resolvers import fields, pagination
from resolvers.context import Context
from resolvers.ids import decode_global_id, encode_global_id, row_uuid, split_global_id
from resolvers.pagination import Connection, Edge, OrderKey, PageInfo, ascending

Info = strawberry.Info[Context, None]

OrgUnitKind = strawberry.enum(enums.OrgUnitKind)
DeadlineKind = strawberry.enum(enums.DeadlineKind)
AssignmentRole = strawberry.enum(enums.RoleScope, name="AssignmentRole")
TaskStatus = strawberry.enum(enums.TaskStatus)
RectificationStatus = strawberry.enum(enums.RectificationStatus)
EscalationLevel = strawberry.enum(enums.EscalationLevel)
EscalationStatus = strawberry.enum(
    enums.EscalationStatus,
    description=(
        "An escalation in its addressee's inbox (督办件): ISSUED (已下发), ACKNOWLEDGED (签收),"
        " REPLIED (回复), CLOSED (办结)."
    ),
)
EscalationCause = strawberry.enum(
    enums.EscalationCause,
    description=(
        "Why an escalation was issued: MANUAL (督办 by hand), OVERDUE (逾期), UNSIGNED"
        " (逾期未签收: nobody signed for a share in time)."
    ),
)
ScoreRuleKind = strawberry.enum(
    enums.ScoreRuleKind,
    description=(
        "What a 考核 rubric line counts: a unit's LEAD task shares COMPLETED_ON_TIME (按时完成),"
        " COMPLETED_LATE (逾期完成), OVERDUE_DAY (per day late); ESCALATION (被督办, per"
        " escalation); RETURNED_REPORT (报告被退回); and its own LEAD shares of rectification"
        " items RECTIFICATION_COMPLETED_ON_TIME (整改按时完成: done — COMPLETED, VERIFIED or"
        " CLOSED — by the item's deadline), RECTIFICATION_COMPLETED_LATE (整改逾期完成),"
        " RECTIFICATION_OVERDUE_DAY (整改逾期, per day late)."
    ),
)
EscalationReplyKind = strawberry.enum(
    enums.EscalationReplyKind,
    description="A reply to an escalation: EXPLANATION (情况说明) or COMMITMENT (整改承诺).",
)
ReportReviewPolicy = strawberry.enum(
    enums.ReportReviewPolicy,
    description=(
        "Which progress reports of a plan's tasks wait for review (审核) before they count:"
        " NONE, FINAL (a report of COMPLETED), ALL."
    ),
)
ReportReviewState = strawberry.enum(
    enums.ReportReviewState,
    description=(
        "A progress report's review: NOT_REQUIRED, SUBMITTED (待审核), ACCEPTED (通过),"
        " RETURNED (退回)."
    ),
)
ReportReviewDecision = strawberry.enum(
    enums.ReportReviewDecision, description="A reviewer's decision: ACCEPT (通过) or RETURN (退回)."
)
CommentKind = strawberry.enum(
    enums.CommentKind,
    description="A comment (COMMENT, 留言 / 意见) or a leader's instruction (INSTRUCTION, 批示).",
)
ExtensionStatus = strawberry.enum(
    enums.ExtensionStatus,
    description=(
        "An extension request (延期申请): PENDING (待审批), APPROVED (已批准), REJECTED"
        " (未批准), WITHDRAWN (已撤回)."
    ),
)
Health = strawberry.enum(
    enums.Health,
    description=(
        "Traffic-light health (亮灯 / 三色督办) as of a date: GREEN on track (or completed, or"
        " 长期坚持), YELLOW behind 序时进度 beyond the plan's tolerance or due within 14 days,"
        " RED overdue."
    ),
)
IndicatorDirection = strawberry.enum(enums.IndicatorDirection)
IndicatorKind = strawberry.enum(enums.IndicatorKind)
TargetKind = strawberry.enum(enums.TargetKind)
AssessmentLevel = strawberry.enum(enums.AssessmentLevel)
DocumentKind = strawberry.enum(enums.DocumentKind)
PlanKind = strawberry.enum(enums.PlanKind)
PlanField = strawberry.enum(enums.PlanField)
ReplyCategory = strawberry.enum(enums.ReplyCategory)

__all__ = [
    "Connection",
    "Deadline",
    "Edge",
    "Info",
    "OrderKey",
    "PageInfo",
    "ascending",
    "decode_global_id",
    "global_id",
    "paginate",
    "row_uuid",
]


@strawberry.type(
    description="A completion deadline (完成时限): parsed kind and dates, and the text."
)
class Deadline:
    kind: enums.DeadlineKind = strawberry.field(description="Shape of the deadline.")
    start: date | None = strawberry.field(description="First day (FROM_DATE, PERIOD).")
    end: date | None = strawberry.field(description="Last day (BY_DATE, PERIOD).")
    text: str = strawberry.field(description="The deadline as the document words it.")

    @classmethod
    def from_row(cls, row: RowMapping | dict[str, Any]) -> Deadline:
        """From `deadline_kind/start/end/text` columns (resolvers/fields.py)."""
        return cls(**fields.from_row(fields.DEADLINE, row))


T = TypeVar("T")


async def paginate(
    info: Info,
    statement: sa.Select[Any],
    order: Sequence[sa.ColumnElement[Any]],
    build: Callable[[RowMapping], T],
    *,
    first: int | None,
    after: str | None,
    descending: bool = False,
    parent: str = "",
) -> Connection[T]:
    """A keyset page of `statement` by `order` columns (the last one unique), one direction;
    `parent`: see pagination.paginate."""
    keys = [OrderKey(column, descending) for column in order]
    return await pagination.paginate(
        info.context.db,
        statement,
        keys,
        build,
        first=first,
        after=after,
        digest=pagination.list_digest(info),
        parent=parent,
    )


class RowNode:
    """Mixin of Relay nodes backed by one table: `node(id:)` loads through the scoped loader.

    The loader applies the viewer's scope, so a row outside it resolves to null like a
    missing one.
    """

    ROW_MODEL: ClassVar[Any]

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        loader = info.context.loaders.by_id(cls.ROW_MODEL)
        ids = [row_uuid(i) for i in node_ids]
        rows = await loader.load_many([i for i in ids if i is not None])
        found = iter(rows)
        build = cls.from_row  # type: ignore[attr-defined]
        out = []
        for i in ids:
            row = next(found) if i is not None else None
            out.append(build(row) if row else None)
        return out

    @classmethod
    async def node(cls, info: Info, row_id: str) -> Any:
        """The visible row `row_id` of this type, or None (also for a malformed id)."""
        nodes = await cls.resolve_nodes(info=info, node_ids=[row_id])
        return nodes[0]


@strawberry.type
class NodeQuery:
    @strawberry.field(description="Any object by its global id.")
    async def node(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The ID of the object.")],
    ) -> relay.Node | None:
        """Relay's `node`: null for an id that names no visible object, malformed ids too
        (not base64, no type, an unknown type, not a UUID), as the Relay specification has it
        (resolvers/ids.py decodes)."""
        parts = split_global_id(id)
        if parts is None:
            return None
        definition = info.schema.get_type_by_name(parts[0])
        origin = getattr(definition, "origin", None)
        if not (isinstance(origin, type) and issubclass(origin, RowNode)):
            return None
        node: relay.Node | None = await origin.node(info, parts[1])
        return node


def global_id(type_name: str, row_id: Any) -> strawberry.ID:
    """A Relay global id."""
    return strawberry.ID(encode_global_id(type_name, row_id))
