"""Tables and enums of the govgraph domain (see DESIGN.md's glossary)."""

from models.api_key import ApiKey
from models.audit import AuditEvent
from models.base import metadata, stable_id
from models.change_log import ChangeLogEntry, ChangeLogUnit
from models.comment import Comment
from models.contact import Contact, DigestRun, Notification
from models.deadline_notice import DeadlineNotice
from models.document import Document, Plan, PlanMeasure, PlanMeasureUnit
from models.escalation import Escalation, EscalationReply
from models.evidence import EvidenceFile
from models.extension import ExtensionRequest
from models.fact import ReportedFact
from models.idempotency import IdempotencyKey
from models.indicator import Indicator, Measurement, MonitoringSection, Target
from models.inspection import (
    Finding,
    Inspection,
    Rectification,
    RectificationAssignment,
    RectificationEvent,
    RectificationFinding,
)
from models.org_unit import (
    OrgUnit,
    OrgUnitAlias,
    OrgUnitAttestation,
    OrgUnitClosure,
    OrgUnitEvent,
    OrgUnitEventUnit,
    OrgUnitParentLink,
)
from models.outbox import OutboxEvent
from models.proposal import Proposal
from models.rollup import RollupBucket, RollupMember
from models.score import ScoreRubric, ScoreRule
from models.seed_run import SeedRun
from models.supervision import Supervision
from models.task import (
    Assignment,
    AssignmentStatusEvent,
    ProgressReport,
    Task,
    TaskDeadlineChange,
)
from models.trusted_operation import TrustedOperation
from models.webhook import WebhookDelivery, WebhookSubscription

__all__ = [
    "ApiKey",
    "Assignment",
    "AssignmentStatusEvent",
    "AuditEvent",
    "ChangeLogEntry",
    "ChangeLogUnit",
    "Comment",
    "Contact",
    "DeadlineNotice",
    "DigestRun",
    "Document",
    "Escalation",
    "EscalationReply",
    "EvidenceFile",
    "ExtensionRequest",
    "Finding",
    "IdempotencyKey",
    "Indicator",
    "Inspection",
    "Measurement",
    "MonitoringSection",
    "Notification",
    "OrgUnit",
    "OrgUnitAlias",
    "OrgUnitAttestation",
    "OrgUnitClosure",
    "OrgUnitEvent",
    "OrgUnitEventUnit",
    "OrgUnitParentLink",
    "OutboxEvent",
    "Plan",
    "PlanMeasure",
    "PlanMeasureUnit",
    "ProgressReport",
    "Proposal",
    "Rectification",
    "RectificationAssignment",
    "RectificationEvent",
    "RectificationFinding",
    "ReportedFact",
    "RollupBucket",
    "RollupMember",
    "ScoreRubric",
    "ScoreRule",
    "SeedRun",
    "Supervision",
    "Target",
    "Task",
    "TaskDeadlineChange",
    "TrustedOperation",
    "WebhookDelivery",
    "WebhookSubscription",
    "metadata",
    "stable_id",
]
