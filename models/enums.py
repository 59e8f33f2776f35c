"""Enumerations shared by tables, domain rules and the GraphQL schema.

Values are UPPER_SNAKE strings; GraphQL exposes the same names.
"""

from __future__ import annotations

from enum import StrEnum


class OrgUnitKind(StrEnum):
    """Kind of organisational unit (组织单元)."""

    PROVINCE = "PROVINCE"  # 省
    CITY = "CITY"  # 市
    DISTRICT = "DISTRICT"  # 区 / 县 / 县级市
    TOWN = "TOWN"  # 镇 / 乡 / 街道
    DEPARTMENT = "DEPARTMENT"  # 部门: 局 / 分局 / 中心 / 办
    ENTERPRISE = "ENTERPRISE"  # 企业
    INSPECTION_TEAM = "INSPECTION_TEAM"  # 督察组
    OTHER = "OTHER"  # 人大、政协 and other bodies


class OrgUnitEventKind(StrEnum):
    """A dated change of the unit tree (区划/机构调整)."""

    RENAME = "RENAME"  # 更名: one unit ends, its successor carries on under a new name
    MERGE = "MERGE"  # 合并/撤并: units end, merged into one successor
    SPLIT = "SPLIT"  # 拆分: one unit ends, split into successors
    ESTABLISH = "ESTABLISH"  # 设立: new units begin
    ABOLISH = "ABOLISH"  # 撤销: units end without successor


class OrgUnitEventRole(StrEnum):
    """A unit's side of an org-unit event."""

    PREDECESSOR = "PREDECESSOR"
    SUCCESSOR = "SUCCESSOR"


class DeadlineKind(StrEnum):
    """Shape of a 完成时限."""

    BY_DATE = "BY_DATE"  # X月底前
    FROM_DATE = "FROM_DATE"  # X起
    PERIOD = "PERIOD"  # 5-9月
    ONGOING = "ONGOING"  # 长期坚持
    UNSPECIFIED = "UNSPECIFIED"


class AssignmentRole(StrEnum):
    """Role of a unit on a task: 牵头单位 or 配合单位."""

    LEAD = "LEAD"
    COOPERATING = "COOPERATING"


class TaskStatus(StrEnum):
    """State of a task or of one assignment."""

    NOT_STARTED = "NOT_STARTED"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"


class Health(StrEnum):
    """Traffic-light health (亮灯 / 三色督办) as of a date (models/rules/health.py)."""

    GREEN = "GREEN"  # on track (绿灯), completed, or 长期坚持
    YELLOW = "YELLOW"  # behind 序时进度, or due within the due-soon window (黄灯)
    RED = "RED"  # overdue (红灯)


class RectificationStatus(StrEnum):
    """Close-out workflow of a rectification (整改事项)."""

    NOT_STARTED = "NOT_STARTED"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"
    VERIFIED = "VERIFIED"
    CLOSED = "CLOSED"  # 销号
    REOPENED = "REOPENED"


class EscalationLevel(StrEnum):
    """Escalation ladder (督办)."""

    REMINDER = "REMINDER"  # 提醒
    URGE = "URGE"  # 催办
    WARNING_LETTER = "WARNING_LETTER"  # 预警函
    INTERVIEW = "INTERVIEW"  # 约谈
    PUBLIC_NOTICE = "PUBLIC_NOTICE"  # 通报


class ScoreRuleKind(StrEnum):
    """What a 考核 rubric line scores (models/rules/score.py)."""

    COMPLETED_ON_TIME = "COMPLETED_ON_TIME"  # 按时完成: per share completed by its deadline
    COMPLETED_LATE = "COMPLETED_LATE"  # 逾期完成: per share completed after its deadline
    OVERDUE_DAY = "OVERDUE_DAY"  # 逾期天数: per day a share is or was late
    ESCALATION = "ESCALATION"  # 被督办: per escalation addressed to the unit (of a level)
    RETURNED_REPORT = "RETURNED_REPORT"  # 报告被退回: per progress report returned on review
    # 整改考核: a responsible unit's own LEAD share of a rectification item (issue 17).
    RECTIFICATION_COMPLETED_ON_TIME = "RECTIFICATION_COMPLETED_ON_TIME"  # 整改按时完成
    RECTIFICATION_COMPLETED_LATE = "RECTIFICATION_COMPLETED_LATE"  # 整改逾期完成
    RECTIFICATION_OVERDUE_DAY = "RECTIFICATION_OVERDUE_DAY"  # 整改逾期天数


class EscalationCause(StrEnum):
    """Why an escalation was issued."""

    MANUAL = "MANUAL"  # 督办 issued by hand (escalate)
    OVERDUE = "OVERDUE"  # 逾期: the overdue ladder of `govgraph escalate-overdue`
    UNSIGNED = "UNSIGNED"  # 逾期未签收: a share nobody signed for within its sign-for days


class EscalationStatus(StrEnum):
    """Where an escalation (督办件) stands in its addressee's inbox
    (models/rules/escalation_state.py holds the transitions)."""

    ISSUED = "ISSUED"  # 已下发: not yet signed for
    ACKNOWLEDGED = "ACKNOWLEDGED"  # 已签收
    REPLIED = "REPLIED"  # 已回复: 说明 or 整改承诺 given
    CLOSED = "CLOSED"  # 已办结: closed by the issuer


class ExtensionStatus(StrEnum):
    """Where an extension request (延期申请) stands (models/rules/extension_state.py)."""

    PENDING = "PENDING"  # 待审批
    APPROVED = "APPROVED"  # 已批准: the task's deadline moved (a dated deadline change)
    REJECTED = "REJECTED"  # 未批准
    WITHDRAWN = "WITHDRAWN"  # 已撤回 by the requesting unit


class EscalationReplyKind(StrEnum):
    """What an addressee's reply to an escalation is."""

    EXPLANATION = "EXPLANATION"  # 情况说明
    COMMITMENT = "COMMITMENT"  # 整改承诺


class ReportReviewPolicy(StrEnum):
    """Which progress reports of a plan's tasks its issuer reviews (审核) before they count
    (models/rules/report_review.py)."""

    NONE = "NONE"  # every report counts when it is made
    FINAL = "FINAL"  # a report of COMPLETED (100%) counts once accepted; others at once
    ALL = "ALL"  # every report counts once accepted


class ReportReviewState(StrEnum):
    """Where a progress report stands in review (审核 / 退回)."""

    NOT_REQUIRED = "NOT_REQUIRED"  # the plan's policy does not review it: counts when made
    SUBMITTED = "SUBMITTED"  # 待审核: does not count yet
    ACCEPTED = "ACCEPTED"  # 审核通过: counts from its acceptance
    RETURNED = "RETURNED"  # 退回 (with a reason): never counts


class ReportReviewDecision(StrEnum):
    """A reviewer's decision on a submitted report."""

    ACCEPT = "ACCEPT"  # 通过
    RETURN = "RETURN"  # 退回


class CommentKind(StrEnum):
    """A comment on a task, rectification or report, or a leader's 批示."""

    COMMENT = "COMMENT"  # 留言 / 意见
    INSTRUCTION = "INSTRUCTION"  # 批示: a superior's written instruction


class IndicatorDirection(StrEnum):
    """Whether a lower or a higher value is better."""

    LOWER_IS_BETTER = "LOWER_IS_BETTER"
    HIGHER_IS_BETTER = "HIGHER_IS_BETTER"


class IndicatorKind(StrEnum):
    """Numeric measure or ordinal water-quality class (I–V, 劣V)."""

    NUMERIC = "NUMERIC"
    WATER_CLASS = "WATER_CLASS"


class TargetKind(StrEnum):
    """Kind of target: binding, pre-control (预控制) or striving (力争)."""

    BINDING = "BINDING"  # 约束性
    PRE_CONTROL = "PRE_CONTROL"  # 预控制目标
    STRIVING = "STRIVING"  # 努力争取性


class AssessmentLevel(StrEnum):
    """Level at which a monitoring section is assessed (考核级别)."""

    NATIONAL = "NATIONAL"  # 国考
    PROVINCIAL = "PROVINCIAL"  # 省考
    MUNICIPAL = "MUNICIPAL"  # 市考
    COUNTY = "COUNTY"  # 县考


class DocumentKind(StrEnum):
    """Kind of source document."""

    NOTICE = "NOTICE"  # 通知 (印发 …)
    RECTIFICATION_PLAN = "RECTIFICATION_PLAN"  # 整改方案
    PROPOSAL_REPLY = "PROPOSAL_REPLY"  # 提案答复
    NEWS = "NEWS"  # 新闻报道
    OTHER = "OTHER"


class PlanKind(StrEnum):
    """Kind of plan inside a document."""

    ACTION_PLAN = "ACTION_PLAN"  # 行动计划
    PROJECT_LIST = "PROJECT_LIST"  # 重点工程
    OTHER = "OTHER"


class PlanField(StrEnum):
    """Field (领域) a plan belongs to."""

    AIR = "AIR"
    WATER = "WATER"
    SOIL = "SOIL"
    ECOLOGY = "ECOLOGY"
    OTHER = "OTHER"


class ReplyCategory(StrEnum):
    """Category of a proposal reply (A: adopted/solved, B: being solved, C: for reference)."""

    A = "A"
    B = "B"
    C = "C"


class ViewerRole(StrEnum):
    """Role of an authenticated viewer."""

    VIEWER = "VIEWER"
    REPORTER = "REPORTER"
    COORDINATOR = "COORDINATOR"
    ADMIN = "ADMIN"


class RoleScope(StrEnum):
    """AssignmentRole as clients pass it in filters: LEAD, COOPERATING or ANY (either)."""

    LEAD = "LEAD"
    COOPERATING = "COOPERATING"
    ANY = "ANY"


class ChangeType(StrEnum):
    """Kind of object in the change feed (changes) that partners mirror.

    One per object of the snapshot (/export/snapshot.json), with the collections it carries
    (resolvers/changes/records.py): a change replaces the object's rows in a mirror.
    """

    ORG_UNIT = "ORG_UNIT"  # with its aliases
    INDICATOR = "INDICATOR"
    MONITORING_SECTION = "MONITORING_SECTION"
    DOCUMENT = "DOCUMENT"  # with its plans
    TASK = "TASK"  # with its assignments and their progress reports
    INSPECTION = "INSPECTION"  # with its findings
    RECTIFICATION = "RECTIFICATION"  # with its findings, responsible units and events
    TARGET = "TARGET"
    MEASUREMENT = "MEASUREMENT"
    ESCALATION = "ESCALATION"
    PROPOSAL = "PROPOSAL"
