"""The strawberry schema: per-domain query roots merged once."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import AddValidationRules, ValidationCache
from strawberry.tools import merge_types

from api import errors
from api.compiled import CompiledReads
from api.context import RequestContext
from api.extensions import (
    DatabaseLifecycle,
    MaskInternalErrors,
    ParseOnce,
    PartnerIntrospection,
    SqlStatistics,
)
from api.hygiene import NoUnsafeStrings
from api.limits import QueryLimits
from api.persisted import TrustedOperations
from resolvers.audit import AuditQuery
from resolvers.changes.queries import ChangeQuery
from resolvers.comment.mutations import CommentMutation
from resolvers.comment.types import Comment
from resolvers.common import NodeQuery
from resolvers.contact import ContactMutation, ContactQuery
from resolvers.document.mutations import DocumentMutation
from resolvers.document.queries import DocumentQuery
from resolvers.document.types import Document, Plan
from resolvers.escalation.mutations import EscalationInboxMutation, EscalationMutation
from resolvers.escalation.queries import EscalationQuery
from resolvers.evidence.mutations import EvidenceMutation
from resolvers.extension.mutations import ExtensionMutation
from resolvers.extension.queries import ExtensionQuery
from resolvers.extension.types import ExtensionRequest
from resolvers.indicator.mutations import IndicatorMutation
from resolvers.indicator.queries import IndicatorQuery
from resolvers.indicator.types import MonitoringSection, Target
from resolvers.inspection.mutations import InspectionMutation
from resolvers.inspection.queries import InspectionQuery
from resolvers.inspection.types import Inspection, Rectification
from resolvers.ledger.mutations import LedgerMutation
from resolvers.org_unit.mutations import OrgUnitMutation
from resolvers.org_unit.queries import OrgUnitQuery
from resolvers.org_unit.types import OrgUnit
from resolvers.proposal.queries import ProposalQuery
from resolvers.review.mutations import ReviewMutation, ReviewQuery
from resolvers.scalars import OVERRIDES as SCALARS
from resolvers.score.mutations import ScoreMutation
from resolvers.score.queries import ScoreQuery
from resolvers.score.types import ScoreRubric
from resolvers.subscriptions import Subscription
from resolvers.supervision.mutations import SupervisionMutation
from resolvers.task.mutations import TaskEditMutation, TaskMutation
from resolvers.task.queries import TaskQuery
from resolvers.task.signing import SigningMutation, SigningQuery
from resolvers.task.types import Assignment, Task
from resolvers.viewer import ViewerQuery
from resolvers.webhook import WebhookMutation, WebhookQuery
from resolvers.webhook_replay import WebhookReplayMutation

Query = merge_types(
    "Query",
    (
        NodeQuery,
        OrgUnitQuery,
        DocumentQuery,
        TaskQuery,
        InspectionQuery,
        EscalationQuery,
        ExtensionQuery,
        SigningQuery,
        IndicatorQuery,
        ProposalQuery,
        AuditQuery,
        ChangeQuery,
        ViewerQuery,
        WebhookQuery,
        ScoreQuery,
        ReviewQuery,
        ContactQuery,
    ),
)

Mutation = merge_types(
    "Mutation",
    (
        TaskMutation,
        TaskEditMutation,
        InspectionMutation,
        EscalationMutation,
        EscalationInboxMutation,
        IndicatorMutation,
        DocumentMutation,
        LedgerMutation,
        EvidenceMutation,
        ExtensionMutation,
        SigningMutation,
        WebhookMutation,
        WebhookReplayMutation,
        ContactMutation,
        OrgUnitMutation,
        ScoreMutation,
        ReviewMutation,
        CommentMutation,
        SupervisionMutation,
    ),
)


class GovGraphSchema(strawberry.Schema):
    """The schema, logging its errors through the error boundary (api/errors.py): client
    errors as one line, bugs with their traceback (strawberry logs every error with one)."""

    def process_errors(
        self, errors_: list[GraphQLError], execution_context: Any | None = None
    ) -> None:
        context = getattr(execution_context, "context", None)
        rid = context.request_id if isinstance(context, RequestContext) else "-"
        errors.report(errors_, rid)


schema = GovGraphSchema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    types=[
        OrgUnit,
        Document,
        Plan,
        Task,
        Assignment,
        ExtensionRequest,
        Inspection,
        Rectification,
        Target,
        MonitoringSection,
        ScoreRubric,
        Comment,
    ],
    scalar_overrides=SCALARS,  # Date and DateTime within the accepted range
    extensions=[
        # Factories: the LRU caches live at module level, shared by every request.
        lambda: ParseOnce(maxsize=256),
        lambda: ValidationCache(maxsize=256),
        lambda: AddValidationRules([NoUnsafeStrings]),  # NUL, unpaired surrogates in literals
        QueryLimits,
        PartnerIntrospection,
        TrustedOperations,  # GOVGRAPH_PERSISTED_QUERIES=trusted: registered operations only
        DatabaseLifecycle,
        SqlStatistics,
        MaskInternalErrors,
        CompiledReads,  # last: compilable queries skip the resolvers (resolvers/compiled)
    ],
)
