import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** Date (isoformat) */
  Date: { input: string; output: string; }
  /** Date with time (isoformat) */
  DateTime: { input: string; output: string; }
  /** The `JSON` scalar type represents JSON values as specified by [ECMA-404](https://ecma-international.org/wp-content/uploads/ECMA-404_2nd_edition_december_2017.pdf). */
  JSON: { input: unknown; output: unknown; }
  /** Represents a file upload. */
  Upload: { input: File; output: File; }
};

/** An escalation the viewer's unit signs for (签收). */
export type AcknowledgeEscalationInput = {
  /** The escalation (addressed to you). */
  escalation: Scalars['ID']['input'];
  /** The escalation's version the write is based on. */
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
};

/** A comment or 批示 on a task, rectification or progress report. */
export type AddCommentInput = {
  /** What is written. */
  body: Scalars['String']['input'];
  /** COMMENT (REPORTER or higher, on what it sees) or INSTRUCTION (批示: COORDINATOR or higher of the target's issuer or a unit above it, or of a unit above the target's units). */
  kind?: CommentKind;
  /** The task, rectification or progress report commented on. */
  target: Scalars['ID']['input'];
};

/** Result of addComment. */
export type AddCommentPayload = {
  __typename?: 'AddCommentPayload';
  /** The comment written. */
  comment: Maybe<Comment>;
  /** Why it was rejected, if it was. */
  errors: Array<UserError>;
};

export type AssessmentLevel =
  | 'COUNTY'
  | 'MUNICIPAL'
  | 'NATIONAL'
  | 'PROVINCIAL';

/** Add lead or cooperating units to a task. */
export type AssignTaskInput = {
  /** The task's version the change is based on. */
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  /** Units by name, alias or group reference (各镇（街道）). */
  names?: InputMaybe<Array<Scalars['String']['input']>>;
  /** LEAD or COOPERATING. */
  role: AssignmentRole;
  /** The task. */
  task: Scalars['ID']['input'];
  /** Units. */
  units?: InputMaybe<Array<Scalars['ID']['input']>>;
};

/** Result of assignTask. */
export type AssignTaskPayload = {
  __typename?: 'AssignTaskPayload';
  /** Units newly assigned. */
  added: Array<OrgUnit>;
  /** Why it was rejected, if it was. */
  errors: Array<UserError>;
  /** The task after the change. */
  task: Maybe<Task>;
};

/** A unit's share of a task (牵头 or 配合), with its own state. */
export type Assignment = Node & {
  __typename?: 'Assignment';
  /** When the unit signed for its share (签收, signFor); null: not yet. */
  acknowledgedAt: Maybe<Scalars['DateTime']['output']>;
  /** This unit's own share's light (亮灯) as of the date (default today), from its own state and progress (models/rules/health.py); null before the share existed. */
  health: Maybe<Health>;
  /** The Globally Unique ID of this object */
  id: Scalars['ID']['output'];
  /** This unit's own share is overdue as of the date (default today): not completed by then, not 长期坚持, the task's deadline ended before it. What escalations judge. */
  overdue: Scalars['Boolean']['output'];
  /** Percent complete, 0–100. */
  progress: Scalars['Float']['output'];
  /** LEAD (牵头) or COOPERATING (配合). */
  role: AssignmentRole;
  /** State of this share. */
  status: TaskStatus;
  /** The task. */
  task: Task;
  /** The responsible unit. */
  unit: OrgUnit;
  /** Row version for expectedVersion. */
  version: Scalars['Int']['output'];
  /** The group reference it was expanded from, e.g. 各镇（街道）. */
  viaGroup: Maybe<Scalars['String']['output']>;
};


/** A unit's share of a task (牵头 or 配合), with its own state. */
export type AssignmentHealthArgs = {
  asOf?: InputMaybe<Scalars['Date']['input']>;
};


/** A unit's share of a task (牵头 or 配合), with its own state. */
export type AssignmentOverdueArgs = {
  asOf?: InputMaybe<Scalars['Date']['input']>;
};

/** A page of items with keyset cursors. */
export type AssignmentConnection = {
  __typename?: 'AssignmentConnection';
  /** The items of this page. */
  edges: Array<AssignmentEdge>;
  /** Paging state. */
  pageInfo: PageInfo;
  /** Number of items over all pages. */
  totalCount: Scalars['Int']['output'];
};

/** An edge of a connection. */
export type AssignmentEdge = {
  __typename?: 'AssignmentEdge';
  /** Opaque cursor of this edge. */
  cursor: Scalars['String']['output'];
  /** The item. */
  node: Assignment;
};

export type AssignmentRole =
  | 'ANY'
  | 'COOPERATING'
  | 'LEAD';

/** An evidence file and what it goes on: a progress report, a rectification event or an extension request (exactly one). */
export type AttachEvidenceInput = {
  /** What it shows (at most 500 characters). */
  caption?: InputMaybe<Scalars['String']['input']>;
  /** An extension request (延期申请) your unit made. */
  extensionRequest?: InputMaybe<Scalars['ID']['input']>;
  /** The file (multipart upload): a photo, PDF, office document or zip archive, told by its content; at most GOVGRAPH_EVIDENCE_MAX_BYTES (10 MB by default). */
  file: Scalars['Upload']['input'];
  /** A rectification event (transition) your unit or a unit below it made. */
  rectificationEvent?: InputMaybe<Scalars['ID']['input']>;
  /** A progress report of your unit's share (or a unit's below). */
  report?: InputMaybe<Scalars['ID']['input']>;
};

/** Result of attachEvidence. */
export type AttachEvidencePayload = {
  __typename?: 'AttachEvidencePayload';
  /** Why it was refused, if it was. */
  errors: Array<UserError>;
  /** The stored file. */
  file: Maybe<EvidenceFile>;
};

/** How the measurements compare with a target as of a date. */
export type Attainment = {
  __typename?: 'Attainment';
  /** The compared value (class number). */
  actual: Maybe<Scalars['Float']['output']>;
  /** Evaluated as of the end of this day. */
  asOf: Scalars['Date']['output'];
  /** What the status compares. */
  basis: AttainmentBasis;
  /** actual − target. */
  gap: Maybe<Scalars['Float']['output']>;
  /** Measured months that count. */
  monthsMeasured: Scalars['Int']['output'];
  /** How the target stands. */
  status: AttainmentStatus;
  /** The target value. */
  target: Maybe<Scalars['Float']['output']>;
};

/** Which measurement a target is compared with. */
export type AttainmentBasis =
  | 'ANNUAL_VALUE'
  | 'MONTHLY_VALUE'
  | 'NONE'
  | 'YEAR_TO_DATE_MEAN';

/** How a target stands as of a date. */
export type AttainmentStatus =
  | 'AT_RISK'
  | 'MET'
  | 'MISSED'
  | 'NO_DATA';

/** One write: actor, scope, action, target, before/after, time. */
export type AuditEvent = {
  __typename?: 'AuditEvent';
  /** The mutation, e.g. reportProgress. */
  action: Scalars['String']['output'];
  /** Who (token subject). */
  actor: Scalars['String']['output'];
  /** Changed fields after. */
  after: Maybe<Scalars['JSON']['output']>;
  /** Changed fields before. */
  before: Maybe<Scalars['JSON']['output']>;
  /** When. */
  occurredAt: Scalars['DateTime']['output'];
  /** Request id (X-Request-Id). */
  requestId: Maybe<Scalars['String']['output']>;
  /** Global id of the row written. */
  targetId: Maybe<Scalars['String']['output']>;
  /** Kind of row written. */
  targetType: Scalars['String']['output'];
};

/** A page of items with keyset cursors. */
export type AuditEventConnection = {
  __typename?: 'AuditEventConnection';
  /** The items of this page. */
  edges: Array<AuditEventEdge>;
  /** Paging state. */
  pageInfo: PageInfo;
  /** Number of items over all pages. */
  totalCount: Scalars['Int']['output'];
};

/** An edge of a connection. */
export type AuditEventEdge = {
  __typename?: 'AuditEventEdge';
  /** Opaque cursor of this edge. */
  cursor: Scalars['String']['output'];
  /** The item. */
  node: AuditEvent;
};

/** Filter for audit events. */
export type AuditEventFilter = {
  /** Mutation name. */
  action?: InputMaybe<Scalars['String']['input']>;
  /** At or after. */
  since?: InputMaybe<Scalars['DateTime']['input']>;
  /** A row's id. */
  target?: InputMaybe<Scalars['ID']['input']>;
  /** Writes in this unit's subtree. */
  unit?: InputMaybe<Scalars['ID']['input']>;
  /** Before. */
  until?: InputMaybe<Scalars['DateTime']['input']>;
};

/** A changed object: its current state, or a tombstone when it was deleted or is no longer visible in the feed's view. */
export type Change = {
  __typename?: 'Change';
  /** When the change was logged; null for objects of the initial load. */
  changedAt: Maybe<Scalars['DateTime']['output']>;
  /** Tombstone: remove the object's rows from the mirror (`records` is empty). */
  deleted: Scalars['Boolean']['output'];
  /** The object as it is now, for Task and Rectification changes; null for a tombstone and for the other types (read `records`). */
  object: Maybe<Node>;
  /** Id of the object as the snapshot writes it (a global id for nodes). */
  objectId: Scalars['ID']['output'];
  /** The object's rows as the snapshot carries them, by collection (the object's own row and the rows it owns: a task's deadline changes, assignments and progress reports, a document's plans …): replace the object's rows in a mirror by these. Every collection of the type is present; a tombstone's are empty. */
  records: Scalars['JSON']['output'];
  /** Kind of object. */
  type: ChangeType;
};

/** A page of the change feed. */
export type ChangeConnection = {
  __typename?: 'ChangeConnection';
  /** Changes in commit order. */
  edges: Array<ChangeEdge>;
  /** endCursor is never null: keep it and pass it as `since` next time. */
  pageInfo: PageInfo;
};

/** An edge of the change feed. */
export type ChangeEdge = {
  __typename?: 'ChangeEdge';
  /** Resume after this change with changes(since:). */
  cursor: Scalars['String']['output'];
  /** The change. */
  node: Change;
};

/** Kind of object in the change feed: one per object of the snapshot (/export/snapshot.json), with the collections it owns (see `Change.records`). */
export type ChangeType =
  | 'DOCUMENT'
  | 'ESCALATION'
  | 'INDICATOR'
  | 'INSPECTION'
  | 'MEASUREMENT'
  | 'MONITORING_SECTION'
  | 'ORG_UNIT'
  | 'PROPOSAL'
  | 'RECTIFICATION'
  | 'TARGET'
  | 'TASK';

/** An escalation its issuer closes (办结). */
export type CloseEscalationInput = {
  /** The escalation (issued by you). */
  escalation: Scalars['ID']['input'];
  /** The escalation's version the write is based on. */
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  /** Why it is closed. */
  note?: InputMaybe<Scalars['String']['input']>;
};

/** A comment or 批示 on a task, rectification or progress report: who wrote it (unit, role), when. Whoever sees the target sees its comments. Append-only. */
export type Comment = Node & {
  __typename?: 'Comment';
  /** Who wrote it (internal: null for sharing partners). */
  author: Maybe<Scalars['String']['output']>;
  /** The author's role then. */
  authorRole: ViewerRole;
  /** The author's unit. */
  authorUnit: Maybe<OrgUnit>;
  /** What was written. */
  body: Scalars['String']['output'];
  /** When it was written. */
  createdAt: Scalars['DateTime']['output'];
  /** The Globally Unique ID of this object */
  id: Scalars['ID']['output'];
  /** COMMENT or INSTRUCTION (批示). */
  kind: CommentKind;
};

/** A page of items with keyset cursors. */
export type CommentConnection = {
  __typename?: 'CommentConnection';
  /** The items of this page. */
  edges: Array<CommentEdge>;
  /** Paging state. */
  pageInfo: PageInfo;
  /** Number of items over all pages. */
  totalCount: Scalars['Int']['output'];
};

/** An edge of a connection. */
export type CommentEdge = {
  __typename?: 'CommentEdge';
  /** Opaque cursor of this edge. */
  cursor: Scalars['String']['output'];
  /** The item. */
  node: Comment;
};

/** A comment (COMMENT, 留言 / 意见) or a leader's instruction (INSTRUCTION, 批示). */
export type CommentKind =
  | 'COMMENT'
  | 'INSTRUCTION';

/** A unit's contact: who is told of its events, how and when. */
export type Contact = {
  __typename?: 'Contact';
  /** False: told nothing. */
  active: Scalars['Boolean']['output'];
  /** An email address, or the gateway's recipient (phone number, account id). */
  address: Scalars['String']['output'];
  /** EMAIL or HTTP_GATEWAY. */
  channel: ContactChannel;
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Event types it hears of (task.due_soon …); empty: every type. */
  eventTypes: Array<Scalars['String']['output']>;
  /** Global id. */
  id: Scalars['ID']['output'];
  /** IMMEDIATE or DAILY_DIGEST. */
  mode: ContactMode;
  /** Who (a person, a duty desk, a mailbox). */
  name: Scalars['String']['output'];
  /** Quiet hours until (HH:MM, local). */
  quietEnd: Maybe<Scalars['String']['output']>;
  /** Quiet hours from (HH:MM, local). */
  quietStart: Maybe<Scalars['String']['output']>;
  /** The OrgUnit whose events it hears of. */
  unit: Scalars['ID']['output'];
  /** When it last changed. */
  updatedAt: Scalars['DateTime']['output'];
  /** For expectedVersion. */
  version: Scalars['Int']['output'];
};

/** How a contact is reached: EMAIL (SMTP) or HTTP_GATEWAY. */
export type ContactChannel =
  | 'EMAIL'
  | 'HTTP_GATEWAY';

/** IMMEDIATE (each event, outside quiet hours) or DAILY_DIGEST. */
export type ContactMode =
  | 'DAILY_DIGEST'
  | 'IMMEDIATE';

/** One message to one contact: an event, or a daily digest. */
export type ContactNotification = {
  __typename?: 'ContactNotification';
  /** Attempts made. */
  attempts: Scalars['Int']['output'];
  /** The text sent. */
  body: Scalars['String']['output'];
  /** The Contact. */
  contact: Scalars['ID']['output'];
  /** The outbox event's id (digest: null). */
  eventId: Maybe<Scalars['String']['output']>;
  /** task.due_soon …, or digest. */
  eventType: Scalars['String']['output'];
  /** Global id (the mail's Message-ID part). */
  id: Scalars['ID']['output'];
  /** Why the last attempt failed. */
  lastError: Maybe<Scalars['String']['output']>;
  /** When a PENDING one goes (after quiet hours). */
  nextAttemptAt: Scalars['DateTime']['output'];
  /** When it was sent. */
  sentAt: Maybe<Scalars['DateTime']['output']>;
  /** PENDING, SENT or DEAD. */
  status: NotificationStatus;
  /** The subject line. */
  subject: Scalars['String']['output'];
};

/** Result of createContact and updateContact. */
export type ContactPayload = {
  __typename?: 'ContactPayload';
  /** The contact after the write. */
  contact: Maybe<Contact>;
  /** Why it was refused, if it was. */
  errors: Array<UserError>;
};

/** A new contact of a unit. */
export type CreateContactInput = {
  /** Email address, or the gateway's recipient. */
  address: Scalars['String']['input'];
  /** EMAIL or HTTP_GATEWAY. */
  channel: ContactChannel;
  /** task.due_soon, task.overdue, task.changed, rectification.changed, escalation.issued/acknowledged/replied/closed; empty: all of them. */
  eventTypes?: Array<Scalars['String']['input']>;
  /** IMMEDIATE (default) or DAILY_DIGEST. */
  mode?: ContactMode;
  /** Who (1 to 100 characters). */
  name: Scalars['String']['input'];
  /** Quiet hours until (HH:MM, local; before quietStart: overnight). */
  quietEnd?: InputMaybe<Scalars['String']['input']>;
  /** Quiet hours from (HH:MM, local; with quietEnd). */
  quietStart?: InputMaybe<Scalars['String']['input']>;
  /** The OrgUnit (COORDINATOR+ over it). */
  unit: Scalars['ID']['input'];
};

/** A document (文件) to register. */
export type CreateDocumentInput = {
  /** Superior document. */
  basedOn?: InputMaybe<Scalars['String']['input']>;
  /** 文号. */
  docNumber?: InputMaybe<Scalars['String']['input']>;
  /** Date of issue. */
  issuedOn?: InputMaybe<Scalars['Date']['input']>;
  /** Issuing unit; the viewer's unit by default. */
  issuer?: InputMaybe<Scalars['ID']['input']>;
  /** Kind of document. */
  kind: DocumentKind;
  /** Summary. */
  summary?: InputMaybe<Scalars['String']['input']>;
  /** Title. */
  title: Scalars['String']['input'];
};

/** A plan inside a document. */
export type CreatePlanInput = {
  /** The document. */
  document: Scalars['ID']['input'];
  /** Field. */
  field: PlanField;
  /** Short key used in task codes. */
  key?: InputMaybe<Scalars['String']['input']>;
  /** Action plan or project list. */
  kind: PlanKind;
  /** 主要目标. */
  objectives?: InputMaybe<Scalars['String']['input']>;
  /** The plan this one is an annex of. */
  parent?: InputMaybe<Scalars['ID']['input']>;
  /** Which reports of its tasks wait for review (审核) before they count. */
  reportReview?: ReportReviewPolicy;
  /** Title. */
  title: Scalars['String']['input'];
  /** Year covered. */
  year?: InputMaybe<Scalars['Int']['input']>;
};

/** A new 考核 rubric. */
export type CreateScoreRubricInput = {
  /** What it assesses. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** Name, unique. */
  name: Scalars['String']['input'];
  /** The assessing unit (required unless ADMIN). */
  owner?: InputMaybe<Scalars['ID']['input']>;
  /** Its lines, in order (1–50). */
  rules: Array<ScoreRuleInput>;
};

/** A new target. */
export type CreateTargetInput = {
  /** Baseline value. */
  baseline?: InputMaybe<Scalars['Float']['input']>;
  /** Baseline year. */
  baselineYear?: InputMaybe<Scalars['Int']['input']>;
  /** Indicator code. */
  indicator: Scalars['String']['input'];
  /** Binding, pre-control or striving. */
  kind: TargetKind;
  /** Month; null = the year. */
  month?: InputMaybe<Scalars['Int']['input']>;
  /** Remarks. */
  remarks?: InputMaybe<Scalars['String']['input']>;
  /** Section. */
  section?: InputMaybe<Scalars['ID']['input']>;
  /** Where it is set. */
  source?: InputMaybe<Scalars['String']['input']>;
  /** Unit. */
  unit?: InputMaybe<Scalars['ID']['input']>;
  /** Target value. */
  value?: InputMaybe<Scalars['Float']['input']>;
  /** Target as worded. */
  valueText?: InputMaybe<Scalars['String']['input']>;
  /** Year. */
  year: Scalars['Int']['input'];
};

/** A new task of a plan (a 台账 row). */
export type CreateTaskInput = {
  /** 任务类别. */
  category?: InputMaybe<Scalars['String']['input']>;
  /** Cooperating units. */
  cooperating?: InputMaybe<Array<Scalars['ID']['input']>>;
  /** Cooperating units by name, alias or group. */
  cooperatingNames?: InputMaybe<Array<Scalars['String']['input']>>;
  /** 完成时限. */
  deadline?: InputMaybe<DeadlineInput>;
  /** 具体措施. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** The day the task's history starts (as-of views count it from then); default the document's issue date; never after today. */
  effectiveOn?: InputMaybe<Scalars['Date']['input']>;
  /** Lead units by name, alias or group (各镇（街道）). */
  leadNames?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Lead units. */
  leads?: InputMaybe<Array<Scalars['ID']['input']>>;
  /** The plan. */
  plan: Scalars['ID']['input'];
  /** 备注. */
  remarks?: InputMaybe<Scalars['String']['input']>;
  /** 序号; next free by default. */
  seq?: InputMaybe<Scalars['Int']['input']>;
  /** Short title. */
  title: Scalars['String']['input'];
  /** Weight (default 1). */
  weight?: InputMaybe<Scalars['Float']['input']>;
};

/** A new webhook subscription for a sharing partner's API key. */
export type CreateWebhookSubscriptionInput = {
  /** The partner's API key prefix (key list). */
  apiKey: Scalars['String']['input'];
  /** Event types (task.changed, rectification.changed, escalation.issued …); empty: every deliverable type. */
  eventTypes?: Array<Scalars['String']['input']>;
  /** A unit in the key's subtree (default: the key's unit). */
  unit?: InputMaybe<Scalars['ID']['input']>;
  /** An http(s) URL receiving the CloudEvents. */
  url: Scalars['String']['input'];
};

/** A completion deadline (完成时限): parsed kind and dates, and the text. */
export type Deadline = {
  __typename?: 'Deadline';
  /** Last day (BY_DATE, PERIOD). */
  end: Maybe<Scalars['Date']['output']>;
  /** Shape of the deadline. */
  kind: DeadlineKind;
  /** First day (FROM_DATE, PERIOD). */
  start: Maybe<Scalars['Date']['output']>;
  /** The deadline as the document words it. */
  text: Scalars['String']['output'];
};

/** A change of a task's deadline: who, when, why, from what to what. */
export type DeadlineChange = {
  __typename?: 'DeadlineChange';
  /** When (in force from this moment). */
  changedAt: Scalars['DateTime']['output'];
  /** Who (token subject; internal: null for sharing partners, as reportedBy). */
  changedBy: Maybe<Scalars['String']['output']>;
  /** The unit of whoever changed it. */
  changedByUnit: Maybe<OrgUnit>;
  /** The deadline from this change on. */
  deadline: Deadline;
  /** The deadline it replaced. */
  previous: Deadline;
  /** Why (updateTask's deadlineChangeReason). */
  reason: Maybe<Scalars['String']['output']>;
};

/** A deadline as 完成时限 text (parsed) or as explicit parts. */
export type DeadlineInput = {
  /** Last day. */
  end?: InputMaybe<Scalars['Date']['input']>;
  /** Explicit kind; overrides what the text parses to. */
  kind?: InputMaybe<DeadlineKind>;
  /** First day. */
  start?: InputMaybe<Scalars['Date']['input']>;
  /** e.g. 2023年10月底前. */
  text?: InputMaybe<Scalars['String']['input']>;
};

export type DeadlineKind =
  | 'BY_DATE'
  | 'FROM_DATE'
  | 'ONGOING'
  | 'PERIOD'
  | 'UNSPECIFIED';

/** The approver's decision on a pending extension request (审批). */
export type DecideExtensionInput = {
  /** APPROVE (the deadline moves) or REJECT. */
  decision: ExtensionDecision;
  /** The request's version the decision is based on. */
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  /** 审批意见: required to reject, optional to approve. */
  reason?: InputMaybe<Scalars['String']['input']>;
  /** The extension request. */
  request: Scalars['ID']['input'];
};

/** Split the viewer's unit's share of a task into subtasks. */
export type DecomposeTaskInput = {
  /** The subtasks. */
  subtasks: Array<SubtaskInput>;
  /** The task the viewer's unit leads. */
  task: Scalars['ID']['input'];
};

/** Result of decomposeTask. */
export type DecomposeTaskPayload = {
  __typename?: 'DecomposeTaskPayload';
  /** Why it was rejected, if it was. */
  errors: Array<UserError>;
  /** The new subtasks. */
  subtasks: Array<Task>;
  /** The decomposed task. */
  task: Maybe<Task>;
};

/** Which contact to delete. */
export type DeleteContactInput = {
  /** The Contact. */
  contact: Scalars['ID']['input'];
  /** The contact's version the write is based on. */
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
};

/** Result of deleteContact. */
export type DeleteContactPayload = {
  __typename?: 'DeleteContactPayload';
  /** The deleted contact. */
  deletedId: Maybe<Scalars['ID']['output']>;
  /** Why it was refused, if it was. */
  errors: Array<UserError>;
};

/** Result of deleteWebhookSubscription. */
export type DeleteWebhookSubscriptionPayload = {
  __typename?: 'DeleteWebhookSubscriptionPayload';
  /** The deleted subscription. */
  deletedId: Maybe<Scalars['ID']['output']>;
  /** Why it was refused, if it was. */
  errors: Array<UserError>;
};

/** A source document with its 文号. */
export type Document = Node & {
  __typename?: 'Document';
  /** The superior document it implements. */
  basedOn: Maybe<Scalars['String']['output']>;
  /** 文号, e.g. 城政办发〔2023〕20号. */
  docNumber: Maybe<Scalars['String']['output']>;
  /** The Globally Unique ID of this object */
  id: Scalars['ID']['output'];
  /** Date of issue. */
  issuedOn: Maybe<Scalars['Date']['output']>;
  /** The issuing unit. */
  issuer: Maybe<OrgUnit>;
  /** Kind of document. */
  kind: DocumentKind;
  /** Plans in the document, in document order. */
  plans: Array<Plan>;
  /** Remarks (e.g. 征求意见稿). */
  remarks: Maybe<Scalars['String']['output']>;
  /** What the document reports about units (news figures), in document order. */
  reportedFacts: Array<ReportedFact>;
  /** Summary. */
  summary: Maybe<Scalars['String']['output']>;
  /** Title. */
  title: Scalars['String']['output'];
};

/** A page of items with keyset cursors. */
export type DocumentConnection = {
  __typename?: 'DocumentConnection';
  /** The items of this page. */
  edges: Array<DocumentEdge>;
  /** Paging state. */
  pageInfo: PageInfo;
  /** Number of items over all pages. */
  totalCount: Scalars['Int']['output'];
};

/** An edge of a connection. */
export type DocumentEdge = {
  __typename?: 'DocumentEdge';
  /** Opaque cursor of this edge. */
  cursor: Scalars['String']['output'];
  /** The item. */
  node: Document;
};

export type DocumentKind =
  | 'NEWS'
  | 'NOTICE'
  | 'OTHER'
  | 'PROPOSAL_REPLY'
  | 'RECTIFICATION_PLAN';

/** Result of createDocument. */
export type DocumentPayload = {
  __typename?: 'DocumentPayload';
  /** The document. */
  document: Maybe<Document>;
  /** Why it was rejected, if it was. */
  errors: Array<UserError>;
};

/** Why a mutation was rejected. */
export type ErrorCode =
  | 'DUPLICATE'
  | 'FILE_TOO_LARGE'
  | 'FORBIDDEN'
  | 'INVALID_INPUT'
  | 'INVALID_TRANSITION'
  | 'NOT_FOUND'
  | 'OUT_OF_RANGE'
  | 'UNKNOWN_UNIT'
  | 'UNSUPPORTED_FILE_TYPE'
  | 'VERSION_CONFLICT';

/** An escalation about one task, assignment or rectification. */
export type EscalateInput = {
  /** The unit escalated to. */
  addressedTo: Scalars['ID']['input'];
  /** About the addressed unit's share of a task. */
  assignment?: InputMaybe<Scalars['ID']['input']>;
  /** Date; today by default. */
  issuedOn?: InputMaybe<Scalars['Date']['input']>;
  /** Rung of the ladder. */
  level: EscalationLevel;
  /** Why. */
  reason?: InputMaybe<Scalars['String']['input']>;
  /** About a rectification. */
  rectification?: InputMaybe<Scalars['ID']['input']>;
  /** About a task. */
  task?: InputMaybe<Scalars['ID']['input']>;
};

/** Result of escalate. */
export type EscalatePayload = {
  __typename?: 'EscalatePayload';
  /** Why it was rejected, if it was. */
  errors: Array<UserError>;
  /** The escalation issued. */
  escalation: Maybe<Escalation>;
};

/** A superior's escalation to a unit: 提醒, 催办, 预警函, 约谈, 通报. */
export type Escalation = {
  __typename?: 'Escalation';
  /** When it was signed for. */
  acknowledgedAt: Maybe<Scalars['DateTime']['output']>;
  /** The unit escalated to. */
  addressedTo: OrgUnit;
  /** Why it was issued: MANUAL (督办 by hand), OVERDUE (逾期, the ladder of `govgraph escalate-overdue`), UNSIGNED (逾期未签收: a share nobody signed for in time, urged once per share); null for escalations issued before causes were recorded. */
  cause: Maybe<EscalationCause>;
  /** When the issuer closed it. */
  closedAt: Maybe<Scalars['DateTime']['output']>;
  /** The issuer's note on closing. */
  closingNote: Maybe<Scalars['String']['output']>;
  /** Global id (the inbox's mutations take it). */
  id: Scalars['ID']['output'];
  /** The issuing (superior) unit. */
  issuedBy: OrgUnit;
  /** Date issued. */
  issuedOn: Scalars['Date']['output'];
  /** Rung of the ladder. */
  level: EscalationLevel;
  /** Why. */
  reason: Maybe<Scalars['String']['output']>;
  /** The rectification item (整改事项) it is about; null for a task's, or when the item is not visible. */
  rectification: Maybe<Rectification>;
  /** The addressee's replies, oldest first (the last 50). */
  replies: Array<EscalationReply>;
  /** Where it stands in the addressee's inbox (督办件): ISSUED, ACKNOWLEDGED (签收), REPLIED (回复), CLOSED (办结). */
  status: EscalationStatus;
  /** Where it stood in the inbox as of the date (end of day): the furthest move made by then (CLOSED, REPLIED, ACKNOWLEDGED, else ISSUED); null when it was issued after that day. Today and later: `status`. */
  statusAsOf: Maybe<EscalationStatus>;
  /** The task it is about (督办 of a task's share); null for a rectification item's, or when the task is not visible. */
  task: Maybe<Task>;
  /** Row version for expectedVersion. */
  version: Scalars['Int']['output'];
};


/** A superior's escalation to a unit: 提醒, 催办, 预警函, 约谈, 通报. */
export type EscalationStatusAsOfArgs = {
  asOf: Scalars['Date']['input'];
};

/** Why an escalation was issued: MANUAL (督办 by hand), OVERDUE (逾期), UNSIGNED (逾期未签收: nobody signed for a share in time). */
export type EscalationCause =
  | 'MANUAL'
  | 'OVERDUE'
  | 'UNSIGNED';

/** A page of items with keyset cursors. */
export type EscalationConnection = {
  __typename?: 'EscalationConnection';
  /** The items of this page. */
  edges: Array<EscalationEdge>;
  /** Paging state. */
  pageInfo: PageInfo;
  /** Number of items over all pages. */
  totalCount: Scalars['Int']['output'];
};

/** An edge of a connection. */
export type EscalationEdge = {
  __typename?: 'EscalationEdge';
  /** Opaque cursor of this edge. */
  cursor: Scalars['String']['output'];
  /** The item. */
  node: Escalation;
};

/** Result of acknowledgeEscalation, replyToEscalation, closeEscalation. */
export type EscalationInboxPayload = {
  __typename?: 'EscalationInboxPayload';
  /** Why it was rejected, if it was. */
  errors: Array<UserError>;
  /** The escalation after the write. */
  escalation: Maybe<Escalation>;
  /** The reply stored (replies). */
  reply: Maybe<EscalationReply>;
};

export type EscalationLevel =
  | 'INTERVIEW'
  | 'PUBLIC_NOTICE'
  | 'REMINDER'
  | 'URGE'
  | 'WARNING_LETTER';

/** Whose escalations: the viewer's unit, or it and the units below. */
export type EscalationParty =
  /** The viewer's own unit. */
  | 'ME'
  /** The viewer's unit and every unit below it. */
  | 'MY_SUBTREE';

/** The addressed unit's answer to an escalation (回复). */
export type EscalationReply = {
  __typename?: 'EscalationReply';
  /** 情况说明 (EXPLANATION) or 整改承诺 (COMMITMENT). */
  kind: EscalationReplyKind;
  /** A commitment's promised date (整改时限). */
  promisedBy: Maybe<Scalars['Date']['output']>;
  /** When. */
  repliedAt: Scalars['DateTime']['output'];
  /** Who replied (internal: null for sharing partners). */
  repliedBy: Maybe<Scalars['String']['output']>;
  /** The answer. */
  text: Scalars['String']['output'];
  /** The replying unit. */
  unit: Maybe<OrgUnit>;
};

/** A reply to an escalation: EXPLANATION (情况说明) or COMMITMENT (整改承诺). */
export type EscalationReplyKind =
  | 'COMMITMENT'
  | 'EXPLANATION';

/** An escalation in its addressee's inbox (督办件): ISSUED (已下发), ACKNOWLEDGED (签收), REPLIED (回复), CLOSED (办结). */
export type EscalationStatus =
  | 'ACKNOWLEDGED'
  | 'CLOSED'
  | 'ISSUED'
  | 'REPLIED';

/** A link to supporting material of a report. */
export type Evidence = {
  __typename?: 'Evidence';
  /** What it shows. */
  title: Maybe<Scalars['String']['output']>;
  /** Link (http or https). */
  url: Scalars['String']['output'];
};

/** An evidence file (佐证材料) on a progress report or a rectification event: a photo, PDF, office document or zip archive, its type told by its content. */
export type EvidenceFile = {
  __typename?: 'EvidenceFile';
  /** What it shows. */
  caption: Maybe<Scalars['String']['output']>;
  /** Media type, sniffed from the content. */
  contentType: Scalars['String']['output'];
  /** Global id. */
  id: Scalars['ID']['output'];
  /** File name as uploaded (path parts removed). */
  name: Scalars['String']['output'];
  /** SHA-256 of the bytes (lower-case hex). */
  sha256: Scalars['String']['output'];
  /** Size in bytes. */
  size: Scalars['Int']['output'];
  /** When it was attached. */
  uploadedAt: Scalars['DateTime']['output'];
  /** Who attached it (internal: null for sharing partners). */
  uploadedBy: Maybe<Scalars['String']['output']>;
  /** Where to download it (GET, with the same credentials as /graphql; 404 for a viewer who cannot see its report or rectification). */
  url: Scalars['String']['output'];
};

/** A link to supporting material. */
export type EvidenceInput = {
  /** What it shows. */
  title?: InputMaybe<Scalars['String']['input']>;
  /** http(s) link. */
  url: Scalars['String']['input'];
};

/** An approver's decision on an extension request. */
export type ExtensionDecision =
  /** 批准: the deadline moves. */
  | 'APPROVE'
  /** 不予批准, with a reason. */
  | 'REJECT';

/** An extension request (延期申请): a lead unit asks for a later deadline of a task, with a reason and evidence files; the plan's issuer (or a unit above it, or above the lead unit) approves or rejects it. An approval is a dated deadline change (Task.deadlineHistory): the original deadline stays, as-of views before it keep it. */
export type ExtensionRequest = Node & {
  __typename?: 'ExtensionRequest';
  /** The approver it is addressed to: the plan's issuer (for a subtask, the unit whose share it splits), else the lead unit's parent. Units above it may decide too. */
  addressedTo: Maybe<OrgUnit>;
  /** The requesting unit's LEAD share. */
  assignment: Maybe<Assignment>;
  /** The deadline end in force when it was asked. */
  currentDeadlineEnd: Maybe<Scalars['Date']['output']>;
  /** When it was approved, rejected or withdrawn. */
  decidedAt: Maybe<Scalars['DateTime']['output']>;
  /** Who decided (internal: null for sharing partners). */
  decidedBy: Maybe<Scalars['String']['output']>;
  /** The unit that approved or rejected it. */
  decidedByUnit: Maybe<OrgUnit>;
  /** The approver's reason (审批意见); a rejection always gives one. */
  decisionReason: Maybe<Scalars['String']['output']>;
  /** Evidence files (佐证材料) of the request, oldest first. */
  files: Array<EvidenceFile>;
  /** The Globally Unique ID of this object */
  id: Scalars['ID']['output'];
  /** Why the lead unit asks (申请理由). */
  reason: Scalars['String']['output'];
  /** When it was asked. */
  requestedAt: Scalars['DateTime']['output'];
  /** Who asked (internal: null for sharing partners). */
  requestedBy: Maybe<Scalars['String']['output']>;
  /** The requesting lead unit. */
  requestedByUnit: OrgUnit;
  /** The deadline end asked for. */
  requestedDeadlineEnd: Scalars['Date']['output'];
  /** PENDING (待审批), APPROVED (已批准), REJECTED (未批准), WITHDRAWN (已撤回). */
  status: ExtensionStatus;
  /** The task whose deadline it asks to move. */
  task: Maybe<Task>;
  /** Row version for expectedVersion. */
  version: Scalars['Int']['output'];
};

/** A page of items with keyset cursors. */
export type ExtensionRequestConnection = {
  __typename?: 'ExtensionRequestConnection';
  /** The items of this page. */
  edges: Array<ExtensionRequestEdge>;
  /** Paging state. */
  pageInfo: PageInfo;
  /** Number of items over all pages. */
  totalCount: Scalars['Int']['output'];
};

/** An edge of a connection. */
export type ExtensionRequestEdge = {
  __typename?: 'ExtensionRequestEdge';
  /** Opaque cursor of this edge. */
  cursor: Scalars['String']['output'];
  /** The item. */
  node: ExtensionRequest;
};

/** Filter for extension requests. */
export type ExtensionRequestFilter = {
  /** Addressed to the viewer's unit (ME: the approver's list) or to a unit in its subtree (MY_SUBTREE). */
  addressedTo?: InputMaybe<UnitParty>;
  /** Asked by this unit (an OrgUnit id). */
  requestedBy?: InputMaybe<Scalars['ID']['input']>;
  /** State in this set (PENDING: what waits for a decision). */
  status?: InputMaybe<Array<ExtensionStatus>>;
};

/** Result of requestExtension, decideExtension and withdrawExtension. */
export type ExtensionRequestPayload = {
  __typename?: 'ExtensionRequestPayload';
  /** Why it was refused, if it was. */
  errors: Array<UserError>;
  /** The request after the write. */
  request: Maybe<ExtensionRequest>;
};

/** An extension request (延期申请): PENDING (待审批), APPROVED (已批准), REJECTED (未批准), WITHDRAWN (已撤回). */
export type ExtensionStatus =
  | 'APPROVED'
  | 'PENDING'
  | 'REJECTED'
  | 'WITHDRAWN';

/** A numbered problem of an inspection's feedback (反馈问题N). */
export type Finding = {
  __typename?: 'Finding';
  /** The feedback's problem number. */
  number: Scalars['Int']['output'];
  /** Chapter heading it sits under. */
  section: Maybe<Scalars['String']['output']>;
  /** Sub-heading it sits under. */
  subsection: Maybe<Scalars['String']['output']>;
  /** The problem as the feedback states it. */
  text: Scalars['String']['output'];
};

/** Traffic-light health (亮灯 / 三色督办) as of a date: GREEN on track (or completed, or 长期坚持), YELLOW behind 序时进度 beyond the plan's tolerance or due within 14 days, RED overdue. */
export type Health =
  | 'GREEN'
  | 'RED'
  | 'YELLOW';

/** A 台账 file and the plan it goes into. */
export type ImportLedgerInput = {
  /** 文号 of the document. */
  docNumber?: InputMaybe<Scalars['String']['input']>;
  /** Report what would change and write nothing. */
  dryRun?: Scalars['Boolean']['input'];
  /** The day new tasks' history starts (as-of views count them from then); default the document's issue date; never after today. */
  effectiveOn?: InputMaybe<Scalars['Date']['input']>;
  /** .xlsx or .csv (UTF-8, UTF-8 with BOM, GB18030). */
  file: Scalars['Upload']['input'];
  /** Issuing unit, when several documents share the 文号. */
  issuer?: InputMaybe<Scalars['ID']['input']>;
  /** The plan; or docNumber (+ planKey); or 文号/方案 columns. */
  plan?: InputMaybe<Scalars['ID']['input']>;
  /** Key of the plan when the document holds several. */
  planKey?: InputMaybe<Scalars['String']['input']>;
};

/** Result of importLedger. */
export type ImportLedgerPayload = {
  __typename?: 'ImportLedgerPayload';
  /** Why nothing was imported, if so. */
  errors: Array<UserError>;
  /** Rows created, updated, unchanged, refused. */
  report: Maybe<LedgerImportReport>;
};

/** A measured quantity, e.g. PM2.5 in µg/m³ (lower is better). */
export type Indicator = {
  __typename?: 'Indicator';
  /** Stable code, e.g. PM25. */
  code: Scalars['String']['output'];
  /** Definition notes. */
  description: Maybe<Scalars['String']['output']>;
  /** Which way is better. */
  direction: IndicatorDirection;
  /** Numeric or water class. */
  kind: IndicatorKind;
  /** Name. */
  name: Scalars['String']['output'];
  /** Unit of measure. */
  unit: Maybe<Scalars['String']['output']>;
};

export type IndicatorDirection =
  | 'HIGHER_IS_BETTER'
  | 'LOWER_IS_BETTER';

export type IndicatorKind =
  | 'NUMERIC'
  | 'WATER_CLASS';

/** An inspection (督察) of a unit by an inspection team. */
export type Inspection = Node & {
  __typename?: 'Inspection';
  /** Date the feedback was given. */
  feedbackOn: Maybe<Scalars['Date']['output']>;
  /** The feedback's numbered problems. */
  findings: Array<Finding>;
  /** The Globally Unique ID of this object */
  id: Scalars['ID']['output'];
  /** The inspection team (督察组). */
  inspector: Maybe<OrgUnit>;
  /** Name of the inspection. */
  name: Scalars['String']['output'];
  /** First day on site. */
  onSiteFrom: Maybe<Scalars['Date']['output']>;
  /** Last day on site. */
  onSiteTo: Maybe<Scalars['Date']['output']>;
  /** Rectification items answering this inspection. */
  rectifications: RectificationConnection;
  /** Remarks. */
  remarks: Maybe<Scalars['String']['output']>;
  /** The inspected unit. */
  subjectUnit: Maybe<OrgUnit>;
  /** Units designated supervisor of this inspection's rectification list (e.g. 区环委办): they see its items and run 验收/销号 (VERIFIED, CLOSED, REOPENED) on them. Dated (督办单位的任期): `asOf` gives those designated by the end of that day and not yet revoked then; default: the current ones (revokeSupervisor ends a supervision, the history stays). */
  supervisors: Array<OrgUnit>;
};


/** An inspection (督察) of a unit by an inspection team. */
export type InspectionRectificationsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<RectificationFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** An inspection (督察) of a unit by an inspection team. */
export type InspectionSupervisorsArgs = {
  asOf?: InputMaybe<Scalars['Date']['input']>;
};

/** A page of items with keyset cursors. */
export type InspectionConnection = {
  __typename?: 'InspectionConnection';
  /** The items of this page. */
  edges: Array<InspectionEdge>;
  /** Paging state. */
  pageInfo: PageInfo;
  /** Number of items over all pages. */
  totalCount: Scalars['Int']['output'];
};

/** An edge of a connection. */
export type InspectionEdge = {
  __typename?: 'InspectionEdge';
  /** Opaque cursor of this edge. */
  cursor: Scalars['String']['output'];
  /** The item. */
  node: Inspection;
};

/** Outcome of a ledger import. */
export type LedgerImportReport = {
  __typename?: 'LedgerImportReport';
  /** Rows that create a task. */
  created: Scalars['Int']['output'];
  /** Nothing was written: a preview. */
  dryRun: Scalars['Boolean']['output'];
  /** Tasks of the plan the file does not list (left as they are). */
  notInFile: Scalars['Int']['output'];
  /** Rows refused: with any, nothing is written. */
  rowErrors: Array<LedgerRowProblem>;
  /** Every imported row. */
  rows: Array<LedgerImportRow>;
  /** Rows their task already matches. */
  unchanged: Scalars['Int']['output'];
  /** Rows that change their task. */
  updated: Scalars['Int']['output'];
  /** Rows imported with a caveat (e.g. 完成时限 kept as text: UNSPECIFIED). */
  warnings: Array<LedgerRowProblem>;
  /** The rows were written (no errors, no dry run). */
  written: Scalars['Boolean']['output'];
};

/** What the import does (or would do) with one row. */
export type LedgerImportRow = {
  __typename?: 'LedgerImportRow';
  /** For updates: category, description, deadline, remarks, units. */
  changedFields: Array<Scalars['String']['output']>;
  /** Created, updated or unchanged. */
  outcome: LedgerRowOutcome;
  /** Row number in the file. */
  row: Scalars['Int']['output'];
  /** 序号 (3, or 3.1 for a subtask). */
  seq: Scalars['String']['output'];
  /** The task (null in a dry run's created rows). */
  task: Maybe<Task>;
};

/** Why a ledger row was refused. */
export type LedgerProblemCode =
  | 'ASSIGNMENT_IN_USE'
  | 'DATE_BEFORE_HISTORY'
  | 'DUPLICATE_SEQ'
  | 'FUTURE_DATE'
  | 'INVALID_CHARACTER'
  | 'INVALID_DATE'
  | 'INVALID_PROGRESS'
  | 'INVALID_SEQ'
  | 'MISSING_LEAD'
  | 'MISSING_MEASURE'
  | 'MISSING_SEQ'
  | 'NO_SUCH_SUBTASK'
  | 'STATE_IGNORED'
  | 'TEXT_TOO_LONG'
  | 'UNKNOWN_PLAN'
  | 'UNKNOWN_STATUS'
  | 'UNKNOWN_UNIT'
  | 'UNPARSED_DEADLINE'
  | 'WRONG_PLAN';

/** What an import does with a row. */
export type LedgerRowOutcome =
  | 'CREATED'
  | 'UNCHANGED'
  | 'UPDATED';

/** A problem of a ledger row (or of the file when `row` is null). */
export type LedgerRowProblem = {
  __typename?: 'LedgerRowProblem';
  /** Machine-readable reason. */
  code: LedgerProblemCode;
  /** The column's header, e.g. 牵头单位. */
  column: Maybe<Scalars['String']['output']>;
  /** Human-readable explanation (zh-CN; English on request). */
  message: Scalars['String']['output'];
  /** Row number in the file (1 = first row). */
  row: Maybe<Scalars['Int']['output']>;
};

/** An observed value of an indicator (监测值). */
export type Measurement = {
  __typename?: 'Measurement';
  /** The indicator. */
  indicator: Indicator;
  /** Month, or null for the whole year. */
  month: Maybe<Scalars['Int']['output']>;
  /** The unit measured. */
  orgUnit: Maybe<OrgUnit>;
  /** Remarks, e.g. the quoted sentence. */
  remarks: Maybe<Scalars['String']['output']>;
  /** The monitoring section measured. */
  section: Maybe<MonitoringSection>;
  /** Where the value comes from. */
  source: Maybe<Scalars['String']['output']>;
  /** Value (class number for water classes). */
  value: Scalars['Float']['output'];
  /** The value as the source words it. */
  valueText: Maybe<Scalars['String']['output']>;
  /** Year. */
  year: Scalars['Int']['output'];
};

/** A page of items with keyset cursors. */
export type MeasurementConnection = {
  __typename?: 'MeasurementConnection';
  /** The items of this page. */
  edges: Array<MeasurementEdge>;
  /** Paging state. */
  pageInfo: PageInfo;
  /** Number of items over all pages. */
  totalCount: Scalars['Int']['output'];
};

/** An edge of a connection. */
export type MeasurementEdge = {
  __typename?: 'MeasurementEdge';
  /** Opaque cursor of this edge. */
  cursor: Scalars['String']['output'];
  /** The item. */
  node: Measurement;
};

/** Filter for measurements. */
export type MeasurementFilter = {
  /** Only whole-year values. */
  annualOnly?: Scalars['Boolean']['input'];
  /** Indicator code. */
  indicator?: InputMaybe<Scalars['String']['input']>;
  /** Month (1–12). */
  month?: InputMaybe<Scalars['Int']['input']>;
  /** Section. */
  section?: InputMaybe<Scalars['ID']['input']>;
  /** Org unit. */
  unit?: InputMaybe<Scalars['ID']['input']>;
  /** Year. */
  year?: InputMaybe<Scalars['Int']['input']>;
};

/** Result of recordMeasurement. */
export type MeasurementPayload = {
  __typename?: 'MeasurementPayload';
  /** Why it was rejected, if it was. */
  errors: Array<UserError>;
  /** The stored value. */
  measurement: Maybe<Measurement>;
};

/** A water monitoring section (断面). */
export type MonitoringSection = Node & {
  __typename?: 'MonitoringSection';
  /** 考核级别. */
  assessmentLevel: AssessmentLevel;
  /** The Globally Unique ID of this object */
  id: Scalars['ID']['output'];
  /** Section name. */
  name: Scalars['String']['output'];
  /** The responsible territorial unit. */
  orgUnit: OrgUnit;
  /** Remarks. */
  remarks: Maybe<Scalars['String']['output']>;
  /** River. */
  river: Maybe<Scalars['String']['output']>;
  /** Target as written (e.g. V类). */
  targetText: Maybe<Scalars['String']['output']>;
};

export type Mutation = {
  __typename?: 'Mutation';
  /** The addressed unit signs for an escalation (签收; REPORTER). Again, or after a concurrent sign-for, is a no-op. */
  acknowledgeEscalation: EscalationInboxPayload;
  /** Comment on a task, rectification item or progress report, or give a 批示 (INSTRUCTION). Whoever sees the target sees its comments. */
  addComment: AddCommentPayload;
  /** Assign lead or cooperating units, by id, name or group. */
  assignTask: AssignTaskPayload;
  /** Attach an evidence file (佐证材料) to a progress report, a rectification event or an extension request (REPORTER; multipart upload). Refused files leave nothing behind. */
  attachEvidence: AttachEvidencePayload;
  /** The issuing unit (or one above it) closes an escalation (办结; COORDINATOR). */
  closeEscalation: EscalationInboxPayload;
  /** A new contact of a unit (COORDINATOR or higher of it or a unit above it). */
  createContact: ContactPayload;
  /** Register a document issued by the viewer's subtree. */
  createDocument: DocumentPayload;
  /** Add a plan to a document. */
  createPlan: PlanPayload;
  /** A new 考核 rubric (ADMIN, or COORDINATOR over the owner). */
  createScoreRubric: ScoreRubricPayload;
  /** Set a target for a unit or section. */
  createTarget: TargetPayload;
  /** Create a task in a plan with its lead and cooperating units. */
  createTask: TaskPayload;
  /** Subscribe a sharing partner's API key to events (ADMIN): signed CloudEvents POSTed to `url`, read at the key's disclosure tier within its subtree. The secret is returned once. */
  createWebhookSubscription: WebhookSecretPayload;
  /** The plan's issuer (or a unit above it, or above the lead unit; COORDINATOR) approves or rejects a pending extension request. An approval moves the task's deadline end: a dated deadline change, the original stays (Task.originalDeadline). Of concurrent decisions one applies; the others are INVALID_TRANSITION. */
  decideExtension: ExtensionRequestPayload;
  /** Split the viewer's unit's share into subtasks. */
  decomposeTask: DecomposeTaskPayload;
  /** Delete a contact and its queued messages (COORDINATOR+ over its unit). */
  deleteContact: DeleteContactPayload;
  /** Delete a webhook subscription and its delivery log (ADMIN). */
  deleteWebhookSubscription: DeleteWebhookSubscriptionPayload;
  /** Designate a unit supervisor of a plan or an inspection's rectification list (ADMIN, or a COORDINATOR of the issuer or a unit above it; the unit must be in your scope). DUPLICATE when it already is. */
  designateSupervisor: SupervisionPayload;
  /** A superior unit escalates to a unit (督办). */
  escalate: EscalatePayload;
  /** Import a 台账 (.xlsx/.csv) into a plan: all rows or none (COORDINATOR). */
  importLedger: ImportLedgerPayload;
  /** Record interim progress (整改进展) on a rectification without moving it: a responsible unit (REPORTER or above) adds an event to its own share whose from and to are the share's state, with a comment, links and files; refused on a CLOSED share. */
  noteRectificationProgress: TransitionRectificationPayload;
  /** Record (or correct) a measured value. */
  recordMeasurement: MeasurementPayload;
  /** ADMIN: record a rename, merge, split, establishment or abolition and apply it to the tree in one transaction: predecessors end on the date, a merged or renamed unit's children pass to its successor, and rollups follow (the successor and its ancestors count the predecessor's tasks; tasks keep their units). */
  recordOrgUnitEvent: RecordOrgUnitEventPayload;
  /** Send a subscription's dead letters again (ADMIN, or the partner whose subscription it is), optionally only those that died since an instant; each keeps its event id. None dead: an empty list. */
  replayDeadLetters: ReplayDeliveriesPayload;
  /** Send a dead webhook delivery again (ADMIN, or the partner whose subscription it is): PENDING with a fresh attempt budget, the same CloudEvent and webhook-id. INVALID_TRANSITION when it is not dead. */
  replayDelivery: ReplayDeliveriesPayload;
  /** The addressed unit replies: 情况说明 or 整改承诺 (REPORTER); signs for it too. */
  replyToEscalation: EscalationInboxPayload;
  /** Report progress on the viewer's unit's own assignment. */
  reportProgress: ReportProgressPayload;
  /** A lead unit asks for a later deadline of its task (延期申请; REPORTER of the LEAD share's unit), with a reason and evidence files. One pending request per task. */
  requestExtension: ExtensionRequestPayload;
  /** The supervising unit (COORDINATOR or higher of the task's issuer or a unit above it) accepts a submitted report, which then counts from this moment, or returns it with a reason (退回). A repeated or concurrent equal review is a no-op. */
  reviewProgressReport: ReviewProgressReportPayload;
  /** Revoke a supervisor (who may designate may revoke): ends the supervision (endedAt) instead of deleting it, so Plan.supervisors(asOf:) still answers for earlier days; NOT_FOUND when the unit is not a current supervisor. */
  revokeSupervisor: SupervisionPayload;
  /** A new signing secret for a subscription (ADMIN), returned once; the old one keeps signing beside it for GOVGRAPH_WEBHOOK_ROTATION_GRACE_HOURS (24 h). */
  rotateWebhookSecret: WebhookSecretPayload;
  /** Set which progress reports of a plan's tasks wait for review (the plan's issuer, COORDINATOR or higher). Reports already made keep their review state. */
  setReportReview: SetReportReviewPayload;
  /** 签收: the assigned unit signs for its share of a task (`assignment`) or of a rectification item (`share`: RectificationShare.id); name exactly one. REPORTER of that unit itself. Again, or after a concurrent signer, is a no-op. */
  signFor: SignForPayload;
  /** Start, complete, verify, close (销号) or reopen a rectification. */
  transitionRectification: TransitionRectificationPayload;
  /** Change a contact (COORDINATOR or higher over its unit). */
  updateContact: ContactPayload;
  /** Replace a rubric's lines (a new version; expectedVersion). */
  updateScoreRubric: ScoreRubricPayload;
  /** Change a target's value (expectedVersion required). */
  updateTarget: TargetPayload;
  /** Edit a task (expectedVersion required). */
  updateTask: TaskPayload;
  /** Change a webhook subscription's URL, event types, unit or state (ADMIN). */
  updateWebhookSubscription: UpdateWebhookSubscriptionPayload;
  /** The requesting lead unit withdraws its pending extension request (REPORTER). */
  withdrawExtension: ExtensionRequestPayload;
};


export type MutationAcknowledgeEscalationArgs = {
  input: AcknowledgeEscalationInput;
};


export type MutationAddCommentArgs = {
  input: AddCommentInput;
};


export type MutationAssignTaskArgs = {
  input: AssignTaskInput;
};


export type MutationAttachEvidenceArgs = {
  input: AttachEvidenceInput;
};


export type MutationCloseEscalationArgs = {
  input: CloseEscalationInput;
};


export type MutationCreateContactArgs = {
  input: CreateContactInput;
};


export type MutationCreateDocumentArgs = {
  input: CreateDocumentInput;
};


export type MutationCreatePlanArgs = {
  input: CreatePlanInput;
};


export type MutationCreateScoreRubricArgs = {
  input: CreateScoreRubricInput;
};


export type MutationCreateTargetArgs = {
  input: CreateTargetInput;
};


export type MutationCreateTaskArgs = {
  input: CreateTaskInput;
};


export type MutationCreateWebhookSubscriptionArgs = {
  input: CreateWebhookSubscriptionInput;
};


export type MutationDecideExtensionArgs = {
  input: DecideExtensionInput;
};


export type MutationDecomposeTaskArgs = {
  input: DecomposeTaskInput;
};


export type MutationDeleteContactArgs = {
  input: DeleteContactInput;
};


export type MutationDeleteWebhookSubscriptionArgs = {
  input: WebhookSubscriptionInput;
};


export type MutationDesignateSupervisorArgs = {
  input: SupervisorInput;
};


export type MutationEscalateArgs = {
  input: EscalateInput;
};


export type MutationImportLedgerArgs = {
  input: ImportLedgerInput;
};


export type MutationNoteRectificationProgressArgs = {
  input: NoteRectificationProgressInput;
};


export type MutationRecordMeasurementArgs = {
  input: RecordMeasurementInput;
};


export type MutationRecordOrgUnitEventArgs = {
  input: RecordOrgUnitEventInput;
};


export type MutationReplayDeadLettersArgs = {
  input: ReplayDeadLettersInput;
};


export type MutationReplayDeliveryArgs = {
  input: ReplayDeliveryInput;
};


export type MutationReplyToEscalationArgs = {
  input: ReplyToEscalationInput;
};


export type MutationReportProgressArgs = {
  input: ReportProgressInput;
};


export type MutationRequestExtensionArgs = {
  input: RequestExtensionInput;
};


export type MutationReviewProgressReportArgs = {
  input: ReviewProgressReportInput;
};


export type MutationRevokeSupervisorArgs = {
  input: SupervisorInput;
};


export type MutationRotateWebhookSecretArgs = {
  input: WebhookSubscriptionInput;
};


export type MutationSetReportReviewArgs = {
  input: SetReportReviewInput;
};


export type MutationSignForArgs = {
  assignment?: InputMaybe<Scalars['ID']['input']>;
  share?: InputMaybe<Scalars['ID']['input']>;
};


export type MutationTransitionRectificationArgs = {
  input: TransitionRectificationInput;
};


export type MutationUpdateContactArgs = {
  input: UpdateContactInput;
};


export type MutationUpdateScoreRubricArgs = {
  input: UpdateScoreRubricInput;
};


export type MutationUpdateTargetArgs = {
  input: UpdateTargetInput;
};


export type MutationUpdateTaskArgs = {
  input: UpdateTaskInput;
};


export type MutationUpdateWebhookSubscriptionArgs = {
  input: UpdateWebhookSubscriptionInput;
};


export type MutationWithdrawExtensionArgs = {
  input: WithdrawExtensionInput;
};

/** A unit an event creates (a RENAME's new name, SPLIT's parts). */
export type NewOrgUnitInput = {
  /** Stable code. */
  code: Scalars['String']['input'];
  /** Kind; the (first) predecessor's by default. */
  kind?: InputMaybe<OrgUnitKind>;
  /** Canonical name. */
  name: Scalars['String']['input'];
  /** Parent (块); the (first) predecessor's by default. */
  parent?: InputMaybe<Scalars['ID']['input']>;
};

/** An object with a Globally Unique ID */
export type Node = {
  /** The Globally Unique ID of this object */
  id: Scalars['ID']['output'];
};

/** An interim progress note (整改进展) on a rectification: its state stays. */
export type NoteRectificationProgressInput = {
  /** What was done since the last note or move. */
  comment: Scalars['String']['input'];
  /** Supporting links (整改佐证材料). */
  evidence?: InputMaybe<Array<EvidenceInput>>;
  /** Evidence files (multipart uploads), as attachEvidence takes them. */
  files?: InputMaybe<Array<Scalars['Upload']['input']>>;
  /** The rectification. */
  rectification: Scalars['ID']['input'];
  /** The responsible unit whose share it is about (default: the viewer's own). */
  unit?: InputMaybe<Scalars['ID']['input']>;
};

/** Where a message to a contact stands. */
export type NotificationStatus =
  /** Every attempt failed. */
  | 'DEAD'
  /** Not yet sent; retried. */
  | 'PENDING'
  /** Handed to the SMTP server or gateway. */
  | 'SENT';

/** Any unit: government level, department, town, enterprise, team. */
export type OrgUnit = Node & {
  __typename?: 'OrgUnit';
  /** Other names the documents use (区城管局 = 区城市管理局). */
  aliases: Array<Scalars['String']['output']>;
  /** Ancestors, root first. */
  ancestors: Array<OrgUnit>;
  /** Documents attesting this unit on their dates, for a unit whose validity is unknown (first ≤ 100); they bound its membership of group references. */
  attestations: Array<OrgUnitAttestation>;
  /** Direct children in the 块 tree: today's (units not ended), or with asOf those in force on that day under this unit then. */
  children: Array<OrgUnit>;
  /** Stable code (administrative division code). */
  code: Scalars['String']['output'];
  /** Depth in the tree (province = 0). */
  depth: Scalars['Int']['output'];
  /** Events this unit took part in, newest first (first ≤ 100). */
  events: Array<OrgUnitEvent>;
  /** The Globally Unique ID of this object */
  id: Scalars['ID']['output'];
  /** Level or kind of unit. */
  kind: OrgUnitKind;
  /** The superior unit of its professional line (条). */
  lineParent: Maybe<OrgUnit>;
  /** Canonical name. */
  name: Scalars['String']['output'];
  /** The government or unit it belongs to (块): today's, or with asOf the one it belonged to on that day (null when no link of it covers the day). */
  parent: Maybe<OrgUnit>;
  /** Plan measures (措施) naming this unit (or, with includeDescendants, its subtree), by plan and number; role LEAD or COOPERATING narrows them. */
  planMeasures: Array<PlanMeasure>;
  /** Units this one succeeded (merged or renamed into it, split from), oldest event first; at most 100. */
  predecessors: Array<OrgUnit>;
  /** Rectification counts per workflow state of this unit (and its subtree). */
  rectificationRollup: RectificationRollup;
  /** Rectification items of this unit (or its subtree). */
  rectifications: RectificationConnection;
  /** Remarks. */
  remarks: Maybe<Scalars['String']['output']>;
  /** What documents report about this unit (news figures); by default its subtree's too (阳城县 with its 分局). */
  reportedFacts: Array<ReportedFact>;
  /** Units that carry on after this one ended (merge, rename, split); at most 100. A MERGE or RENAME successor's rollups include this unit's tasks. */
  successors: Array<OrgUnit>;
  /** Targets set for this unit, optionally for one year: its own and those of its monitoring sections (白水河, 洞头 …). */
  targets: Array<Target>;
  /** Task counts and progress of this unit (and by default its subtree). */
  taskRollup: TaskRollup;
  /** Tasks assigned to this unit (or its subtree) in a role. */
  tasks: TaskConnection;
  /** In force from this day (null: unknown, read as always). */
  validFrom: Maybe<Scalars['Date']['output']>;
  /** In force until this day, exclusive (null: still in force or unknown). */
  validTo: Maybe<Scalars['Date']['output']>;
};


/** Any unit: government level, department, town, enterprise, team. */
export type OrgUnitAttestationsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** Any unit: government level, department, town, enterprise, team. */
export type OrgUnitChildrenArgs = {
  asOf?: InputMaybe<Scalars['Date']['input']>;
  kind?: InputMaybe<OrgUnitKind>;
};


/** Any unit: government level, department, town, enterprise, team. */
export type OrgUnitEventsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** Any unit: government level, department, town, enterprise, team. */
export type OrgUnitParentArgs = {
  asOf?: InputMaybe<Scalars['Date']['input']>;
};


/** Any unit: government level, department, town, enterprise, team. */
export type OrgUnitPlanMeasuresArgs = {
  includeDescendants?: Scalars['Boolean']['input'];
  role?: AssignmentRole;
};


/** Any unit: government level, department, town, enterprise, team. */
export type OrgUnitRectificationRollupArgs = {
  asOf?: InputMaybe<Scalars['Date']['input']>;
  includeDescendants?: Scalars['Boolean']['input'];
};


/** Any unit: government level, department, town, enterprise, team. */
export type OrgUnitRectificationsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<RectificationFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  includeDescendants?: Scalars['Boolean']['input'];
};


/** Any unit: government level, department, town, enterprise, team. */
export type OrgUnitReportedFactsArgs = {
  includeDescendants?: Scalars['Boolean']['input'];
  year?: InputMaybe<Scalars['Int']['input']>;
};


/** Any unit: government level, department, town, enterprise, team. */
export type OrgUnitTargetsArgs = {
  year?: InputMaybe<Scalars['Int']['input']>;
};


/** Any unit: government level, department, town, enterprise, team. */
export type OrgUnitTaskRollupArgs = {
  asOf?: InputMaybe<Scalars['Date']['input']>;
  filter?: InputMaybe<TaskFilter>;
  includeDescendants?: Scalars['Boolean']['input'];
  role?: AssignmentRole;
};


/** Any unit: government level, department, town, enterprise, team. */
export type OrgUnitTasksArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<TaskFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  includeDescendants?: Scalars['Boolean']['input'];
  orderBy?: InputMaybe<Array<TaskOrder>>;
  role?: AssignmentRole;
};

/** A document attesting that a unit existed on its date. */
export type OrgUnitAttestation = {
  __typename?: 'OrgUnitAttestation';
  /** The document's date. */
  attestedOn: Scalars['Date']['output'];
  /** The attesting document, if visible. */
  document: Maybe<Document>;
  /** Where the document names the unit. */
  text: Maybe<Scalars['String']['output']>;
};

/** A page of items with keyset cursors. */
export type OrgUnitConnection = {
  __typename?: 'OrgUnitConnection';
  /** The items of this page. */
  edges: Array<OrgUnitEdge>;
  /** Paging state. */
  pageInfo: PageInfo;
  /** Number of items over all pages. */
  totalCount: Scalars['Int']['output'];
};

/** An edge of a connection. */
export type OrgUnitEdge = {
  __typename?: 'OrgUnitEdge';
  /** Opaque cursor of this edge. */
  cursor: Scalars['String']['output'];
  /** The item. */
  node: OrgUnit;
};

/** A dated change of the unit tree (区划/机构调整). */
export type OrgUnitEvent = {
  __typename?: 'OrgUnitEvent';
  /** The decision or document it rests on. */
  basis: Maybe<Scalars['String']['output']>;
  /** The document it rests on, if recorded and visible. */
  document: Maybe<Document>;
  /** The event's id. */
  id: Scalars['ID']['output'];
  /** What happened. */
  kind: OrgUnitEventKind;
  /** The day it took effect. */
  occurredOn: Scalars['Date']['output'];
  /** Units that ended at this event (visible ones). */
  predecessors: Array<OrgUnit>;
  /** Units that carry on after it (visible ones). */
  successors: Array<OrgUnit>;
};

export type OrgUnitEventKind =
  | 'ABOLISH'
  | 'ESTABLISH'
  | 'MERGE'
  | 'RENAME'
  | 'SPLIT';

/** Filter for orgUnits. */
export type OrgUnitFilter = {
  /** Only units in this unit's subtree (itself included). */
  ancestor?: InputMaybe<Scalars['ID']['input']>;
  /** Kinds. */
  kind?: InputMaybe<Array<OrgUnitKind>>;
  /** Name or alias contains this text (full-/half-width and ASCII case alike). */
  name?: InputMaybe<Scalars['String']['input']>;
  /** Direct parent. */
  parent?: InputMaybe<Scalars['ID']['input']>;
};

export type OrgUnitKind =
  | 'CITY'
  | 'DEPARTMENT'
  | 'DISTRICT'
  | 'ENTERPRISE'
  | 'INSPECTION_TEAM'
  | 'OTHER'
  | 'PROVINCE'
  | 'TOWN';

/** Relay page information. */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** Cursor of the last edge. */
  endCursor: Maybe<Scalars['String']['output']>;
  /** More items after this page. */
  hasNextPage: Scalars['Boolean']['output'];
  /** Items before this page. */
  hasPreviousPage: Scalars['Boolean']['output'];
  /** Cursor of the first edge. */
  startCursor: Maybe<Scalars['String']['output']>;
};

/** A plan inside a document (行动计划 / 方案 / 重点工程). */
export type Plan = Node & {
  __typename?: 'Plan';
  /** The document the plan is in. */
  document: Document;
  /** Field: AIR, WATER, SOIL … */
  field: PlanField;
  /** 亮灯: points below the pro-rata expected progress (序时进度) a task still shows green (default 10). */
  healthTolerance: Scalars['Float']['output'];
  /** The Globally Unique ID of this object */
  id: Scalars['ID']['output'];
  /** Action plan or project list. */
  kind: PlanKind;
  /** Its tasks' labels before the kind mark and 序号 (2023大气; 2023城区大气 when another document's plan of the year, field and kind came first); fixed when created. */
  labelStem: Scalars['String']['output'];
  /** The plan text's narrative measures (措施) with their responsible units, by number. Not tasks: taskRollup does not count them. */
  measures: Array<PlanMeasure>;
  /** 主要目标, as written. */
  objectives: Maybe<Scalars['String']['output']>;
  /** The plan this one is an annex of (e.g. key projects). */
  parent: Maybe<Plan>;
  /** Which progress reports of its tasks the supervising unit reviews (审核) before they count: NONE (every report counts when made), FINAL (a report of COMPLETED counts once accepted), ALL (every report counts once accepted). */
  reportReview: ReportReviewPolicy;
  /** 签收: calendar days a unit has to sign for a new share (default 3). */
  signWithinDays: Scalars['Int']['output'];
  /** Where in the document the tasks are. */
  source: Maybe<Scalars['String']['output']>;
  /** Units designated supervisor of this plan: they see its tasks and their rollups without being above the tasks' units in the tree. Dated (督办单位的任期): `asOf` gives those designated by the end of that day and not yet revoked then; default: the current ones (revokeSupervisor ends a supervision, the history stays). */
  supervisors: Array<OrgUnit>;
  /** Task counts and progress of the plan, as of a date. */
  taskRollup: TaskRollup;
  /** The plan's top-level tasks, by 序号 unless ordered. */
  tasks: TaskConnection;
  /** Title. */
  title: Scalars['String']['output'];
  /** Row version for expectedVersion. */
  version: Scalars['Int']['output'];
  /** Year the plan covers. */
  year: Maybe<Scalars['Int']['output']>;
};


/** A plan inside a document (行动计划 / 方案 / 重点工程). */
export type PlanSupervisorsArgs = {
  asOf?: InputMaybe<Scalars['Date']['input']>;
};


/** A plan inside a document (行动计划 / 方案 / 重点工程). */
export type PlanTaskRollupArgs = {
  asOf?: InputMaybe<Scalars['Date']['input']>;
  filter?: InputMaybe<TaskFilter>;
};


/** A plan inside a document (行动计划 / 方案 / 重点工程). */
export type PlanTasksArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<TaskFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  orderBy?: InputMaybe<Array<TaskOrder>>;
};

/** A page of items with keyset cursors. */
export type PlanConnection = {
  __typename?: 'PlanConnection';
  /** The items of this page. */
  edges: Array<PlanEdge>;
  /** Paging state. */
  pageInfo: PageInfo;
  /** Number of items over all pages. */
  totalCount: Scalars['Int']['output'];
};

/** An edge of a connection. */
export type PlanEdge = {
  __typename?: 'PlanEdge';
  /** Opaque cursor of this edge. */
  cursor: Scalars['String']['output'];
  /** The item. */
  node: Plan;
};

export type PlanField =
  | 'AIR'
  | 'ECOLOGY'
  | 'OTHER'
  | 'SOIL'
  | 'WATER';

export type PlanKind =
  | 'ACTION_PLAN'
  | 'OTHER'
  | 'PROJECT_LIST';

/** A narrative measure of a plan (措施) with its responsible units. */
export type PlanMeasure = {
  __typename?: 'PlanMeasure';
  /** Cooperating units (配合). */
  cooperatingUnits: Array<OrgUnit>;
  /** Heading it sits under. */
  heading: Maybe<Scalars['String']['output']>;
  /** Global id. */
  id: Scalars['ID']['output'];
  /** Display label (2023大气-措施16: the plan's label stem and the measure's number), unique among all measures. */
  label: Scalars['String']['output'];
  /** Lead units, first-named first. */
  leadUnits: Array<OrgUnit>;
  /** 〔责任单位：…〕 exactly as the document writes it. */
  responsibilityText: Maybe<Scalars['String']['output']>;
  /** Group references naming only the units concerned (相关镇（街道）), as written. */
  responsibilityUnresolved: Array<Scalars['String']['output']>;
  /** Number of the measure in the plan text. */
  seq: Scalars['Int']['output'];
  /** The measure's text. */
  text: Scalars['String']['output'];
  /** Short title. */
  title: Maybe<Scalars['String']['output']>;
};

/** Result of createPlan. */
export type PlanPayload = {
  __typename?: 'PlanPayload';
  /** Why it was rejected, if it was. */
  errors: Array<UserError>;
  /** The plan. */
  plan: Maybe<Plan>;
};

/** A unit's dated report on its share of a task. Append-only. */
export type ProgressReport = Node & {
  __typename?: 'ProgressReport';
  /** Comments and 批示 on this report, oldest first. */
  comments: CommentConnection;
  /** Supporting links. */
  evidence: Array<Evidence>;
  /** Evidence files (佐证材料) attached to it, oldest first. */
  files: Array<EvidenceFile>;
  /** The Globally Unique ID of this object */
  id: Scalars['ID']['output'];
  /** What was done. */
  narrative: Maybe<Scalars['String']['output']>;
  /** Percent complete reported. */
  percent: Scalars['Float']['output'];
  /** Reporting period, e.g. 2023-06. */
  period: Maybe<Scalars['String']['output']>;
  /** When it was reported. */
  reportedAt: Scalars['DateTime']['output'];
  /** Who reported (internal: null for sharing partners). */
  reportedBy: Maybe<Scalars['String']['output']>;
  /** Why it was returned (退回原因), or the reviewer's note on acceptance. */
  reviewReason: Maybe<Scalars['String']['output']>;
  /** Review (审核): NOT_REQUIRED (its plan does not review it: counts when made), SUBMITTED (待审核: does not count yet), ACCEPTED (counts from reviewedAt), RETURNED (退回: never counts; reviewReason says why). */
  reviewState: ReportReviewState;
  /** When it was accepted or returned; an accepted report counts from then. */
  reviewedAt: Maybe<Scalars['DateTime']['output']>;
  /** Who reviewed it (internal: null for sharing partners). */
  reviewedBy: Maybe<Scalars['String']['output']>;
  /** The unit that accepted or returned it. */
  reviewerUnit: Maybe<OrgUnit>;
  /** State reported. */
  status: TaskStatus;
  /** The task it reports on (through its share); null when not visible. */
  task: Maybe<Task>;
  /** The reporting unit. */
  unit: Maybe<OrgUnit>;
  /** Row version for expectedVersion (its review). */
  version: Scalars['Int']['output'];
};


/** A unit's dated report on its share of a task. Append-only. */
export type ProgressReportCommentsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  kind?: InputMaybe<CommentKind>;
};

/** A page of items with keyset cursors. */
export type ProgressReportConnection = {
  __typename?: 'ProgressReportConnection';
  /** The items of this page. */
  edges: Array<ProgressReportEdge>;
  /** Paging state. */
  pageInfo: PageInfo;
  /** Number of items over all pages. */
  totalCount: Scalars['Int']['output'];
};

/** An edge of a connection. */
export type ProgressReportEdge = {
  __typename?: 'ProgressReportEdge';
  /** Opaque cursor of this edge. */
  cursor: Scalars['String']['output'];
  /** The item. */
  node: ProgressReport;
};

/** A CPPCC/NPC proposal, its handling unit and the reply. */
export type Proposal = {
  __typename?: 'Proposal';
  /** Proposal number, e.g. TA0379. */
  code: Scalars['String']['output'];
  /** The unit that handles the proposal (承办单位). */
  handlingUnit: Maybe<OrgUnit>;
  /** Proposer. */
  proposer: Maybe<Scalars['String']['output']>;
  /** Date of the reply. */
  repliedOn: Maybe<Scalars['Date']['output']>;
  /** Reply category: A (solved/adopted), B (being solved), C (for reference). */
  replyCategory: Maybe<ReplyCategory>;
  /** The reply document. */
  replyDocument: Maybe<Document>;
  /** The reply's text. */
  replyText: Maybe<Scalars['String']['output']>;
  /** Session, e.g. 市政协八届四次会议. */
  session: Maybe<Scalars['String']['output']>;
  /** Title of the proposal. */
  title: Scalars['String']['output'];
  /** Year. */
  year: Maybe<Scalars['Int']['output']>;
};

/** A page of items with keyset cursors. */
export type ProposalConnection = {
  __typename?: 'ProposalConnection';
  /** The items of this page. */
  edges: Array<ProposalEdge>;
  /** Paging state. */
  pageInfo: PageInfo;
  /** Number of items over all pages. */
  totalCount: Scalars['Int']['output'];
};

/** An edge of a connection. */
export type ProposalEdge = {
  __typename?: 'ProposalEdge';
  /** Opaque cursor of this edge. */
  cursor: Scalars['String']['output'];
  /** The item. */
  node: Proposal;
};

export type Query = {
  __typename?: 'Query';
  /** Writes in the viewer's scope, newest first (coordinators). */
  auditEvents: AuditEventConnection;
  /** What changed after `since`, in commit order, for mirroring: null starts with every visible object, then follows the log. Scoped by the viewer, or by `unit`'s subtree within it; a cursor (a page's, or a snapshot's changesCursor) carries its unit and disclosure tier and continues that view: one made for another unit or tier is refused. Deletions and objects leaving the view come as tombstones. `first` 20, max 100. */
  changes: ChangeConnection;
  /** Messages to the contacts of a unit (as `contacts`), optionally of one status; ordered by id, paged like `contacts`. */
  contactNotifications: Array<ContactNotification>;
  /** A unit's contacts (the viewer's subtree; sharing partners none); ordered by id, `after` the last id of the previous page; `first` 20 by default, at most 100. */
  contacts: Array<Contact>;
  /** Documents, newest first; filter by 文号 or kind. */
  documents: DocumentConnection;
  /** Escalations (督办件) the viewer may see, newest first: `addressedTo: ME` is the unit's inbox, `issuedBy: ME` what it issued; `status` filters by state. Without a unit (ADMIN of none, the demo viewer), ME names nothing. */
  escalations: EscalationConnection;
  /** Extension requests (延期申请) the viewer may see (with their tasks), newest first. `filter: {status: [PENDING], addressedTo: ME}` is what waits for the viewer's unit to decide. Without a unit (ADMIN of none, the demo viewer), ME names nothing. */
  extensionRequests: ExtensionRequestConnection;
  /** Every indicator, by code. */
  indicators: Array<Indicator>;
  /** Inspections, by name. */
  inspections: InspectionConnection;
  /** Who is asking. */
  me: Viewer;
  /** Measurements, filtered; by indicator, year and month. */
  measurements: MeasurementConnection;
  /** Any object by its global id. */
  node: Maybe<Node>;
  /** A unit by global id, or by name (names and aliases match). asOf reads the name as a document of that day does: the units in force then first (an old name for an old date finds the unit that bore it). */
  orgUnit: Maybe<OrgUnit>;
  /** Units, by tree order (depth, sort order, name): today's (not ended), or with asOf those in force on that day (filter.parent then means the parent that day). */
  orgUnits: OrgUnitConnection;
  /** Plans, by document and order in it; filter by document or field. */
  plans: PlanConnection;
  /** A proposal by its number, e.g. TA0379. */
  proposal: Maybe<Proposal>;
  /** Proposals, by number. */
  proposals: ProposalConnection;
  /** Districts or towns ranked by an indicator's value or change. */
  rankings: Array<RankingEntry>;
  /** Rectification items, filtered. */
  rectifications: RectificationConnection;
  /** The reviewer's pending list (待审核): SUBMITTED progress reports the viewer may review (COORDINATOR or higher of their task's issuer or a unit above it) and sees, oldest first. Empty for other viewers. */
  reportsToReview: ProgressReportConnection;
  /** Units of a kind ranked by their 考核 score (best first: highest score), within a unit's subtree; units with nothing scored rank with 0. Only visible units. */
  scoreRanking: Array<ScoreRankingEntry>;
  /** 考核 rubrics, by name. */
  scoreRubrics: ScoreRubricConnection;
  /** Targets, filtered; by indicator, year and month. */
  targets: TargetConnection;
  /** Tasks, filtered and ordered (default: document / plan / 序号). */
  tasks: TaskConnection;
  /** A unit's 考核 score under a rubric for a period, as of a date, with every line's count and points; `items` lists what scored (null: the unit is not visible). */
  unitScore: Maybe<UnitScore>;
  /** Task shares (assignments) nobody has signed for (签收), oldest first: `late: true` (the default) only those past their sign-by day (assigned day + the plan's signWithinDays, calendar days) as of today; `issuedBy: ME | MY_SUBTREE` only tasks the viewer's unit (or its subtree) issued: the issuer's list. unsignedShares lists rectification shares too. */
  unsignedAssignments: AssignmentConnection;
  /** Shares nobody has signed for (签收) — of tasks (Assignment) and of rectification items (RectificationShare) together — oldest assignment first. `late: true` (the default): only those past their sign-by day as of today (a task's: the plan's signWithinDays; an item's: 3 calendar days); `issuedBy: ME | MY_SUBTREE`: only work the viewer's unit (or its subtree) issued (a task's document; an item's 整改方案, else its inspection's document); `kinds`: default both. */
  unsignedShares: SignableShareConnection;
  /** The delivery log of the subscriptions the viewer sees (webhookSubscriptions), optionally of one subscription and one status; ordered by id, paged like webhookSubscriptions. */
  webhookDeliveries: Array<WebhookDelivery>;
  /** Webhook subscriptions: a partner's own (its API key's), or every one for ADMIN; ordered by id, `after` the last id of the previous page; `first` 20 by default, at most 100. */
  webhookSubscriptions: Array<WebhookSubscription>;
};


export type QueryAuditEventsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<AuditEventFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryChangesArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  since?: InputMaybe<Scalars['String']['input']>;
  types?: InputMaybe<Array<ChangeType>>;
  unit?: InputMaybe<Scalars['ID']['input']>;
};


export type QueryContactNotificationsArgs = {
  after?: InputMaybe<Scalars['ID']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<NotificationStatus>;
  unit: Scalars['ID']['input'];
};


export type QueryContactsArgs = {
  after?: InputMaybe<Scalars['ID']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  unit: Scalars['ID']['input'];
};


export type QueryDocumentsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  docNumber?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  kind?: InputMaybe<DocumentKind>;
};


export type QueryEscalationsArgs = {
  addressedTo?: InputMaybe<EscalationParty>;
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  issuedBy?: InputMaybe<EscalationParty>;
  status?: InputMaybe<Array<EscalationStatus>>;
};


export type QueryExtensionRequestsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<ExtensionRequestFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryInspectionsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryMeasurementsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<MeasurementFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryNodeArgs = {
  id: Scalars['ID']['input'];
};


export type QueryOrgUnitArgs = {
  asOf?: InputMaybe<Scalars['Date']['input']>;
  id?: InputMaybe<Scalars['ID']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
};


export type QueryOrgUnitsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  asOf?: InputMaybe<Scalars['Date']['input']>;
  filter?: InputMaybe<OrgUnitFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryPlansArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  document?: InputMaybe<Scalars['ID']['input']>;
  field?: InputMaybe<PlanField>;
  first?: InputMaybe<Scalars['Int']['input']>;
  year?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryProposalArgs = {
  code: Scalars['String']['input'];
};


export type QueryProposalsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  year?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryRankingsArgs = {
  by?: RankingBasis;
  first?: InputMaybe<Scalars['Int']['input']>;
  indicator: Scalars['String']['input'];
  kind: RankingKind;
  month?: InputMaybe<Scalars['Int']['input']>;
  order?: RankingOrder;
  within?: InputMaybe<Scalars['ID']['input']>;
  year: Scalars['Int']['input'];
};


export type QueryRectificationsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<RectificationFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryReportsToReviewArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryScoreRankingArgs = {
  asOf?: InputMaybe<Scalars['Date']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  from: Scalars['Date']['input'];
  includeDescendants?: Scalars['Boolean']['input'];
  kind: OrgUnitKind;
  order?: RankingOrder;
  rubric: Scalars['ID']['input'];
  to: Scalars['Date']['input'];
  within?: InputMaybe<Scalars['ID']['input']>;
};


export type QueryScoreRubricsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryTargetsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<TargetFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryTasksArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<TaskFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  orderBy?: InputMaybe<Array<TaskOrder>>;
};


export type QueryUnitScoreArgs = {
  asOf?: InputMaybe<Scalars['Date']['input']>;
  from: Scalars['Date']['input'];
  includeDescendants?: Scalars['Boolean']['input'];
  rubric: Scalars['ID']['input'];
  to: Scalars['Date']['input'];
  unit: Scalars['ID']['input'];
};


export type QueryUnsignedAssignmentsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  issuedBy?: InputMaybe<UnitParty>;
  late?: Scalars['Boolean']['input'];
};


export type QueryUnsignedSharesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  issuedBy?: InputMaybe<UnitParty>;
  kinds?: InputMaybe<Array<SignableKind>>;
  late?: Scalars['Boolean']['input'];
};


export type QueryWebhookDeliveriesArgs = {
  after?: InputMaybe<Scalars['ID']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<WebhookDeliveryStatus>;
  subscription?: InputMaybe<Scalars['ID']['input']>;
};


export type QueryWebhookSubscriptionsArgs = {
  after?: InputMaybe<Scalars['ID']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** What to rank by: the value or its improvement over the baseline. */
export type RankingBasis =
  | 'IMPROVEMENT'
  | 'VALUE';

/** One unit's place in a ranking. */
export type RankingEntry = {
  __typename?: 'RankingEntry';
  /** Previous year's value or baseline. */
  baseline: Maybe<Scalars['Float']['output']>;
  /** value − baseline. */
  change: Maybe<Scalars['Float']['output']>;
  /** (value − baseline) / baseline. */
  changeRate: Maybe<Scalars['Float']['output']>;
  /** Place; ties share it and the next one skips. */
  rank: Scalars['Int']['output'];
  /** The unit ranked. */
  unit: OrgUnit;
  /** The measured value. */
  value: Scalars['Float']['output'];
};

/** Which units to rank: districts (区/县/县级市) or towns (镇/乡/街道). */
export type RankingKind =
  | 'DISTRICT'
  | 'TOWN';

/** Best first (rank 1 = best) or worst first (rank 1 = worst). */
export type RankingOrder =
  | 'BEST_FIRST'
  | 'WORST_FIRST';

/** An observed value of an indicator for a unit or a section. */
export type RecordMeasurementInput = {
  /** Indicator code, e.g. PM25. */
  indicator: Scalars['String']['input'];
  /** Month; null = the year. */
  month?: InputMaybe<Scalars['Int']['input']>;
  /** Remarks. */
  remarks?: InputMaybe<Scalars['String']['input']>;
  /** Monitoring section measured. */
  section?: InputMaybe<Scalars['ID']['input']>;
  /** Where it comes from. */
  source?: InputMaybe<Scalars['String']['input']>;
  /** Unit measured. */
  unit?: InputMaybe<Scalars['ID']['input']>;
  /** Value (water classes: 1–5, 劣V = 6). */
  value: Scalars['Float']['input'];
  /** Value as worded. */
  valueText?: InputMaybe<Scalars['String']['input']>;
  /** Year. */
  year: Scalars['Int']['input'];
};

/** A dated change of the unit tree (区划/机构调整). */
export type RecordOrgUnitEventInput = {
  /** The decision or document it rests on, as text. */
  basis?: InputMaybe<Scalars['String']['input']>;
  /** The document it rests on, if recorded. */
  document?: InputMaybe<Scalars['ID']['input']>;
  /** What happened. */
  kind: OrgUnitEventKind;
  /** Units the event creates, successors too. */
  newUnits?: Array<NewOrgUnitInput>;
  /** The day it took effect (not in the future). */
  occurredOn: Scalars['Date']['input'];
  /** Units that end at the event. */
  predecessors?: Array<Scalars['ID']['input']>;
  /** Existing units that carry on (a MERGE's target). */
  successors?: Array<Scalars['ID']['input']>;
};

/** Result of recordOrgUnitEvent. */
export type RecordOrgUnitEventPayload = {
  __typename?: 'RecordOrgUnitEventPayload';
  /** Why it was rejected, if it was. */
  errors: Array<UserError>;
  /** The event recorded. */
  event: Maybe<OrgUnitEvent>;
};

/** A rectification item (整改事项) and its close-out state. */
export type Rectification = Node & {
  __typename?: 'Rectification';
  /** Heading it sits under. */
  category: Maybe<Scalars['String']['output']>;
  /** Comments and 批示 on this rectification item, oldest first. */
  comments: CommentConnection;
  /** 整改期限. */
  deadline: Deadline;
  /** Escalations (督办) about it, newest first. */
  escalations: Array<Escalation>;
  /** Workflow history of every share and of the item as a whole, oldest first. */
  events: Array<RectificationEvent>;
  /** Numbers of the feedback problems this item answers. */
  findingNumbers: Array<Scalars['Int']['output']>;
  /** 整改目标. */
  goal: Maybe<Scalars['String']['output']>;
  /** The item's light (亮灯 / 三色督办) as of the date (default today), judged on its state derived from all its shares (statusAsOf): RED overdue (not COMPLETED, VERIFIED or CLOSED, not 长期坚持, the 整改时限 ended before the date); YELLOW due within 14 days; GREEN otherwise (done, 长期坚持 and no deadline end included). Null when the item was created after that day. */
  health: Maybe<Health>;
  /** The Globally Unique ID of this object */
  id: Scalars['ID']['output'];
  /** The inspection this item answers. */
  inspection: Inspection;
  /** 整改措施, one entry per measure. */
  measures: Array<Scalars['String']['output']>;
  /** The problem to rectify. */
  problem: Scalars['String']['output'];
  /** 责任单位 exactly as the document writes it. */
  responsibilityText: Maybe<Scalars['String']['output']>;
  /** Group references naming only the units concerned (区直相关单位), as written: never expanded to every unit; responsibleUnits holds the units named. */
  responsibilityUnresolved: Array<Scalars['String']['output']>;
  /** 责任人 (internal: null for sharing partners). */
  responsiblePersons: Maybe<Scalars['String']['output']>;
  /** Responsible units (责任单位), resolved, first-named first. */
  responsibleUnits: Array<OrgUnit>;
  /** 序号 in the rectification list. */
  seq: Scalars['Int']['output'];
  /** Each responsible unit's own share (责任单位的份额): its state, version and events, first-named first. */
  shares: Array<RectificationShare>;
  /** Workflow state, derived from the shares: the least-advanced share's state, but IN_PROGRESS rather than NOT_STARTED once any share has started (order NOT_STARTED < REOPENED < IN_PROGRESS < COMPLETED < VERIFIED < CLOSED); COMPLETED only when every share is at least COMPLETED. */
  status: RectificationStatus;
  /** The workflow state as of the date (end of day), as rectificationRollup(asOf) counts it: its latest event's by then, NOT_STARTED before any; null when the item was created after that day. Lists beside an as-of rollup show this. */
  statusAsOf: Maybe<RectificationStatus>;
  /** Row version: expectedVersion of a move of the item as a whole (bumped by every move of a share too). */
  version: Scalars['Int']['output'];
};


/** A rectification item (整改事项) and its close-out state. */
export type RectificationCommentsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  kind?: InputMaybe<CommentKind>;
};


/** A rectification item (整改事项) and its close-out state. */
export type RectificationHealthArgs = {
  asOf?: InputMaybe<Scalars['Date']['input']>;
};


/** A rectification item (整改事项) and its close-out state. */
export type RectificationStatusAsOfArgs = {
  asOf: Scalars['Date']['input'];
};

/** A page of items with keyset cursors. */
export type RectificationConnection = {
  __typename?: 'RectificationConnection';
  /** The items of this page. */
  edges: Array<RectificationEdge>;
  /** Paging state. */
  pageInfo: PageInfo;
  /** Number of items over all pages. */
  totalCount: Scalars['Int']['output'];
};

/** An edge of a connection. */
export type RectificationEdge = {
  __typename?: 'RectificationEdge';
  /** Opaque cursor of this edge. */
  cursor: Scalars['String']['output'];
  /** The item. */
  node: Rectification;
};

/** One workflow transition of a rectification: who, when, why. */
export type RectificationEvent = {
  __typename?: 'RectificationEvent';
  /** Who made it (internal: null for sharing partners). */
  actor: Maybe<Scalars['String']['output']>;
  /** The acting unit. */
  actorUnit: Maybe<OrgUnit>;
  /** Comment. */
  comment: Maybe<Scalars['String']['output']>;
  /** Supporting links. */
  evidence: Array<Evidence>;
  /** Evidence files (佐证材料) attached to it, oldest first. */
  files: Array<EvidenceFile>;
  /** State before. */
  fromStatus: Maybe<RectificationStatus>;
  /** Global id (attachEvidence takes it). */
  id: Scalars['ID']['output'];
  /** When. */
  occurredAt: Scalars['DateTime']['output'];
  /** State after. */
  toStatus: RectificationStatus;
  /** The unit whose share it moved or noted; null for a move of the item as a whole (which moves every share) or where the unit is out of your scope. */
  unit: Maybe<OrgUnit>;
};

/** Filter for rectification lists. */
export type RectificationFilter = {
  /** Deadline end on or before this date. */
  dueBefore?: InputMaybe<Scalars['Date']['input']>;
  /** Due soon as of this date: open, deadline ending within 14 days from it. */
  dueSoonAsOf?: InputMaybe<Scalars['Date']['input']>;
  /** Inspection. */
  inspection?: InputMaybe<Scalars['ID']['input']>;
  /** Overdue as of this date (end of day): not COMPLETED, VERIFIED or CLOSED by then, not 长期坚持, the deadline ended before it (= rectificationRollup(asOf).overdue). */
  overdueAsOf?: InputMaybe<Scalars['Date']['input']>;
  /** This unit is responsible. */
  responsibleUnit?: InputMaybe<Scalars['ID']['input']>;
  /** Workflow state in this set. */
  status?: InputMaybe<Array<RectificationStatus>>;
  /** Substring of the problem, ignoring case and full-/half-width forms. */
  text?: InputMaybe<Scalars['String']['input']>;
};

/** Rectification counts per workflow state of a scope, as of a date. */
export type RectificationRollup = {
  __typename?: 'RectificationRollup';
  /** The day evaluated (end of day, Asia/Shanghai). */
  asOf: Scalars['Date']['output'];
  /** CLOSED (销号). */
  closed: Scalars['Int']['output'];
  /** COMPLETED, awaiting verification. */
  completed: Scalars['Int']['output'];
  /** (completed + verified + closed) / (total − ongoing). */
  completionRate: Maybe<Scalars['Float']['output']>;
  /** Not completed, due within 14 days. */
  dueSoon: Scalars['Int']['output'];
  /** Items whose light (亮灯, Rectification.health) on their state in scope is GREEN as of asOf: done, 长期坚持, no deadline end or not due within 14 days. green + yellow + red = total. */
  green: Scalars['Int']['output'];
  /** IN_PROGRESS. */
  inProgress: Scalars['Int']['output'];
  /** NOT_STARTED. */
  notStarted: Scalars['Int']['output'];
  /** 长期坚持: never overdue, not rated. */
  ongoing: Scalars['Int']['output'];
  /** Not completed and the deadline has passed. */
  overdue: Scalars['Int']['output'];
  /** Items whose light is RED: overdue as of asOf in scope (= overdue). */
  red: Scalars['Int']['output'];
  /** REOPENED. */
  reopened: Scalars['Int']['output'];
  /** Items in scope, each counted once. */
  total: Scalars['Int']['output'];
  /** VERIFIED, awaiting close-out. */
  verified: Scalars['Int']['output'];
  /** Items whose light is YELLOW: not done in scope, due within 14 days (dueSoon). */
  yellow: Scalars['Int']['output'];
};

/** A responsible unit's share of a rectification item: its own workflow state, version and events (a unit moves and notes its own share; the item's state derives from the shares). */
export type RectificationShare = {
  __typename?: 'RectificationShare';
  /** When the unit signed for its share (签收, signFor(share:)); null: not yet. */
  acknowledgedAt: Maybe<Scalars['DateTime']['output']>;
  /** When the unit was made responsible (its sign-for days count from then). */
  assignedAt: Maybe<Scalars['DateTime']['output']>;
  /** Its events and the moves of the item as a whole, oldest first. */
  events: Array<RectificationEvent>;
  /** This unit's own share's light (亮灯) as of the date (default today), from its own state as of then (models/rules/health.py, as the item's light): RED overdue, YELLOW due within 14 days, GREEN otherwise; null when the item was created after that day. */
  health: Maybe<Health>;
  /** Global id of the share (RectificationShare): signFor(share:) takes it. */
  id: Scalars['ID']['output'];
  /** The rectification item this is a share of. */
  rectification: Maybe<Rectification>;
  /** The last day to sign for it (签收期限): the day it was assigned plus the inspection's sign-for days (3 calendar days, as a plan's default). */
  signBy: Maybe<Scalars['Date']['output']>;
  /** The share's state. */
  state: RectificationStatus;
  /** The responsible unit (null where it is out of your scope). */
  unit: Maybe<OrgUnit>;
  /** expectedVersion of a move of this share. */
  version: Scalars['Int']['output'];
};


/** A responsible unit's share of a rectification item: its own workflow state, version and events (a unit moves and notes its own share; the item's state derives from the shares). */
export type RectificationShareHealthArgs = {
  asOf?: InputMaybe<Scalars['Date']['input']>;
};

export type RectificationStatus =
  | 'CLOSED'
  | 'COMPLETED'
  | 'IN_PROGRESS'
  | 'NOT_STARTED'
  | 'REOPENED'
  | 'VERIFIED';

/** A subscription's dead letters to send again. */
export type ReplayDeadLettersInput = {
  /** Only those whose last attempt was at or after this instant. */
  since?: InputMaybe<Scalars['DateTime']['input']>;
  /** The WebhookSubscription. */
  subscription: Scalars['ID']['input'];
};

/** Result of replayDelivery and replayDeadLetters. */
export type ReplayDeliveriesPayload = {
  __typename?: 'ReplayDeliveriesPayload';
  /** The deliveries re-queued (PENDING, due now; same event id). */
  deliveries: Array<WebhookDelivery>;
  /** Why it was refused, if it was. */
  errors: Array<UserError>;
};

/** One dead webhook delivery to send again. */
export type ReplayDeliveryInput = {
  /** The WebhookDelivery (status DEAD). */
  delivery: Scalars['ID']['input'];
};

export type ReplyCategory =
  | 'A'
  | 'B'
  | 'C';

/** The addressed unit's answer (回复) to an escalation. */
export type ReplyToEscalationInput = {
  /** The escalation (addressed to you). */
  escalation: Scalars['ID']['input'];
  /** The escalation's version the write is based on. */
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  /** 情况说明 (EXPLANATION) or 整改承诺 (COMMITMENT). */
  kind: EscalationReplyKind;
  /** A commitment's promised date (整改时限). */
  promisedBy?: InputMaybe<Scalars['Date']['input']>;
  /** The answer. */
  text: Scalars['String']['input'];
};

/** A unit's report on its own share of a task. */
export type ReportProgressInput = {
  /** The reporting unit's assignment. */
  assignment: Scalars['ID']['input'];
  /** Supporting links. */
  evidence?: InputMaybe<Array<EvidenceInput>>;
  /** The assignment's version the report is based on. */
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  /** Evidence files (佐证材料, multipart uploads) attached to the report, as attachEvidence takes them; one refused file refuses the report. */
  files?: InputMaybe<Array<Scalars['Upload']['input']>>;
  /** What was done. */
  narrative?: InputMaybe<Scalars['String']['input']>;
  /** Percent complete, 0–100. */
  percent: Scalars['Float']['input'];
  /** Period, e.g. 2023-06. */
  period?: InputMaybe<Scalars['String']['input']>;
  /** State; implied by the percent when omitted. */
  status?: InputMaybe<TaskStatus>;
};

/** Result of reportProgress. */
export type ReportProgressPayload = {
  __typename?: 'ReportProgressPayload';
  /** The share after the report. */
  assignment: Maybe<Assignment>;
  /** Why it was rejected, if it was. */
  errors: Array<UserError>;
  /** The stored report. */
  report: Maybe<ProgressReport>;
  /** The task after the report (state rolled up from its leads). */
  task: Maybe<Task>;
};

/** A reviewer's decision: ACCEPT (通过) or RETURN (退回). */
export type ReportReviewDecision =
  | 'ACCEPT'
  | 'RETURN';

/** Which progress reports of a plan's tasks wait for review (审核) before they count: NONE, FINAL (a report of COMPLETED), ALL. */
export type ReportReviewPolicy =
  | 'ALL'
  | 'FINAL'
  | 'NONE';

/** A progress report's review: NOT_REQUIRED, SUBMITTED (待审核), ACCEPTED (通过), RETURNED (退回). */
export type ReportReviewState =
  | 'ACCEPTED'
  | 'NOT_REQUIRED'
  | 'RETURNED'
  | 'SUBMITTED';

/** A document's sentence about a unit (news), with its figures. */
export type ReportedFact = {
  __typename?: 'ReportedFact';
  /** Date the figures hold on, if given. */
  asOf: Maybe<Scalars['Date']['output']>;
  /** The document reporting it. */
  document: Maybe<Document>;
  /** Numbers the sentence states. */
  figures: Array<ReportedFigure>;
  /** Global id. */
  id: Scalars['ID']['output'];
  /** Transcriber's remarks. */
  remarks: Maybe<Scalars['String']['output']>;
  /** Article or section it comes from. */
  source: Maybe<Scalars['String']['output']>;
  /** The sentence as the document writes it. */
  text: Scalars['String']['output'];
  /** The unit the fact is about. */
  unit: Maybe<OrgUnit>;
  /** Year the fact is about. */
  year: Maybe<Scalars['Int']['output']>;
};

/** A number a document states, with its unit of measure. */
export type ReportedFigure = {
  __typename?: 'ReportedFigure';
  /** What is counted, in the document's words. */
  label: Scalars['String']['output'];
  /** 项, 件, 家次, 万元 … */
  unitOfMeasure: Maybe<Scalars['String']['output']>;
  /** The number. */
  value: Scalars['Float']['output'];
};

/** A lead unit's request for a later deadline (延期申请). */
export type RequestExtensionInput = {
  /** The requesting unit's LEAD share of the task. */
  assignment: Scalars['ID']['input'];
  /** Evidence files (佐证材料, multipart uploads) attached to the request, as attachEvidence takes them; one refused file refuses the request. */
  files?: InputMaybe<Array<Scalars['Upload']['input']>>;
  /** The deadline end asked for: later than the one in force. */
  newDeadline: Scalars['Date']['input'];
  /** Why (申请理由; required, at most 5000). */
  reason: Scalars['String']['input'];
};

/** A supervising unit's review (审核) of a submitted progress report. */
export type ReviewProgressReportInput = {
  /** ACCEPT (通过: it counts from now) or RETURN (退回: it never counts). */
  decision: ReportReviewDecision;
  /** The report's version the review is based on. */
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  /** Why (退回原因): required to return, optional to accept. */
  reason?: InputMaybe<Scalars['String']['input']>;
  /** The progress report (SUBMITTED). */
  report: Scalars['ID']['input'];
};

/** Result of reviewProgressReport. */
export type ReviewProgressReportPayload = {
  __typename?: 'ReviewProgressReportPayload';
  /** The reporting unit's share after the review (its state, if it changed). */
  assignment: Maybe<Assignment>;
  /** Why it was rejected, if it was. */
  errors: Array<UserError>;
  /** The report after the review. */
  report: Maybe<ProgressReport>;
};

/** One item a rubric line scores: a task share, a rectification share, an escalation or a returned report. */
export type ScoreItem = {
  __typename?: 'ScoreItem';
  /** Days late (shares; 0 when on time). */
  daysLate: Scalars['Int']['output'];
  /** The escalation (ESCALATION items). */
  escalation: Maybe<Escalation>;
  /** Task share, rectification share, escalation or returned report. */
  kind: ScoreItemKind;
  /** Its points under the line. */
  points: Scalars['Float']['output'];
  /** The rectification item (RECTIFICATION items: the unit's share of it; ESCALATION items about an item). */
  rectification: Maybe<Rectification>;
  /** The returned report (REPORT items), with its reason. */
  report: Maybe<ProgressReport>;
  /** The rubric line (ScoreRule.seq). */
  seq: Scalars['Int']['output'];
  /** The unit's share of the item (RECTIFICATION items). */
  share: Maybe<RectificationShare>;
  /** The task (of a share, or the escalation's task). */
  task: Maybe<Task>;
  /** The unit whose share or inbox it is. */
  unit: Maybe<OrgUnit>;
};

/** A page of items with keyset cursors. */
export type ScoreItemConnection = {
  __typename?: 'ScoreItemConnection';
  /** The items of this page. */
  edges: Array<ScoreItemEdge>;
  /** Paging state. */
  pageInfo: PageInfo;
  /** Number of items over all pages. */
  totalCount: Scalars['Int']['output'];
};

/** An edge of a connection. */
export type ScoreItemEdge = {
  __typename?: 'ScoreItemEdge';
  /** Opaque cursor of this edge. */
  cursor: Scalars['String']['output'];
  /** The item. */
  node: ScoreItem;
};

/** What a scored item is. */
export type ScoreItemKind =
  /** An escalation addressed to the unit. */
  | 'ESCALATION'
  /** A unit's own LEAD share of a rectification item (整改事项的份额). */
  | 'RECTIFICATION'
  /** A progress report returned on review. */
  | 'REPORT'
  /** A unit's LEAD share of a task. */
  | 'SHARE';

/** A rubric line's part of a score: how many items, how many points. */
export type ScoreLine = {
  __typename?: 'ScoreLine';
  /** Items it scored. */
  count: Scalars['Int']['output'];
  /** Their points (0 when none). */
  points: Scalars['Float']['output'];
  /** The line. */
  rule: ScoreRule;
};

/** A unit's place in a 考核 ranking. */
export type ScoreRankingEntry = {
  __typename?: 'ScoreRankingEntry';
  /** Place; ties share it and the next one skips. */
  rank: Scalars['Int']['output'];
  /** Its score. */
  total: Scalars['Float']['output'];
  /** The unit. */
  unit: OrgUnit;
};

/** A 考核 rubric (考核细则): scoring lines as data. */
export type ScoreRubric = Node & {
  __typename?: 'ScoreRubric';
  /** What it assesses. */
  description: Maybe<Scalars['String']['output']>;
  /** The Globally Unique ID of this object */
  id: Scalars['ID']['output'];
  /** Name, unique. */
  name: Scalars['String']['output'];
  /** The unit that assesses with it (null: shared). */
  owner: Maybe<OrgUnit>;
  /** Its lines, in order. */
  rules: Array<ScoreRule>;
  /** Row version for expectedVersion. */
  version: Scalars['Int']['output'];
};

/** A page of items with keyset cursors. */
export type ScoreRubricConnection = {
  __typename?: 'ScoreRubricConnection';
  /** The items of this page. */
  edges: Array<ScoreRubricEdge>;
  /** Paging state. */
  pageInfo: PageInfo;
  /** Number of items over all pages. */
  totalCount: Scalars['Int']['output'];
};

/** An edge of a connection. */
export type ScoreRubricEdge = {
  __typename?: 'ScoreRubricEdge';
  /** Opaque cursor of this edge. */
  cursor: Scalars['String']['output'];
  /** The item. */
  node: ScoreRubric;
};

/** Result of createScoreRubric / updateScoreRubric. */
export type ScoreRubricPayload = {
  __typename?: 'ScoreRubricPayload';
  /** Why it was rejected, if it was. */
  errors: Array<UserError>;
  /** The rubric as written. */
  rubric: Maybe<ScoreRubric>;
};

/** One line of a 考核 rubric: what it scores and how many points. */
export type ScoreRule = {
  __typename?: 'ScoreRule';
  /** Bound on one item's points (absolute). */
  cap: Maybe<Scalars['Float']['output']>;
  /** The line as the rubric words it. */
  description: Scalars['String']['output'];
  /** What the line counts. */
  kind: ScoreRuleKind;
  /** ESCALATION lines: the rung counted (null: any). */
  level: Maybe<EscalationLevel>;
  /** Points per counted item (per day for OVERDUE_DAY); negative: a deduction. */
  points: Scalars['Float']['output'];
  /** Place in the rubric (1, 2, …). */
  seq: Scalars['Int']['output'];
};

/** One line of a rubric. */
export type ScoreRuleInput = {
  /** Bound on one item's points in absolute value (> 0). */
  cap?: InputMaybe<Scalars['Float']['input']>;
  /** The line as the rubric words it. */
  description: Scalars['String']['input'];
  /** What the line counts. */
  kind: ScoreRuleKind;
  /** ESCALATION lines only: the rung counted (null: any). */
  level?: InputMaybe<EscalationLevel>;
  /** Points per item (per day for OVERDUE_DAY); negative: a deduction. */
  points: Scalars['Float']['input'];
};

/** What a 考核 rubric line counts: a unit's LEAD task shares COMPLETED_ON_TIME (按时完成), COMPLETED_LATE (逾期完成), OVERDUE_DAY (per day late); ESCALATION (被督办, per escalation); RETURNED_REPORT (报告被退回); and its own LEAD shares of rectification items RECTIFICATION_COMPLETED_ON_TIME (整改按时完成: done — COMPLETED, VERIFIED or CLOSED — by the item's deadline), RECTIFICATION_COMPLETED_LATE (整改逾期完成), RECTIFICATION_OVERDUE_DAY (整改逾期, per day late). */
export type ScoreRuleKind =
  | 'COMPLETED_LATE'
  | 'COMPLETED_ON_TIME'
  | 'ESCALATION'
  | 'OVERDUE_DAY'
  | 'RECTIFICATION_COMPLETED_LATE'
  | 'RECTIFICATION_COMPLETED_ON_TIME'
  | 'RECTIFICATION_OVERDUE_DAY'
  | 'RETURNED_REPORT';

/** A plan's review policy for its tasks' progress reports. */
export type SetReportReviewInput = {
  /** The plan's version the write is based on. */
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  /** The plan. */
  plan: Scalars['ID']['input'];
  /** NONE, FINAL (reports of COMPLETED) or ALL. */
  policy: ReportReviewPolicy;
};

/** Result of setReportReview. */
export type SetReportReviewPayload = {
  __typename?: 'SetReportReviewPayload';
  /** Why it was rejected, if it was. */
  errors: Array<UserError>;
  /** The plan after the write. */
  plan: Maybe<Plan>;
};

/** Result of signFor. */
export type SignForPayload = {
  __typename?: 'SignForPayload';
  /** The task share, signed for (null when a rectification share was named). */
  assignment: Maybe<Assignment>;
  /** Why it was refused, if it was. */
  errors: Array<UserError>;
  /** The rectification share (整改责任单位的份额), signed for. */
  share: Maybe<RectificationShare>;
};

/** What a unit signs for (签收): a share of a task or of an item. */
export type SignableKind =
  /** A responsible unit's share of a rectification item (RectificationShare). */
  | 'RECTIFICATION'
  /** A unit's share of a task (Assignment). */
  | 'TASK';

/** A share a unit signs for (签收): of a task, or of a rectification item. */
export type SignableShare = Assignment | RectificationShare;

/** A page of items with keyset cursors. */
export type SignableShareConnection = {
  __typename?: 'SignableShareConnection';
  /** The items of this page. */
  edges: Array<SignableShareEdge>;
  /** Paging state. */
  pageInfo: PageInfo;
  /** Number of items over all pages. */
  totalCount: Scalars['Int']['output'];
};

/** An edge of a connection. */
export type SignableShareEdge = {
  __typename?: 'SignableShareEdge';
  /** Opaque cursor of this edge. */
  cursor: Scalars['String']['output'];
  /** The item. */
  node: SignableShare;
};

export type Subscription = {
  __typename?: 'Subscription';
  /** The unit's taskRollup (subtree, LEAD, as of today) each time committed writes change it as the viewer sees it; at most one event per 200 ms. */
  rollupChanged: TaskRollup;
  /** A task after each committed write that changed it, when it has an assignment (any role) to the unit, or with includeDescendants to a unit of its subtree. */
  taskChanged: Task;
};


export type SubscriptionRollupChangedArgs = {
  unit: Scalars['ID']['input'];
};


export type SubscriptionTaskChangedArgs = {
  includeDescendants?: Scalars['Boolean']['input'];
  unit: Scalars['ID']['input'];
};

/** One subtask of a decomposition. */
export type SubtaskInput = {
  /** Cooperating units (subordinates). */
  cooperating?: InputMaybe<Array<Scalars['ID']['input']>>;
  /** Deadline; the parent's by default. */
  deadline?: InputMaybe<DeadlineInput>;
  /** What to do. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** Lead units (subordinates). */
  leads: Array<Scalars['ID']['input']>;
  /** Short title. */
  title: Scalars['String']['input'];
  /** Weight. */
  weight?: InputMaybe<Scalars['Float']['input']>;
};

/** A unit designated supervisor (督办单位, e.g. 区环委办) of a plan or of an inspection's rectification list: it sees the plan's tasks or the inspection's items and their rollups, and runs 验收/销号 (VERIFIED, CLOSED, REOPENED) on the items, without being above their units in the tree. */
export type Supervision = {
  __typename?: 'Supervision';
  /** When it was designated. */
  designatedAt: Scalars['DateTime']['output'];
  /** When it was revoked (the end of its valid period, 任期截止); null: in force. A revoked supervision gives neither visibility nor rights. */
  endedAt: Maybe<Scalars['DateTime']['output']>;
  /** The inspection supervised (null for a plan). */
  inspection: Maybe<Inspection>;
  /** The plan supervised (null for an inspection). */
  plan: Maybe<Plan>;
  /** The supervising unit. */
  unit: Maybe<OrgUnit>;
};

/** Result of designateSupervisor and revokeSupervisor. */
export type SupervisionPayload = {
  __typename?: 'SupervisionPayload';
  /** Why it was rejected, if it was. */
  errors: Array<UserError>;
  /** The supervision designated (or revoked). */
  supervision: Maybe<Supervision>;
};

/** A supervisor of a plan or of an inspection's rectification list. */
export type SupervisorInput = {
  /** The Plan or Inspection. */
  target: Scalars['ID']['input'];
  /** The supervising unit. */
  unit: Scalars['ID']['input'];
};

/** A target for an indicator, unit or section, year and month. */
export type Target = Node & {
  __typename?: 'Target';
  /** How the measurements compare with this target as of a date. */
  attainment: Attainment;
  /** Baseline: previous year's actual. */
  baseline: Maybe<Scalars['Float']['output']>;
  /** Year of the baseline. */
  baselineYear: Maybe<Scalars['Int']['output']>;
  /** The Globally Unique ID of this object */
  id: Scalars['ID']['output'];
  /** The indicator. */
  indicator: Indicator;
  /** Binding, pre-control or striving. */
  kind: TargetKind;
  /** Month, or null for the whole year. */
  month: Maybe<Scalars['Int']['output']>;
  /** The unit the target is set for. */
  orgUnit: Maybe<OrgUnit>;
  /** Remarks. */
  remarks: Maybe<Scalars['String']['output']>;
  /** The monitoring section the target is set for. */
  section: Maybe<MonitoringSection>;
  /** Where the target is set. */
  source: Maybe<Scalars['String']['output']>;
  /** Target value (class number for water). */
  value: Maybe<Scalars['Float']['output']>;
  /** The target as the document words it. */
  valueText: Maybe<Scalars['String']['output']>;
  /** Row version for expectedVersion. */
  version: Scalars['Int']['output'];
  /** Year. */
  year: Scalars['Int']['output'];
};


/** A target for an indicator, unit or section, year and month. */
export type TargetAttainmentArgs = {
  asOf?: InputMaybe<Scalars['Date']['input']>;
};

/** A page of items with keyset cursors. */
export type TargetConnection = {
  __typename?: 'TargetConnection';
  /** The items of this page. */
  edges: Array<TargetEdge>;
  /** Paging state. */
  pageInfo: PageInfo;
  /** Number of items over all pages. */
  totalCount: Scalars['Int']['output'];
};

/** An edge of a connection. */
export type TargetEdge = {
  __typename?: 'TargetEdge';
  /** Opaque cursor of this edge. */
  cursor: Scalars['String']['output'];
  /** The item. */
  node: Target;
};

/** Filter for targets. */
export type TargetFilter = {
  /** Only whole-year targets. */
  annualOnly?: Scalars['Boolean']['input'];
  /** Indicator code. */
  indicator?: InputMaybe<Scalars['String']['input']>;
  /** Kinds. */
  kind?: InputMaybe<Array<TargetKind>>;
  /** Month (1–12). */
  month?: InputMaybe<Scalars['Int']['input']>;
  /** Section. */
  section?: InputMaybe<Scalars['ID']['input']>;
  /** Org unit. */
  unit?: InputMaybe<Scalars['ID']['input']>;
  /** Year. */
  year?: InputMaybe<Scalars['Int']['input']>;
};

export type TargetKind =
  | 'BINDING'
  | 'PRE_CONTROL'
  | 'STRIVING';

/** Result of createTarget / updateTarget. */
export type TargetPayload = {
  __typename?: 'TargetPayload';
  /** Why it was rejected, if it was. */
  errors: Array<UserError>;
  /** The target. */
  target: Maybe<Target>;
};

/** One line of work (任务 / 措施 / 台账行). */
export type Task = Node & {
  __typename?: 'Task';
  /** Every assignment: leads first. */
  assignments: Array<Assignment>;
  /** 任务类别. */
  category: Maybe<Scalars['String']['output']>;
  /** Stable code: document / plan / 序号. */
  code: Scalars['String']['output'];
  /** Comments and 批示 on this task, oldest first. */
  comments: CommentConnection;
  /** Cooperating units (配合单位). */
  cooperatingUnits: Array<OrgUnit>;
  /** 完成时限. */
  deadline: Deadline;
  /** Every change of the deadline, oldest first (updateTask edits, extensions). As-of views judge a date by the deadline in force at its end. */
  deadlineHistory: Array<DeadlineChange>;
  /** 具体措施: the full measure text. */
  description: Maybe<Scalars['String']['output']>;
  /** The source document. */
  document: Document;
  /** Escalations (督办) about it, newest first. */
  escalations: Array<Escalation>;
  /** Extension requests (延期申请) of this task, newest first; `status` filters (PENDING: the one waiting for a decision, at most one). */
  extensionRequests: ExtensionRequestConnection;
  /** The task's light (亮灯 / 三色督办) as of the date (default today), judged on all its lead shares: RED overdue; YELLOW due within 14 days, or progress below the pro-rata expected progress (序时进度: elapsed share of [deadline start or the document's issue date, deadline end] × 100) minus the plan's tolerance; GREEN otherwise (completed and 长期坚持 included). Null before it had a lead share. */
  health: Maybe<Health>;
  /** The Globally Unique ID of this object */
  id: Scalars['ID']['output'];
  /** Display label (2023水-1, 2023水-重点1, 2023城区大气-3.1: the plan's label stem, kind mark and 序号 path), unique among all tasks and never changed by later plans. */
  label: Scalars['String']['output'];
  /** Lead units (牵头单位). */
  leadUnits: Array<OrgUnit>;
  /** The deadline the task was first given (考核): what its first deadline change replaced, or its deadline when it never changed. */
  originalDeadline: Deadline;
  /** The task as a whole is overdue as of the date (default today): some lead share not completed by then, not 长期坚持, the deadline ended before it. What Plan.taskRollup counts; a unit's own view is its Assignment.overdue. */
  overdue: Scalars['Boolean']['output'];
  /** The task this one was decomposed from. */
  parent: Maybe<Task>;
  /** The plan it belongs to. */
  plan: Plan;
  /** Mean percent of the LEAD assignments. */
  progress: Scalars['Float']['output'];
  /** Percent complete as of the date, judged like statusAsOf (the mean of the lead shares in scope, 100 when completed). Null when the task did not exist yet. */
  progressAsOf: Maybe<Scalars['Float']['output']>;
  /** 备注. */
  remarks: Maybe<Scalars['String']['output']>;
  /** Progress reports on this task's assignments, newest first. */
  reports: ProgressReportConnection;
  /** The 牵头单位 / 责任单位 text exactly as the document writes it. */
  responsibilityText: Maybe<Scalars['String']['output']>;
  /** Group references naming only the units concerned (区直相关单位, 相关镇（街道）), as written: never expanded to every unit; leadUnits holds the units named. */
  responsibilityUnresolved: Array<Scalars['String']['output']>;
  /** 序号 within the plan (or the parent task). */
  seq: Scalars['Int']['output'];
  /** Current state, derived from the LEAD assignments. */
  status: TaskStatus;
  /** The state as of the date (end of day), as the rollups count it: with `unit`, judged by the unit's lead shares (and its subtree's with includeDescendants, as OrgUnit.taskRollup(asOf) counts), else by all lead shares (as Plan.taskRollup). Null when the task did not exist yet that day. Lists beside an as-of rollup show this, not `status` (today's). */
  statusAsOf: Maybe<TaskStatus>;
  /** Subtasks decomposed from this task. */
  subtasks: Array<Task>;
  /** Short title. */
  title: Scalars['String']['output'];
  /** Row version for expectedVersion. */
  version: Scalars['Int']['output'];
  /** Weight in weighted progress (default 1). */
  weight: Scalars['Float']['output'];
};


/** One line of work (任务 / 措施 / 台账行). */
export type TaskCommentsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  kind?: InputMaybe<CommentKind>;
};


/** One line of work (任务 / 措施 / 台账行). */
export type TaskExtensionRequestsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<Array<ExtensionStatus>>;
};


/** One line of work (任务 / 措施 / 台账行). */
export type TaskHealthArgs = {
  asOf?: InputMaybe<Scalars['Date']['input']>;
};


/** One line of work (任务 / 措施 / 台账行). */
export type TaskOverdueArgs = {
  asOf?: InputMaybe<Scalars['Date']['input']>;
};


/** One line of work (任务 / 措施 / 台账行). */
export type TaskProgressAsOfArgs = {
  asOf: Scalars['Date']['input'];
  includeDescendants?: Scalars['Boolean']['input'];
  unit?: InputMaybe<Scalars['ID']['input']>;
};


/** One line of work (任务 / 措施 / 台账行). */
export type TaskReportsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** One line of work (任务 / 措施 / 台账行). */
export type TaskStatusAsOfArgs = {
  asOf: Scalars['Date']['input'];
  includeDescendants?: Scalars['Boolean']['input'];
  unit?: InputMaybe<Scalars['ID']['input']>;
};

/** A page of tasks with keyset cursors. */
export type TaskConnection = {
  __typename?: 'TaskConnection';
  /** The items of this page. */
  edges: Array<TaskEdge>;
  /** Paging state. */
  pageInfo: PageInfo;
  /** Rollup of every task of this list (all pages), as of a date. */
  rollup: TaskRollup;
  /** Number of items over all pages. */
  totalCount: Scalars['Int']['output'];
};


/** A page of tasks with keyset cursors. */
export type TaskConnectionRollupArgs = {
  asOf?: InputMaybe<Scalars['Date']['input']>;
};

/** An edge of a connection. */
export type TaskEdge = {
  __typename?: 'TaskEdge';
  /** Opaque cursor of this edge. */
  cursor: Scalars['String']['output'];
  /** The item. */
  node: Task;
};

/** Filter for task lists. */
export type TaskFilter = {
  /** 任务类别, exactly. */
  category?: InputMaybe<Scalars['String']['input']>;
  /** Deadline kind in this set. */
  deadlineKind?: InputMaybe<Array<DeadlineKind>>;
  /** 文号; 〔〕[]() variants match. */
  docNumber?: InputMaybe<Scalars['String']['input']>;
  /** Document id. */
  document?: InputMaybe<Scalars['ID']['input']>;
  /** Deadline end on or after this date. */
  dueAfter?: InputMaybe<Scalars['Date']['input']>;
  /** Deadline end on or before this date. */
  dueBefore?: InputMaybe<Scalars['Date']['input']>;
  /** true: due soon as of today (the rule of dueSoonAsOf and taskRollup.dueSoon, 14 days); false: not due soon today. Judged in the list's scope like overdueAsOf. */
  dueSoon?: InputMaybe<Scalars['Boolean']['input']>;
  /** Due soon as of this date: not completed, not overdue, the deadline ending within 14 days from it. Judged in the list's scope like overdueAsOf (= taskRollup.dueSoon). */
  dueSoonAsOf?: InputMaybe<Scalars['Date']['input']>;
  /** Not completed, not overdue, the deadline ending within this many days from today (0: today; 14 is dueSoon: true). 0 to 3660. Judged in the list's scope. */
  dueWithin?: InputMaybe<Scalars['Int']['input']>;
  /** The task's light (Task.health: the task as a whole, as of today) in this set, e.g. [YELLOW, RED] for what needs pushing (三色督办). */
  health?: InputMaybe<Array<Health>>;
  /** Has a LEAD assignment to this unit. */
  leadUnit?: InputMaybe<Scalars['ID']['input']>;
  /** Overdue as of this date (end of day): not completed, not 长期坚持, and the deadline ended before it. Judged like the rollup beside the list: in OrgUnit.tasks by the shares of the unit (and its subtree with includeDescendants), so the count equals OrgUnit.taskRollup(asOf).overdue; elsewhere by all lead shares (the task as a whole, as Plan.taskRollup counts it). */
  overdueAsOf?: InputMaybe<Scalars['Date']['input']>;
  /** Plan id. */
  plan?: InputMaybe<Scalars['ID']['input']>;
  /** Current status in this set. */
  status?: InputMaybe<Array<TaskStatus>>;
  /** Substring of title or description, ignoring case and full-/half-width forms (ＶＯＣｓ finds VOCs; Chinese text works). */
  text?: InputMaybe<Scalars['String']['input']>;
};

/** Sort order of a task list; several may be combined. */
export type TaskOrder =
  | 'DEADLINE_ASC'
  | 'DEADLINE_DESC'
  | 'SEQ_ASC'
  | 'SEQ_DESC'
  | 'STATUS_ASC'
  | 'STATUS_DESC'
  | 'UPDATED_ASC'
  | 'UPDATED_DESC';

/** Result of a mutation that writes one task. */
export type TaskPayload = {
  __typename?: 'TaskPayload';
  /** Why it was rejected, if it was. */
  errors: Array<UserError>;
  /** The task after the write. */
  task: Maybe<Task>;
};

/** Task counts and progress of a scope, as of a date (DESIGN.md). */
export type TaskRollup = {
  __typename?: 'TaskRollup';
  /** The day evaluated (end of day, Asia/Shanghai). */
  asOf: Scalars['Date']['output'];
  /** All in-scope leads completed. */
  completed: Scalars['Int']['output'];
  /** Completed / (total − ongoing); null when nothing is rated. */
  completionRate: Maybe<Scalars['Float']['output']>;
  /** Not completed, due within 14 days after asOf. */
  dueSoon: Scalars['Int']['output'];
  /** Tasks whose light (亮灯, Task.health) is GREEN as of asOf: on track, completed or 长期坚持. green + yellow + red = total. */
  green: Scalars['Int']['output'];
  /** Started, not completed. */
  inProgress: Scalars['Int']['output'];
  /** No in-scope lead has started. */
  notStarted: Scalars['Int']['output'];
  /** 长期坚持: never overdue, not rated. */
  ongoing: Scalars['Int']['output'];
  /** Not completed and the deadline ended before asOf. */
  overdue: Scalars['Int']['output'];
  /** Tasks whose light is RED: overdue as of asOf (= overdue). */
  red: Scalars['Int']['output'];
  /** Tasks in scope, each counted once. */
  total: Scalars['Int']['output'];
  /** Σ weight·progress / Σ weight over non-ongoing tasks (percent). */
  weightedProgress: Maybe<Scalars['Float']['output']>;
  /** Tasks whose light is YELLOW: behind 序时进度 by more than the plan's tolerance, or due within 14 days (dueSoon). */
  yellow: Scalars['Int']['output'];
};

export type TaskStatus =
  | 'COMPLETED'
  | 'IN_PROGRESS'
  | 'NOT_STARTED';

/** Move a rectification one step along its close-out workflow. */
export type TransitionRectificationInput = {
  /** Comment. */
  comment?: InputMaybe<Scalars['String']['input']>;
  /** Supporting links (整改佐证材料). */
  evidence?: InputMaybe<Array<EvidenceInput>>;
  /** The version the move is based on: the share's (Rectification.shares.version) for a move of one unit's share, the item's for a move of the item as a whole. */
  expectedVersion: Scalars['Int']['input'];
  /** Evidence files (佐证材料, multipart uploads) attached to the transition, as attachEvidence takes them; one refused file refuses the move. */
  files?: InputMaybe<Array<Scalars['Upload']['input']>>;
  /** The rectification. */
  rectification: Scalars['ID']['input'];
  /** The state to move to. */
  to: RectificationStatus;
  /** The responsible unit whose share moves. Default: the viewer's unit's own share when it is a responsible unit; otherwise the item as a whole, which is how a supervising unit (the inspection team, a designated supervisor, a unit above every responsible unit) verifies (验收), closes (销号) or reopens every share at once (each share must be able to make the move). ADMIN may name any share or move the item as a whole. */
  unit?: InputMaybe<Scalars['ID']['input']>;
};

/** Result of transitionRectification. */
export type TransitionRectificationPayload = {
  __typename?: 'TransitionRectificationPayload';
  /** Why it was rejected, if it was. */
  errors: Array<UserError>;
  /** The recorded transition. */
  event: Maybe<RectificationEvent>;
  /** The item after the move. */
  rectification: Maybe<Rectification>;
};

/** Whose: the viewer's unit, or it and the units below it. */
export type UnitParty =
  /** The viewer's own unit. */
  | 'ME'
  /** The viewer's unit and every unit below it. */
  | 'MY_SUBTREE';

/** A unit's 考核 score for a period as of a date, line by line. */
export type UnitScore = {
  __typename?: 'UnitScore';
  /** The day it is judged as of. */
  asOf: Scalars['Date']['output'];
  /** First day of the period. */
  from: Scalars['Date']['output'];
  /** Units below counted too. */
  includeDescendants: Scalars['Boolean']['output'];
  /** The scored items, by line, then item: the breakdown. */
  items: ScoreItemConnection;
  /** Every line of the rubric, in order. */
  lines: Array<ScoreLine>;
  /** The rubric. */
  rubric: ScoreRubric;
  /** Last day of the period. */
  to: Scalars['Date']['output'];
  /** Sum of the lines' points. */
  total: Scalars['Float']['output'];
  /** The unit scored. */
  unit: OrgUnit;
};


/** A unit's 考核 score for a period as of a date, line by line. */
export type UnitScoreItemsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  seq?: InputMaybe<Scalars['Int']['input']>;
};

/** Changes to a contact (what is given). */
export type UpdateContactInput = {
  /** false: tell it nothing. */
  active?: InputMaybe<Scalars['Boolean']['input']>;
  /** A new address. */
  address?: InputMaybe<Scalars['String']['input']>;
  /** A new channel. */
  channel?: InputMaybe<ContactChannel>;
  /** No quiet hours. */
  clearQuietHours?: Scalars['Boolean']['input'];
  /** The Contact. */
  contact: Scalars['ID']['input'];
  /** New types. */
  eventTypes?: InputMaybe<Array<Scalars['String']['input']>>;
  /** The contact's version the write is based on. */
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  /** A new mode. */
  mode?: InputMaybe<ContactMode>;
  /** A new name. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** New quiet hours until. */
  quietEnd?: InputMaybe<Scalars['String']['input']>;
  /** New quiet hours from. */
  quietStart?: InputMaybe<Scalars['String']['input']>;
};

/** A rubric's new name, description and lines (a new version). */
export type UpdateScoreRubricInput = {
  /** What it assesses. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** Its version as last read. */
  expectedVersion: Scalars['Int']['input'];
  /** Name, unique. */
  name: Scalars['String']['input'];
  /** The rubric. */
  rubric: Scalars['ID']['input'];
  /** Its lines, in order (1–50). */
  rules: Array<ScoreRuleInput>;
};

/** A new value for a target. */
export type UpdateTargetInput = {
  /** The version the change is based on. */
  expectedVersion: Scalars['Int']['input'];
  /** The target. */
  target: Scalars['ID']['input'];
  /** Target value. */
  value?: InputMaybe<Scalars['Float']['input']>;
  /** Target as worded. */
  valueText?: InputMaybe<Scalars['String']['input']>;
};

/** Changes to a task; omitted fields stay as they are. */
export type UpdateTaskInput = {
  /** 任务类别. */
  category?: InputMaybe<Scalars['String']['input']>;
  /** 完成时限. */
  deadline?: InputMaybe<DeadlineInput>;
  /** Why the deadline moves (kept in Task.deadlineHistory; ignored otherwise). */
  deadlineChangeReason?: InputMaybe<Scalars['String']['input']>;
  /** 具体措施. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** The version the edit is based on. */
  expectedVersion: Scalars['Int']['input'];
  /** 备注. */
  remarks?: InputMaybe<Scalars['String']['input']>;
  /** 序号. */
  seq?: InputMaybe<Scalars['Int']['input']>;
  /** The task. */
  task: Scalars['ID']['input'];
  /** Short title. */
  title?: InputMaybe<Scalars['String']['input']>;
  /** Weight. */
  weight?: InputMaybe<Scalars['Float']['input']>;
};

/** Changes to a webhook subscription (what is given). */
export type UpdateWebhookSubscriptionInput = {
  /** true re-enables (clearing the failure streak); false stops. */
  active?: InputMaybe<Scalars['Boolean']['input']>;
  /** New types. */
  eventTypes?: InputMaybe<Array<Scalars['String']['input']>>;
  /** The WebhookSubscription. */
  subscription: Scalars['ID']['input'];
  /** A new unit in the key's subtree. */
  unit?: InputMaybe<Scalars['ID']['input']>;
  /** A new http(s) URL. */
  url?: InputMaybe<Scalars['String']['input']>;
};

/** Result of updateWebhookSubscription. */
export type UpdateWebhookSubscriptionPayload = {
  __typename?: 'UpdateWebhookSubscriptionPayload';
  /** Why it was refused, if it was. */
  errors: Array<UserError>;
  /** As it is now. */
  subscription: Maybe<WebhookSubscription>;
};

/** Why a mutation was rejected, and which input field it concerns. */
export type UserError = {
  __typename?: 'UserError';
  /** Machine-readable reason. */
  code: ErrorCode;
  /** The input field at fault, if one is. */
  field: Maybe<Scalars['String']['output']>;
  /** Human-readable explanation: zh-CN, English with `Accept-Language: en`. */
  message: Scalars['String']['output'];
};

/** The requesting viewer: unit, role and what it may see. */
export type Viewer = {
  __typename?: 'Viewer';
  /** A sharing partner's read-only API key. */
  partner: Scalars['Boolean']['output'];
  /** Role; null when anonymous. */
  role: Maybe<ViewerRole>;
  /** Token subject, key name or 'anonymous'. */
  subject: Scalars['String']['output'];
  /** The viewer's unit: its subtree is what it sees. */
  unit: Maybe<OrgUnit>;
  /** Sees every unit (ADMIN or the demo). */
  unrestricted: Scalars['Boolean']['output'];
};

export type ViewerRole =
  | 'ADMIN'
  | 'COORDINATOR'
  | 'REPORTER'
  | 'VIEWER';

/** One event for one subscription: its attempts and outcome. */
export type WebhookDelivery = {
  __typename?: 'WebhookDelivery';
  /** Attempts made. */
  attempts: Scalars['Int']['output'];
  /** When the event was fanned out. */
  createdAt: Scalars['DateTime']['output'];
  /** When it was delivered. */
  deliveredAt: Maybe<Scalars['DateTime']['output']>;
  /** The event's id: the `webhook-id` header. */
  eventId: Scalars['String']['output'];
  /** task.changed … */
  eventType: Scalars['String']['output'];
  /** Global id (replay takes it). */
  id: Scalars['ID']['output'];
  /** The last attempt. */
  lastAttemptAt: Maybe<Scalars['DateTime']['output']>;
  /** Why it failed, if it did. */
  lastError: Maybe<Scalars['String']['output']>;
  /** Its HTTP status, if any. */
  lastStatusCode: Maybe<Scalars['Int']['output']>;
  /** When a PENDING one is tried. */
  nextAttemptAt: Scalars['DateTime']['output'];
  /** PENDING, DELIVERED or DEAD. */
  status: WebhookDeliveryStatus;
  /** The WebhookSubscription. */
  subscription: Scalars['ID']['output'];
};

/** Where a webhook delivery stands. */
export type WebhookDeliveryStatus =
  /** Every attempt failed (dead letter); replay re-queues it. */
  | 'DEAD'
  /** The receiver answered 2xx. */
  | 'DELIVERED'
  /** Not yet delivered; retried. */
  | 'PENDING';

/** Result of createWebhookSubscription and rotateWebhookSecret. */
export type WebhookSecretPayload = {
  __typename?: 'WebhookSecretPayload';
  /** Why it was refused, if it was. */
  errors: Array<UserError>;
  /** The signing secret (whsec_…), shown only here, once. */
  secret: Maybe<Scalars['String']['output']>;
  /** The subscription. */
  subscription: Maybe<WebhookSubscription>;
};

/** A sharing partner's webhook: which events go where, signed how. */
export type WebhookSubscription = {
  __typename?: 'WebhookSubscription';
  /** False once disabled (by ADMIN or failure). */
  active: Scalars['Boolean']['output'];
  /** The partner's API key (its prefix). */
  apiKeyPrefix: Scalars['String']['output'];
  /** Deliveries in a row that ended dead. */
  consecutiveDeadLetters: Scalars['Int']['output'];
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** When it was disabled. */
  disabledAt: Maybe<Scalars['DateTime']['output']>;
  /** Why: ADMIN, or the sustained failure that disabled it automatically. */
  disabledReason: Maybe<Scalars['String']['output']>;
  /** The key's tier: SHARED or INTERNAL. */
  disclosure: Scalars['String']['output'];
  /** Event types sent (task.changed …); empty: every deliverable type. */
  eventTypes: Array<Scalars['String']['output']>;
  /** Since when no attempt has succeeded (None: the last one did). */
  failingSince: Maybe<Scalars['DateTime']['output']>;
  /** Global id. */
  id: Scalars['ID']['output'];
  /** After a rotation, until when the old secret signs too. */
  previousSecretValidUntil: Maybe<Scalars['DateTime']['output']>;
  /** The OrgUnit whose subtree the events concern (in the key's subtree). */
  unit: Scalars['ID']['output'];
  /** Where the CloudEvents are POSTed. */
  url: Scalars['String']['output'];
};

/** Which subscription. */
export type WebhookSubscriptionInput = {
  /** The WebhookSubscription. */
  subscription: Scalars['ID']['input'];
};

/** The requesting unit withdraws its pending request (撤回). */
export type WithdrawExtensionInput = {
  /** The request's version the write is based on. */
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  /** The extension request. */
  request: Scalars['ID']['input'];
};

export type EscalationAcknowledgeMutationVariables = Exact<{
  escalation: Scalars['ID']['input'];
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
}>;


export type EscalationAcknowledgeMutation = { __typename?: 'Mutation', acknowledgeEscalation: { __typename?: 'EscalationInboxPayload', escalation: { __typename?: 'Escalation', id: string, status: EscalationStatus, version: number } | null, errors: Array<{ __typename?: 'UserError', code: ErrorCode, field: string | null, message: string }> } };

export type EscalationCloseMutationVariables = Exact<{
  escalation: Scalars['ID']['input'];
  note?: InputMaybe<Scalars['String']['input']>;
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
}>;


export type EscalationCloseMutation = { __typename?: 'Mutation', closeEscalation: { __typename?: 'EscalationInboxPayload', escalation: { __typename?: 'Escalation', id: string, status: EscalationStatus, version: number } | null, errors: Array<{ __typename?: 'UserError', code: ErrorCode, field: string | null, message: string }> } };

export type EscalationReplyMutationVariables = Exact<{
  escalation: Scalars['ID']['input'];
  kind: EscalationReplyKind;
  text: Scalars['String']['input'];
  promisedBy?: InputMaybe<Scalars['Date']['input']>;
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
}>;


export type EscalationReplyMutation = { __typename?: 'Mutation', replyToEscalation: { __typename?: 'EscalationInboxPayload', escalation: { __typename?: 'Escalation', id: string, status: EscalationStatus, version: number } | null, reply: { __typename?: 'EscalationReply', kind: EscalationReplyKind, text: string } | null, errors: Array<{ __typename?: 'UserError', code: ErrorCode, field: string | null, message: string }> } };

export type EscalationsQueryVariables = Exact<{
  asOf: Scalars['Date']['input'];
  addressedTo?: InputMaybe<EscalationParty>;
  issuedBy?: InputMaybe<EscalationParty>;
  status?: InputMaybe<Array<EscalationStatus> | EscalationStatus>;
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type EscalationsQuery = { __typename?: 'Query', escalations: { __typename?: 'EscalationConnection', totalCount: number, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor: string | null }, edges: Array<{ __typename?: 'EscalationEdge', node: { __typename?: 'Escalation', id: string, level: EscalationLevel, issuedOn: string, reason: string | null, status: EscalationStatus, statusAsOf: EscalationStatus | null, version: number, acknowledgedAt: string | null, closedAt: string | null, closingNote: string | null, issuedBy: { __typename?: 'OrgUnit', id: string, name: string }, addressedTo: { __typename?: 'OrgUnit', id: string, name: string }, task: { __typename?: 'Task', id: string, label: string, title: string } | null, rectification: { __typename?: 'Rectification', id: string, seq: number, problem: string } | null, replies: Array<{ __typename?: 'EscalationReply', kind: EscalationReplyKind, text: string, promisedBy: string | null, repliedAt: string, unit: { __typename?: 'OrgUnit', name: string } | null }> } }> } };

export type ExtensionDecideMutationVariables = Exact<{
  request: Scalars['ID']['input'];
  decision: ExtensionDecision;
  reason?: InputMaybe<Scalars['String']['input']>;
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
}>;


export type ExtensionDecideMutation = { __typename?: 'Mutation', decideExtension: { __typename?: 'ExtensionRequestPayload', request: { __typename?: 'ExtensionRequest', id: string, status: ExtensionStatus, decisionReason: string | null, decidedAt: string | null, version: number } | null, errors: Array<{ __typename?: 'UserError', code: ErrorCode, field: string | null, message: string }> } };

export type OverdueTasksPageQueryVariables = Exact<{
  unit: Scalars['ID']['input'];
  asOf: Scalars['Date']['input'];
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type OverdueTasksPageQuery = { __typename?: 'Query', unit: { __typename?: 'OrgUnit', overdue: { __typename?: 'TaskConnection', totalCount: number, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor: string | null }, edges: Array<{ __typename?: 'TaskEdge', node: { __typename?: 'Task', id: string, code: string, seq: number, label: string, title: string, category: string | null, status: TaskStatus, progress: number, statusAsOf: TaskStatus | null, progressAsOf: number | null, deadline: { __typename?: 'Deadline', kind: DeadlineKind, end: string | null, text: string }, plan: { __typename?: 'Plan', field: PlanField }, leadUnits: Array<{ __typename?: 'OrgUnit', id: string, name: string }> } }> } } | null };

export type RankingsQueryVariables = Exact<{
  indicator: Scalars['String']['input'];
  year: Scalars['Int']['input'];
  month?: InputMaybe<Scalars['Int']['input']>;
  kind: RankingKind;
  within?: InputMaybe<Scalars['ID']['input']>;
  by?: RankingBasis;
  order?: RankingOrder;
  first?: InputMaybe<Scalars['Int']['input']>;
}>;


export type RankingsQuery = { __typename?: 'Query', rankings: Array<{ __typename?: 'RankingEntry', rank: number, value: number, baseline: number | null, change: number | null, changeRate: number | null, unit: { __typename?: 'OrgUnit', id: string, name: string, kind: OrgUnitKind } }> };

export type RectificationsPageQueryVariables = Exact<{
  unit: Scalars['ID']['input'];
  asOf: Scalars['Date']['input'];
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type RectificationsPageQuery = { __typename?: 'Query', unit: { __typename?: 'OrgUnit', rectifications: { __typename?: 'RectificationConnection', totalCount: number, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor: string | null }, edges: Array<{ __typename?: 'RectificationEdge', node: { __typename?: 'Rectification', id: string, seq: number, category: string | null, problem: string, status: RectificationStatus, statusAsOf: RectificationStatus | null, findingNumbers: Array<number>, deadline: { __typename?: 'Deadline', kind: DeadlineKind, end: string | null, text: string }, responsibleUnits: Array<{ __typename?: 'OrgUnit', id: string, name: string }> } }> } } | null };

export type ReportReviewMutationVariables = Exact<{
  report: Scalars['ID']['input'];
  decision: ReportReviewDecision;
  reason?: InputMaybe<Scalars['String']['input']>;
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
}>;


export type ReportReviewMutation = { __typename?: 'Mutation', reviewProgressReport: { __typename?: 'ReviewProgressReportPayload', report: { __typename?: 'ProgressReport', id: string, reviewState: ReportReviewState, reviewReason: string | null, reviewedAt: string | null, version: number } | null, errors: Array<{ __typename?: 'UserError', code: ErrorCode, field: string | null, message: string }> } };

export type DashboardScreenQueryVariables = Exact<{
  unit: Scalars['ID']['input'];
  asOf: Scalars['Date']['input'];
  overdueFirst?: InputMaybe<Scalars['Int']['input']>;
  rectificationsFirst?: InputMaybe<Scalars['Int']['input']>;
  tasksFirst?: InputMaybe<Scalars['Int']['input']>;
}>;


export type DashboardScreenQuery = { __typename?: 'Query', unit: { __typename?: 'OrgUnit', id: string, name: string, kind: OrgUnitKind, ancestors: Array<{ __typename?: 'OrgUnit', id: string, name: string, kind: OrgUnitKind, targets: Array<{ __typename?: 'Target', id: string, year: number, month: number | null, kind: TargetKind, value: number | null, baseline: number | null, baselineYear: number | null, indicator: { __typename?: 'Indicator', code: string, name: string, unit: string | null, direction: IndicatorDirection }, attainment: { __typename?: 'Attainment', status: AttainmentStatus, actual: number | null } }> }>, targets: Array<{ __typename?: 'Target', id: string, year: number, month: number | null, kind: TargetKind, value: number | null, baseline: number | null, baselineYear: number | null, indicator: { __typename?: 'Indicator', code: string, name: string, unit: string | null, direction: IndicatorDirection }, attainment: { __typename?: 'Attainment', status: AttainmentStatus, actual: number | null } }>, taskRollup: { __typename?: 'TaskRollup', asOf: string, total: number, completed: number, inProgress: number, notStarted: number, overdue: number, dueSoon: number, ongoing: number, completionRate: number | null, weightedProgress: number | null }, children: Array<{ __typename?: 'OrgUnit', id: string, name: string, kind: OrgUnitKind, taskRollup: { __typename?: 'TaskRollup', asOf: string, total: number, completed: number, inProgress: number, notStarted: number, overdue: number, dueSoon: number, ongoing: number, completionRate: number | null, weightedProgress: number | null } }>, tasks: { __typename?: 'TaskConnection', totalCount: number, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor: string | null }, edges: Array<{ __typename?: 'TaskEdge', node: { __typename?: 'Task', id: string, code: string, seq: number, label: string, title: string, category: string | null, status: TaskStatus, progress: number, statusAsOf: TaskStatus | null, progressAsOf: number | null, deadline: { __typename?: 'Deadline', kind: DeadlineKind, end: string | null, text: string }, plan: { __typename?: 'Plan', field: PlanField }, leadUnits: Array<{ __typename?: 'OrgUnit', id: string, name: string }> } }> }, overdue: { __typename?: 'TaskConnection', totalCount: number, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor: string | null }, edges: Array<{ __typename?: 'TaskEdge', node: { __typename?: 'Task', id: string, code: string, seq: number, label: string, title: string, category: string | null, status: TaskStatus, progress: number, statusAsOf: TaskStatus | null, progressAsOf: number | null, deadline: { __typename?: 'Deadline', kind: DeadlineKind, end: string | null, text: string }, plan: { __typename?: 'Plan', field: PlanField }, leadUnits: Array<{ __typename?: 'OrgUnit', id: string, name: string }> } }> }, rectificationRollup: { __typename?: 'RectificationRollup', asOf: string, total: number, notStarted: number, inProgress: number, completed: number, verified: number, closed: number, reopened: number, overdue: number, dueSoon: number, ongoing: number, completionRate: number | null }, rectifications: { __typename?: 'RectificationConnection', totalCount: number, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor: string | null }, edges: Array<{ __typename?: 'RectificationEdge', node: { __typename?: 'Rectification', id: string, seq: number, category: string | null, problem: string, status: RectificationStatus, statusAsOf: RectificationStatus | null, findingNumbers: Array<number>, deadline: { __typename?: 'Deadline', kind: DeadlineKind, end: string | null, text: string }, responsibleUnits: Array<{ __typename?: 'OrgUnit', id: string, name: string }> } }> } } | null };

export type RollupFragment = { __typename?: 'TaskRollup', asOf: string, total: number, completed: number, inProgress: number, notStarted: number, overdue: number, dueSoon: number, ongoing: number, completionRate: number | null, weightedProgress: number | null };

export type TargetPointFragment = { __typename?: 'Target', id: string, year: number, month: number | null, kind: TargetKind, value: number | null, baseline: number | null, baselineYear: number | null, indicator: { __typename?: 'Indicator', code: string, name: string, unit: string | null, direction: IndicatorDirection }, attainment: { __typename?: 'Attainment', status: AttainmentStatus, actual: number | null } };

export type TaskRowFragment = { __typename?: 'Task', id: string, code: string, seq: number, label: string, title: string, category: string | null, status: TaskStatus, progress: number, statusAsOf: TaskStatus | null, progressAsOf: number | null, deadline: { __typename?: 'Deadline', kind: DeadlineKind, end: string | null, text: string }, plan: { __typename?: 'Plan', field: PlanField }, leadUnits: Array<{ __typename?: 'OrgUnit', id: string, name: string }> };

export type RectificationRowFragment = { __typename?: 'Rectification', id: string, seq: number, category: string | null, problem: string, status: RectificationStatus, statusAsOf: RectificationStatus | null, findingNumbers: Array<number>, deadline: { __typename?: 'Deadline', kind: DeadlineKind, end: string | null, text: string }, responsibleUnits: Array<{ __typename?: 'OrgUnit', id: string, name: string }> };

export type TaskDetailQueryVariables = Exact<{
  id: Scalars['ID']['input'];
  asOf: Scalars['Date']['input'];
  unit?: InputMaybe<Scalars['ID']['input']>;
  reportsFirst?: InputMaybe<Scalars['Int']['input']>;
  reportsAfter?: InputMaybe<Scalars['String']['input']>;
}>;


export type TaskDetailQuery = { __typename?: 'Query', task: { __typename?: 'Assignment' } | { __typename?: 'Comment' } | { __typename?: 'Document' } | { __typename?: 'ExtensionRequest' } | { __typename?: 'Inspection' } | { __typename?: 'MonitoringSection' } | { __typename?: 'OrgUnit' } | { __typename?: 'Plan' } | { __typename?: 'ProgressReport' } | { __typename?: 'Rectification' } | { __typename?: 'ScoreRubric' } | { __typename?: 'Target' } | { __typename?: 'Task', id: string, code: string, label: string, title: string, description: string | null, category: string | null, remarks: string | null, responsibilityText: string | null, status: TaskStatus, progress: number, statusAsOf: TaskStatus | null, progressAsOf: number | null, overdue: boolean, health: Health | null, deadline: { __typename?: 'Deadline', kind: DeadlineKind, end: string | null, text: string }, originalDeadline: { __typename?: 'Deadline', text: string }, deadlineHistory: Array<{ __typename?: 'DeadlineChange', changedAt: string, reason: string | null, deadline: { __typename?: 'Deadline', text: string }, previous: { __typename?: 'Deadline', text: string }, changedByUnit: { __typename?: 'OrgUnit', name: string } | null }>, plan: { __typename?: 'Plan', title: string }, assignments: Array<{ __typename?: 'Assignment', id: string, role: AssignmentRole, status: TaskStatus, progress: number, unit: { __typename?: 'OrgUnit', id: string, name: string } }>, reports: { __typename?: 'ProgressReportConnection', totalCount: number, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor: string | null }, edges: Array<{ __typename?: 'ProgressReportEdge', node: { __typename?: 'ProgressReport', id: string, reportedAt: string, period: string | null, percent: number, status: TaskStatus, narrative: string | null, reviewState: ReportReviewState, reviewReason: string | null, reviewedAt: string | null, reviewerUnit: { __typename?: 'OrgUnit', name: string } | null, unit: { __typename?: 'OrgUnit', name: string } | null, evidence: Array<{ __typename?: 'Evidence', url: string, title: string | null }>, files: Array<{ __typename?: 'EvidenceFile', id: string, name: string, caption: string | null, size: number, contentType: string, url: string }> } }> }, extensionRequests: { __typename?: 'ExtensionRequestConnection', totalCount: number, edges: Array<{ __typename?: 'ExtensionRequestEdge', node: { __typename?: 'ExtensionRequest', id: string, status: ExtensionStatus, reason: string, requestedAt: string, currentDeadlineEnd: string | null, requestedDeadlineEnd: string, decidedAt: string | null, decisionReason: string | null, requestedByUnit: { __typename?: 'OrgUnit', name: string }, addressedTo: { __typename?: 'OrgUnit', name: string } | null, decidedByUnit: { __typename?: 'OrgUnit', name: string } | null } }> }, escalations: Array<{ __typename?: 'Escalation', id: string, level: EscalationLevel, issuedOn: string, reason: string | null, status: EscalationStatus, issuedBy: { __typename?: 'OrgUnit', name: string }, addressedTo: { __typename?: 'OrgUnit', name: string }, replies: Array<{ __typename?: 'EscalationReply', kind: EscalationReplyKind, text: string, promisedBy: string | null, repliedAt: string }> }> } | null };

export type TodoQueryVariables = Exact<{
  reportsFirst?: InputMaybe<Scalars['Int']['input']>;
  reportsAfter?: InputMaybe<Scalars['String']['input']>;
  extensionsFirst?: InputMaybe<Scalars['Int']['input']>;
  extensionsAfter?: InputMaybe<Scalars['String']['input']>;
}>;


export type TodoQuery = { __typename?: 'Query', reportsToReview: { __typename?: 'ProgressReportConnection', totalCount: number, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor: string | null }, edges: Array<{ __typename?: 'ProgressReportEdge', node: { __typename?: 'ProgressReport', id: string, version: number, reportedAt: string, period: string | null, percent: number, status: TaskStatus, narrative: string | null, reviewState: ReportReviewState, unit: { __typename?: 'OrgUnit', name: string } | null, task: { __typename?: 'Task', id: string, label: string, title: string } | null } }> }, extensionRequests: { __typename?: 'ExtensionRequestConnection', totalCount: number, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor: string | null }, edges: Array<{ __typename?: 'ExtensionRequestEdge', node: { __typename?: 'ExtensionRequest', id: string, version: number, status: ExtensionStatus, reason: string, requestedAt: string, currentDeadlineEnd: string | null, requestedDeadlineEnd: string, requestedByUnit: { __typename?: 'OrgUnit', name: string }, addressedTo: { __typename?: 'OrgUnit', name: string } | null, task: { __typename?: 'Task', id: string, label: string, title: string } | null } }> } };

export type UnitTasksPageQueryVariables = Exact<{
  unit: Scalars['ID']['input'];
  asOf: Scalars['Date']['input'];
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type UnitTasksPageQuery = { __typename?: 'Query', unit: { __typename?: 'OrgUnit', tasks: { __typename?: 'TaskConnection', totalCount: number, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor: string | null }, edges: Array<{ __typename?: 'TaskEdge', node: { __typename?: 'Task', id: string, code: string, seq: number, label: string, title: string, category: string | null, status: TaskStatus, progress: number, statusAsOf: TaskStatus | null, progressAsOf: number | null, deadline: { __typename?: 'Deadline', kind: DeadlineKind, end: string | null, text: string }, plan: { __typename?: 'Plan', field: PlanField }, leadUnits: Array<{ __typename?: 'OrgUnit', id: string, name: string }> } }> } } | null };

export type UnitTreeQueryVariables = Exact<{
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  asOf?: InputMaybe<Scalars['Date']['input']>;
}>;


export type UnitTreeQuery = { __typename?: 'Query', me: { __typename?: 'Viewer', role: ViewerRole | null, partner: boolean, unrestricted: boolean, unit: { __typename?: 'OrgUnit', id: string, name: string } | null }, orgUnits: { __typename?: 'OrgUnitConnection', totalCount: number, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor: string | null }, edges: Array<{ __typename?: 'OrgUnitEdge', node: { __typename?: 'OrgUnit', id: string, name: string, kind: OrgUnitKind, depth: number, aliases: Array<string>, parent: { __typename?: 'OrgUnit', id: string } | null, taskRollup: { __typename?: 'TaskRollup', total: number } } }> } };

export type UnitOverviewQueryVariables = Exact<{
  name: Scalars['String']['input'];
  asOf?: InputMaybe<Scalars['Date']['input']>;
}>;


export type UnitOverviewQuery = { __typename?: 'Query', orgUnit: { __typename?: 'OrgUnit', id: string, name: string, kind: OrgUnitKind, ancestors: Array<{ __typename?: 'OrgUnit', name: string }>, taskRollup: { __typename?: 'TaskRollup', asOf: string, total: number, completed: number, inProgress: number, notStarted: number, overdue: number, dueSoon: number, ongoing: number, completionRate: number | null, weightedProgress: number | null }, children: Array<{ __typename?: 'OrgUnit', name: string, taskRollup: { __typename?: 'TaskRollup', total: number, completed: number, overdue: number, completionRate: number | null } }> } | null };

export type RollupScopesQueryVariables = Exact<{
  name: Scalars['String']['input'];
  asOf: Scalars['Date']['input'];
}>;


export type RollupScopesQuery = { __typename?: 'Query', orgUnit: { __typename?: 'OrgUnit', name: string, lead: { __typename?: 'TaskRollup', total: number, completed: number, overdue: number, ongoing: number, completionRate: number | null }, leadOrCooperating: { __typename?: 'TaskRollup', total: number, overdue: number }, ownOnly: { __typename?: 'TaskRollup', total: number }, datedOnly: { __typename?: 'TaskRollup', total: number, overdue: number, dueSoon: number } } | null };

export type OverdueTasksQueryVariables = Exact<{
  asOf: Scalars['Date']['input'];
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type OverdueTasksQuery = { __typename?: 'Query', tasks: { __typename?: 'TaskConnection', totalCount: number, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor: string | null }, edges: Array<{ __typename?: 'TaskEdge', node: { __typename?: 'Task', id: string, code: string, title: string, status: TaskStatus, deadline: { __typename?: 'Deadline', kind: DeadlineKind, end: string | null, text: string }, leadUnits: Array<{ __typename?: 'OrgUnit', name: string }> } }> } };

export type UnitsPageQueryVariables = Exact<{
  first: Scalars['Int']['input'];
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type UnitsPageQuery = { __typename?: 'Query', orgUnits: { __typename?: 'OrgUnitConnection', totalCount: number, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor: string | null }, edges: Array<{ __typename?: 'OrgUnitEdge', cursor: string, node: { __typename?: 'OrgUnit', name: string, parent: { __typename?: 'OrgUnit', name: string } | null } }> } };

export type TargetsAndMeasurementsQueryVariables = Exact<{
  indicator: Scalars['String']['input'];
  year: Scalars['Int']['input'];
  baselineYear: Scalars['Int']['input'];
  asOf?: InputMaybe<Scalars['Date']['input']>;
}>;


export type TargetsAndMeasurementsQuery = { __typename?: 'Query', targets: { __typename?: 'TargetConnection', totalCount: number, edges: Array<{ __typename?: 'TargetEdge', node: { __typename?: 'Target', month: number | null, kind: TargetKind, value: number | null, baseline: number | null, baselineYear: number | null, orgUnit: { __typename?: 'OrgUnit', name: string } | null, indicator: { __typename?: 'Indicator', name: string, unit: string | null, direction: IndicatorDirection }, attainment: { __typename?: 'Attainment', status: AttainmentStatus, basis: AttainmentBasis, actual: number | null, target: number | null, monthsMeasured: number, gap: number | null } } }> }, measurements: { __typename?: 'MeasurementConnection', totalCount: number, edges: Array<{ __typename?: 'MeasurementEdge', node: { __typename?: 'Measurement', month: number | null, value: number, source: string | null, orgUnit: { __typename?: 'OrgUnit', name: string } | null } }> } };

export type RectificationsQueryVariables = Exact<{
  name: Scalars['String']['input'];
  asOf?: InputMaybe<Scalars['Date']['input']>;
}>;


export type RectificationsQuery = { __typename?: 'Query', orgUnit: { __typename?: 'OrgUnit', rectificationRollup: { __typename?: 'RectificationRollup', total: number, notStarted: number, inProgress: number, completed: number, verified: number, closed: number, reopened: number, overdue: number, completionRate: number | null }, rectifications: { __typename?: 'RectificationConnection', totalCount: number, edges: Array<{ __typename?: 'RectificationEdge', node: { __typename?: 'Rectification', seq: number, findingNumbers: Array<number>, problem: string, status: RectificationStatus, deadline: { __typename?: 'Deadline', text: string, end: string | null }, responsibleUnits: Array<{ __typename?: 'OrgUnit', name: string }> } }> } } | null };

export type ReportProgressMutationVariables = Exact<{
  input: ReportProgressInput;
}>;


export type ReportProgressMutation = { __typename?: 'Mutation', reportProgress: { __typename?: 'ReportProgressPayload', report: { __typename?: 'ProgressReport', percent: number, status: TaskStatus, period: string | null, unit: { __typename?: 'OrgUnit', name: string } | null } | null, assignment: { __typename?: 'Assignment', status: TaskStatus, progress: number, version: number } | null, task: { __typename?: 'Task', status: TaskStatus, progress: number } | null, errors: Array<{ __typename?: 'UserError', code: ErrorCode, field: string | null, message: string }> } };

export type ReportTooMuchMutationVariables = Exact<{
  input: ReportProgressInput;
}>;


export type ReportTooMuchMutation = { __typename?: 'Mutation', reportProgress: { __typename?: 'ReportProgressPayload', report: { __typename?: 'ProgressReport', percent: number } | null, errors: Array<{ __typename?: 'UserError', code: ErrorCode, field: string | null, message: string }> } };

export type RollupChangedSubscriptionVariables = Exact<{
  unit: Scalars['ID']['input'];
}>;


export type RollupChangedSubscription = { __typename?: 'Subscription', rollupChanged: { __typename?: 'TaskRollup', asOf: string, total: number, completed: number, inProgress: number, notStarted: number, overdue: number, completionRate: number | null } };

export const RollupFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"Rollup"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TaskRollup"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"asOf"}},{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"completed"}},{"kind":"Field","name":{"kind":"Name","value":"inProgress"}},{"kind":"Field","name":{"kind":"Name","value":"notStarted"}},{"kind":"Field","name":{"kind":"Name","value":"overdue"}},{"kind":"Field","name":{"kind":"Name","value":"dueSoon"}},{"kind":"Field","name":{"kind":"Name","value":"ongoing"}},{"kind":"Field","name":{"kind":"Name","value":"completionRate"}},{"kind":"Field","name":{"kind":"Name","value":"weightedProgress"}}]}}]} as unknown as DocumentNode<RollupFragment, unknown>;
export const TargetPointFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"TargetPoint"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Target"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"year"}},{"kind":"Field","name":{"kind":"Name","value":"month"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"baseline"}},{"kind":"Field","name":{"kind":"Name","value":"baselineYear"}},{"kind":"Field","name":{"kind":"Name","value":"indicator"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"unit"}},{"kind":"Field","name":{"kind":"Name","value":"direction"}}]}},{"kind":"Field","name":{"kind":"Name","value":"attainment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"actual"}}]}}]}}]} as unknown as DocumentNode<TargetPointFragment, unknown>;
export const TaskRowFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"TaskRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Task"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"category"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"progress"}},{"kind":"Field","name":{"kind":"Name","value":"statusAsOf"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}},{"kind":"Argument","name":{"kind":"Name","value":"unit"},"value":{"kind":"Variable","name":{"kind":"Name","value":"unit"}}}]},{"kind":"Field","name":{"kind":"Name","value":"progressAsOf"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}},{"kind":"Argument","name":{"kind":"Name","value":"unit"},"value":{"kind":"Variable","name":{"kind":"Name","value":"unit"}}}]},{"kind":"Field","name":{"kind":"Name","value":"deadline"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"end"}},{"kind":"Field","name":{"kind":"Name","value":"text"}}]}},{"kind":"Field","name":{"kind":"Name","value":"plan"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}}]}},{"kind":"Field","name":{"kind":"Name","value":"leadUnits"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<TaskRowFragment, unknown>;
export const RectificationRowFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"RectificationRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Rectification"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"category"}},{"kind":"Field","name":{"kind":"Name","value":"problem"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"statusAsOf"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}}]},{"kind":"Field","name":{"kind":"Name","value":"findingNumbers"}},{"kind":"Field","name":{"kind":"Name","value":"deadline"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"end"}},{"kind":"Field","name":{"kind":"Name","value":"text"}}]}},{"kind":"Field","name":{"kind":"Name","value":"responsibleUnits"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<RectificationRowFragment, unknown>;
export const EscalationAcknowledgeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"EscalationAcknowledge"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"escalation"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"expectedVersion"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"acknowledgeEscalation"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"escalation"},"value":{"kind":"Variable","name":{"kind":"Name","value":"escalation"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"expectedVersion"},"value":{"kind":"Variable","name":{"kind":"Name","value":"expectedVersion"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"escalation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}},{"kind":"Field","name":{"kind":"Name","value":"errors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<EscalationAcknowledgeMutation, EscalationAcknowledgeMutationVariables>;
export const EscalationCloseDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"EscalationClose"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"escalation"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"note"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"expectedVersion"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"closeEscalation"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"escalation"},"value":{"kind":"Variable","name":{"kind":"Name","value":"escalation"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"note"},"value":{"kind":"Variable","name":{"kind":"Name","value":"note"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"expectedVersion"},"value":{"kind":"Variable","name":{"kind":"Name","value":"expectedVersion"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"escalation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}},{"kind":"Field","name":{"kind":"Name","value":"errors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<EscalationCloseMutation, EscalationCloseMutationVariables>;
export const EscalationReplyDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"EscalationReply"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"escalation"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"kind"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"EscalationReplyKind"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"text"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"promisedBy"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"expectedVersion"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"replyToEscalation"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"escalation"},"value":{"kind":"Variable","name":{"kind":"Name","value":"escalation"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"kind"},"value":{"kind":"Variable","name":{"kind":"Name","value":"kind"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"text"},"value":{"kind":"Variable","name":{"kind":"Name","value":"text"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"promisedBy"},"value":{"kind":"Variable","name":{"kind":"Name","value":"promisedBy"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"expectedVersion"},"value":{"kind":"Variable","name":{"kind":"Name","value":"expectedVersion"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"escalation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}},{"kind":"Field","name":{"kind":"Name","value":"reply"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"text"}}]}},{"kind":"Field","name":{"kind":"Name","value":"errors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<EscalationReplyMutation, EscalationReplyMutationVariables>;
export const EscalationsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Escalations"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"addressedTo"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"EscalationParty"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"issuedBy"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"EscalationParty"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"status"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"EscalationStatus"}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"10"}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"escalations"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"addressedTo"},"value":{"kind":"Variable","name":{"kind":"Name","value":"addressedTo"}}},{"kind":"Argument","name":{"kind":"Name","value":"issuedBy"},"value":{"kind":"Variable","name":{"kind":"Name","value":"issuedBy"}}},{"kind":"Argument","name":{"kind":"Name","value":"status"},"value":{"kind":"Variable","name":{"kind":"Name","value":"status"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"level"}},{"kind":"Field","name":{"kind":"Name","value":"issuedOn"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"statusAsOf"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}}]},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"acknowledgedAt"}},{"kind":"Field","name":{"kind":"Name","value":"closedAt"}},{"kind":"Field","name":{"kind":"Name","value":"closingNote"}},{"kind":"Field","name":{"kind":"Name","value":"issuedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"addressedTo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"task"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"title"}}]}},{"kind":"Field","name":{"kind":"Name","value":"rectification"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"problem"}}]}},{"kind":"Field","name":{"kind":"Name","value":"replies"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"promisedBy"}},{"kind":"Field","name":{"kind":"Name","value":"repliedAt"}},{"kind":"Field","name":{"kind":"Name","value":"unit"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<EscalationsQuery, EscalationsQueryVariables>;
export const ExtensionDecideDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ExtensionDecide"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"request"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"decision"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ExtensionDecision"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"reason"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"expectedVersion"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"decideExtension"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"request"},"value":{"kind":"Variable","name":{"kind":"Name","value":"request"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"decision"},"value":{"kind":"Variable","name":{"kind":"Name","value":"decision"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"reason"},"value":{"kind":"Variable","name":{"kind":"Name","value":"reason"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"expectedVersion"},"value":{"kind":"Variable","name":{"kind":"Name","value":"expectedVersion"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"request"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"decisionReason"}},{"kind":"Field","name":{"kind":"Name","value":"decidedAt"}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}},{"kind":"Field","name":{"kind":"Name","value":"errors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<ExtensionDecideMutation, ExtensionDecideMutationVariables>;
export const OverdueTasksPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"OverdueTasksPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"unit"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"20"}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","alias":{"kind":"Name","value":"unit"},"name":{"kind":"Name","value":"orgUnit"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"unit"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","alias":{"kind":"Name","value":"overdue"},"name":{"kind":"Name","value":"tasks"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"includeDescendants"},"value":{"kind":"BooleanValue","value":true}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"overdueAsOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}}]}},{"kind":"Argument","name":{"kind":"Name","value":"orderBy"},"value":{"kind":"ListValue","values":[{"kind":"EnumValue","value":"DEADLINE_ASC"}]}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"category"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"progress"}},{"kind":"Field","name":{"kind":"Name","value":"statusAsOf"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}},{"kind":"Argument","name":{"kind":"Name","value":"unit"},"value":{"kind":"Variable","name":{"kind":"Name","value":"unit"}}}]},{"kind":"Field","name":{"kind":"Name","value":"progressAsOf"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}},{"kind":"Argument","name":{"kind":"Name","value":"unit"},"value":{"kind":"Variable","name":{"kind":"Name","value":"unit"}}}]},{"kind":"Field","name":{"kind":"Name","value":"deadline"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"end"}},{"kind":"Field","name":{"kind":"Name","value":"text"}}]}},{"kind":"Field","name":{"kind":"Name","value":"plan"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}}]}},{"kind":"Field","name":{"kind":"Name","value":"leadUnits"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<OverdueTasksPageQuery, OverdueTasksPageQueryVariables>;
export const RankingsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Rankings"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"indicator"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"year"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"month"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"kind"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RankingKind"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"within"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"by"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RankingBasis"}}},"defaultValue":{"kind":"EnumValue","value":"VALUE"}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"order"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RankingOrder"}}},"defaultValue":{"kind":"EnumValue","value":"BEST_FIRST"}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"20"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rankings"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"indicator"},"value":{"kind":"Variable","name":{"kind":"Name","value":"indicator"}}},{"kind":"Argument","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}},{"kind":"Argument","name":{"kind":"Name","value":"month"},"value":{"kind":"Variable","name":{"kind":"Name","value":"month"}}},{"kind":"Argument","name":{"kind":"Name","value":"kind"},"value":{"kind":"Variable","name":{"kind":"Name","value":"kind"}}},{"kind":"Argument","name":{"kind":"Name","value":"within"},"value":{"kind":"Variable","name":{"kind":"Name","value":"within"}}},{"kind":"Argument","name":{"kind":"Name","value":"by"},"value":{"kind":"Variable","name":{"kind":"Name","value":"by"}}},{"kind":"Argument","name":{"kind":"Name","value":"order"},"value":{"kind":"Variable","name":{"kind":"Name","value":"order"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rank"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"baseline"}},{"kind":"Field","name":{"kind":"Name","value":"change"}},{"kind":"Field","name":{"kind":"Name","value":"changeRate"}},{"kind":"Field","name":{"kind":"Name","value":"unit"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}}]}}]}}]}}]} as unknown as DocumentNode<RankingsQuery, RankingsQueryVariables>;
export const RectificationsPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"RectificationsPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"unit"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"50"}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","alias":{"kind":"Name","value":"unit"},"name":{"kind":"Name","value":"orgUnit"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"unit"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rectifications"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"includeDescendants"},"value":{"kind":"BooleanValue","value":true}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"category"}},{"kind":"Field","name":{"kind":"Name","value":"problem"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"statusAsOf"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}}]},{"kind":"Field","name":{"kind":"Name","value":"findingNumbers"}},{"kind":"Field","name":{"kind":"Name","value":"deadline"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"end"}},{"kind":"Field","name":{"kind":"Name","value":"text"}}]}},{"kind":"Field","name":{"kind":"Name","value":"responsibleUnits"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<RectificationsPageQuery, RectificationsPageQueryVariables>;
export const ReportReviewDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ReportReview"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"report"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"decision"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ReportReviewDecision"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"reason"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"expectedVersion"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reviewProgressReport"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"report"},"value":{"kind":"Variable","name":{"kind":"Name","value":"report"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"decision"},"value":{"kind":"Variable","name":{"kind":"Name","value":"decision"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"reason"},"value":{"kind":"Variable","name":{"kind":"Name","value":"reason"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"expectedVersion"},"value":{"kind":"Variable","name":{"kind":"Name","value":"expectedVersion"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"report"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"reviewState"}},{"kind":"Field","name":{"kind":"Name","value":"reviewReason"}},{"kind":"Field","name":{"kind":"Name","value":"reviewedAt"}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}},{"kind":"Field","name":{"kind":"Name","value":"errors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<ReportReviewMutation, ReportReviewMutationVariables>;
export const DashboardScreenDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DashboardScreen"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"unit"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"overdueFirst"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"20"}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"rectificationsFirst"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"50"}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"tasksFirst"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"20"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","alias":{"kind":"Name","value":"unit"},"name":{"kind":"Name","value":"orgUnit"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"unit"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"ancestors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"targets"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"TargetPoint"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"targets"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"TargetPoint"}}]}},{"kind":"Field","name":{"kind":"Name","value":"taskRollup"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"Rollup"}}]}},{"kind":"Field","name":{"kind":"Name","value":"children"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"taskRollup"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"Rollup"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"tasks"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"orderBy"},"value":{"kind":"ListValue","values":[{"kind":"EnumValue","value":"DEADLINE_ASC"}]}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"tasksFirst"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"TaskRow"}}]}}]}}]}},{"kind":"Field","alias":{"kind":"Name","value":"overdue"},"name":{"kind":"Name","value":"tasks"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"includeDescendants"},"value":{"kind":"BooleanValue","value":true}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"overdueAsOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}}]}},{"kind":"Argument","name":{"kind":"Name","value":"orderBy"},"value":{"kind":"ListValue","values":[{"kind":"EnumValue","value":"DEADLINE_ASC"}]}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"overdueFirst"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"TaskRow"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"rectificationRollup"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"asOf"}},{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"notStarted"}},{"kind":"Field","name":{"kind":"Name","value":"inProgress"}},{"kind":"Field","name":{"kind":"Name","value":"completed"}},{"kind":"Field","name":{"kind":"Name","value":"verified"}},{"kind":"Field","name":{"kind":"Name","value":"closed"}},{"kind":"Field","name":{"kind":"Name","value":"reopened"}},{"kind":"Field","name":{"kind":"Name","value":"overdue"}},{"kind":"Field","name":{"kind":"Name","value":"dueSoon"}},{"kind":"Field","name":{"kind":"Name","value":"ongoing"}},{"kind":"Field","name":{"kind":"Name","value":"completionRate"}}]}},{"kind":"Field","name":{"kind":"Name","value":"rectifications"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"includeDescendants"},"value":{"kind":"BooleanValue","value":true}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"rectificationsFirst"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"RectificationRow"}}]}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"TargetPoint"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Target"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"year"}},{"kind":"Field","name":{"kind":"Name","value":"month"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"baseline"}},{"kind":"Field","name":{"kind":"Name","value":"baselineYear"}},{"kind":"Field","name":{"kind":"Name","value":"indicator"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"unit"}},{"kind":"Field","name":{"kind":"Name","value":"direction"}}]}},{"kind":"Field","name":{"kind":"Name","value":"attainment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"actual"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"Rollup"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TaskRollup"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"asOf"}},{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"completed"}},{"kind":"Field","name":{"kind":"Name","value":"inProgress"}},{"kind":"Field","name":{"kind":"Name","value":"notStarted"}},{"kind":"Field","name":{"kind":"Name","value":"overdue"}},{"kind":"Field","name":{"kind":"Name","value":"dueSoon"}},{"kind":"Field","name":{"kind":"Name","value":"ongoing"}},{"kind":"Field","name":{"kind":"Name","value":"completionRate"}},{"kind":"Field","name":{"kind":"Name","value":"weightedProgress"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"TaskRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Task"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"category"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"progress"}},{"kind":"Field","name":{"kind":"Name","value":"statusAsOf"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}},{"kind":"Argument","name":{"kind":"Name","value":"unit"},"value":{"kind":"Variable","name":{"kind":"Name","value":"unit"}}}]},{"kind":"Field","name":{"kind":"Name","value":"progressAsOf"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}},{"kind":"Argument","name":{"kind":"Name","value":"unit"},"value":{"kind":"Variable","name":{"kind":"Name","value":"unit"}}}]},{"kind":"Field","name":{"kind":"Name","value":"deadline"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"end"}},{"kind":"Field","name":{"kind":"Name","value":"text"}}]}},{"kind":"Field","name":{"kind":"Name","value":"plan"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}}]}},{"kind":"Field","name":{"kind":"Name","value":"leadUnits"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"RectificationRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Rectification"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"category"}},{"kind":"Field","name":{"kind":"Name","value":"problem"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"statusAsOf"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}}]},{"kind":"Field","name":{"kind":"Name","value":"findingNumbers"}},{"kind":"Field","name":{"kind":"Name","value":"deadline"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"end"}},{"kind":"Field","name":{"kind":"Name","value":"text"}}]}},{"kind":"Field","name":{"kind":"Name","value":"responsibleUnits"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<DashboardScreenQuery, DashboardScreenQueryVariables>;
export const TaskDetailDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"TaskDetail"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"unit"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"reportsFirst"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"10"}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"reportsAfter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","alias":{"kind":"Name","value":"task"},"name":{"kind":"Name","value":"node"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Task"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"category"}},{"kind":"Field","name":{"kind":"Name","value":"remarks"}},{"kind":"Field","name":{"kind":"Name","value":"responsibilityText"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"progress"}},{"kind":"Field","name":{"kind":"Name","value":"statusAsOf"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}},{"kind":"Argument","name":{"kind":"Name","value":"unit"},"value":{"kind":"Variable","name":{"kind":"Name","value":"unit"}}}]},{"kind":"Field","name":{"kind":"Name","value":"progressAsOf"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}},{"kind":"Argument","name":{"kind":"Name","value":"unit"},"value":{"kind":"Variable","name":{"kind":"Name","value":"unit"}}}]},{"kind":"Field","name":{"kind":"Name","value":"overdue"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}}]},{"kind":"Field","name":{"kind":"Name","value":"health"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}}]},{"kind":"Field","name":{"kind":"Name","value":"deadline"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"end"}},{"kind":"Field","name":{"kind":"Name","value":"text"}}]}},{"kind":"Field","name":{"kind":"Name","value":"originalDeadline"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"text"}}]}},{"kind":"Field","name":{"kind":"Name","value":"deadlineHistory"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"changedAt"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"deadline"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"text"}}]}},{"kind":"Field","name":{"kind":"Name","value":"previous"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"text"}}]}},{"kind":"Field","name":{"kind":"Name","value":"changedByUnit"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"plan"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"title"}}]}},{"kind":"Field","name":{"kind":"Name","value":"assignments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"progress"}},{"kind":"Field","name":{"kind":"Name","value":"unit"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"reports"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"reportsFirst"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"reportsAfter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"reportedAt"}},{"kind":"Field","name":{"kind":"Name","value":"period"}},{"kind":"Field","name":{"kind":"Name","value":"percent"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"narrative"}},{"kind":"Field","name":{"kind":"Name","value":"reviewState"}},{"kind":"Field","name":{"kind":"Name","value":"reviewReason"}},{"kind":"Field","name":{"kind":"Name","value":"reviewedAt"}},{"kind":"Field","name":{"kind":"Name","value":"reviewerUnit"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"unit"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"evidence"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"title"}}]}},{"kind":"Field","name":{"kind":"Name","value":"files"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"caption"}},{"kind":"Field","name":{"kind":"Name","value":"size"}},{"kind":"Field","name":{"kind":"Name","value":"contentType"}},{"kind":"Field","name":{"kind":"Name","value":"url"}}]}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"extensionRequests"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"20"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"requestedAt"}},{"kind":"Field","name":{"kind":"Name","value":"currentDeadlineEnd"}},{"kind":"Field","name":{"kind":"Name","value":"requestedDeadlineEnd"}},{"kind":"Field","name":{"kind":"Name","value":"decidedAt"}},{"kind":"Field","name":{"kind":"Name","value":"decisionReason"}},{"kind":"Field","name":{"kind":"Name","value":"requestedByUnit"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"addressedTo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"decidedByUnit"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"escalations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"level"}},{"kind":"Field","name":{"kind":"Name","value":"issuedOn"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"issuedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"addressedTo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"replies"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"promisedBy"}},{"kind":"Field","name":{"kind":"Name","value":"repliedAt"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<TaskDetailQuery, TaskDetailQueryVariables>;
export const TodoDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Todo"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"reportsFirst"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"20"}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"reportsAfter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"extensionsFirst"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"20"}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"extensionsAfter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reportsToReview"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"reportsFirst"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"reportsAfter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"reportedAt"}},{"kind":"Field","name":{"kind":"Name","value":"period"}},{"kind":"Field","name":{"kind":"Name","value":"percent"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"narrative"}},{"kind":"Field","name":{"kind":"Name","value":"reviewState"}},{"kind":"Field","name":{"kind":"Name","value":"unit"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"task"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"title"}}]}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"extensionRequests"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"status"},"value":{"kind":"ListValue","values":[{"kind":"EnumValue","value":"PENDING"}]}},{"kind":"ObjectField","name":{"kind":"Name","value":"addressedTo"},"value":{"kind":"EnumValue","value":"ME"}}]}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"extensionsFirst"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"extensionsAfter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"requestedAt"}},{"kind":"Field","name":{"kind":"Name","value":"currentDeadlineEnd"}},{"kind":"Field","name":{"kind":"Name","value":"requestedDeadlineEnd"}},{"kind":"Field","name":{"kind":"Name","value":"requestedByUnit"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"addressedTo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"task"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"title"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<TodoQuery, TodoQueryVariables>;
export const UnitTasksPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"UnitTasksPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"unit"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"20"}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","alias":{"kind":"Name","value":"unit"},"name":{"kind":"Name","value":"orgUnit"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"unit"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"tasks"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"orderBy"},"value":{"kind":"ListValue","values":[{"kind":"EnumValue","value":"DEADLINE_ASC"}]}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"category"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"progress"}},{"kind":"Field","name":{"kind":"Name","value":"statusAsOf"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}},{"kind":"Argument","name":{"kind":"Name","value":"unit"},"value":{"kind":"Variable","name":{"kind":"Name","value":"unit"}}}]},{"kind":"Field","name":{"kind":"Name","value":"progressAsOf"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}},{"kind":"Argument","name":{"kind":"Name","value":"unit"},"value":{"kind":"Variable","name":{"kind":"Name","value":"unit"}}}]},{"kind":"Field","name":{"kind":"Name","value":"deadline"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"end"}},{"kind":"Field","name":{"kind":"Name","value":"text"}}]}},{"kind":"Field","name":{"kind":"Name","value":"plan"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}}]}},{"kind":"Field","name":{"kind":"Name","value":"leadUnits"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<UnitTasksPageQuery, UnitTasksPageQueryVariables>;
export const UnitTreeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"UnitTree"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"100"}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"partner"}},{"kind":"Field","name":{"kind":"Name","value":"unrestricted"}},{"kind":"Field","name":{"kind":"Name","value":"unit"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"orgUnits"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"depth"}},{"kind":"Field","name":{"kind":"Name","value":"aliases"}},{"kind":"Field","name":{"kind":"Name","value":"parent"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"taskRollup"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"total"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<UnitTreeQuery, UnitTreeQueryVariables>;
export const UnitOverviewDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"UnitOverview"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"orgUnit"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"ancestors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"taskRollup"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"asOf"}},{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"completed"}},{"kind":"Field","name":{"kind":"Name","value":"inProgress"}},{"kind":"Field","name":{"kind":"Name","value":"notStarted"}},{"kind":"Field","name":{"kind":"Name","value":"overdue"}},{"kind":"Field","name":{"kind":"Name","value":"dueSoon"}},{"kind":"Field","name":{"kind":"Name","value":"ongoing"}},{"kind":"Field","name":{"kind":"Name","value":"completionRate"}},{"kind":"Field","name":{"kind":"Name","value":"weightedProgress"}}]}},{"kind":"Field","name":{"kind":"Name","value":"children"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"kind"},"value":{"kind":"EnumValue","value":"TOWN"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"taskRollup"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"completed"}},{"kind":"Field","name":{"kind":"Name","value":"overdue"}},{"kind":"Field","name":{"kind":"Name","value":"completionRate"}}]}}]}}]}}]}}]} as unknown as DocumentNode<UnitOverviewQuery, UnitOverviewQueryVariables>;
export const RollupScopesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"RollupScopes"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"orgUnit"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","alias":{"kind":"Name","value":"lead"},"name":{"kind":"Name","value":"taskRollup"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"completed"}},{"kind":"Field","name":{"kind":"Name","value":"overdue"}},{"kind":"Field","name":{"kind":"Name","value":"ongoing"}},{"kind":"Field","name":{"kind":"Name","value":"completionRate"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"leadOrCooperating"},"name":{"kind":"Name","value":"taskRollup"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}},{"kind":"Argument","name":{"kind":"Name","value":"role"},"value":{"kind":"EnumValue","value":"ANY"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"overdue"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"ownOnly"},"name":{"kind":"Name","value":"taskRollup"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}},{"kind":"Argument","name":{"kind":"Name","value":"includeDescendants"},"value":{"kind":"BooleanValue","value":false}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"total"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"datedOnly"},"name":{"kind":"Name","value":"taskRollup"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"deadlineKind"},"value":{"kind":"ListValue","values":[{"kind":"EnumValue","value":"BY_DATE"},{"kind":"EnumValue","value":"PERIOD"}]}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"overdue"}},{"kind":"Field","name":{"kind":"Name","value":"dueSoon"}}]}}]}}]}}]} as unknown as DocumentNode<RollupScopesQuery, RollupScopesQueryVariables>;
export const OverdueTasksDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"OverdueTasks"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"tasks"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"overdueAsOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}}]}},{"kind":"Argument","name":{"kind":"Name","value":"orderBy"},"value":{"kind":"ListValue","values":[{"kind":"EnumValue","value":"DEADLINE_ASC"}]}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"deadline"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"end"}},{"kind":"Field","name":{"kind":"Name","value":"text"}}]}},{"kind":"Field","name":{"kind":"Name","value":"leadUnits"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<OverdueTasksQuery, OverdueTasksQueryVariables>;
export const UnitsPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"UnitsPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"orgUnits"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"kind"},"value":{"kind":"ListValue","values":[{"kind":"EnumValue","value":"TOWN"}]}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"parent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<UnitsPageQuery, UnitsPageQueryVariables>;
export const TargetsAndMeasurementsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"TargetsAndMeasurements"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"indicator"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"year"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"baselineYear"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"targets"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"indicator"},"value":{"kind":"Variable","name":{"kind":"Name","value":"indicator"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"year"}}}]}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"20"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"month"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"baseline"}},{"kind":"Field","name":{"kind":"Name","value":"baselineYear"}},{"kind":"Field","name":{"kind":"Name","value":"orgUnit"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"indicator"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"unit"}},{"kind":"Field","name":{"kind":"Name","value":"direction"}}]}},{"kind":"Field","name":{"kind":"Name","value":"attainment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"basis"}},{"kind":"Field","name":{"kind":"Name","value":"actual"}},{"kind":"Field","name":{"kind":"Name","value":"target"}},{"kind":"Field","name":{"kind":"Name","value":"monthsMeasured"}},{"kind":"Field","name":{"kind":"Name","value":"gap"}}]}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"measurements"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"indicator"},"value":{"kind":"Variable","name":{"kind":"Name","value":"indicator"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"year"},"value":{"kind":"Variable","name":{"kind":"Name","value":"baselineYear"}}}]}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"20"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"month"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"orgUnit"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<TargetsAndMeasurementsQuery, TargetsAndMeasurementsQueryVariables>;
export const RectificationsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Rectifications"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"orgUnit"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rectificationRollup"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"notStarted"}},{"kind":"Field","name":{"kind":"Name","value":"inProgress"}},{"kind":"Field","name":{"kind":"Name","value":"completed"}},{"kind":"Field","name":{"kind":"Name","value":"verified"}},{"kind":"Field","name":{"kind":"Name","value":"closed"}},{"kind":"Field","name":{"kind":"Name","value":"reopened"}},{"kind":"Field","name":{"kind":"Name","value":"overdue"}},{"kind":"Field","name":{"kind":"Name","value":"completionRate"}}]}},{"kind":"Field","name":{"kind":"Name","value":"rectifications"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"includeDescendants"},"value":{"kind":"BooleanValue","value":true}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"status"},"value":{"kind":"ListValue","values":[{"kind":"EnumValue","value":"NOT_STARTED"}]}},{"kind":"ObjectField","name":{"kind":"Name","value":"dueBefore"},"value":{"kind":"StringValue","value":"2024-12-31","block":false}}]}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"5"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"findingNumbers"}},{"kind":"Field","name":{"kind":"Name","value":"problem"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"deadline"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"end"}}]}},{"kind":"Field","name":{"kind":"Name","value":"responsibleUnits"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<RectificationsQuery, RectificationsQueryVariables>;
export const ReportProgressDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ReportProgress"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ReportProgressInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reportProgress"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"report"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"percent"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"period"}},{"kind":"Field","name":{"kind":"Name","value":"unit"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"assignment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"progress"}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}},{"kind":"Field","name":{"kind":"Name","value":"task"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"progress"}}]}},{"kind":"Field","name":{"kind":"Name","value":"errors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<ReportProgressMutation, ReportProgressMutationVariables>;
export const ReportTooMuchDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ReportTooMuch"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ReportProgressInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reportProgress"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"report"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"percent"}}]}},{"kind":"Field","name":{"kind":"Name","value":"errors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<ReportTooMuchMutation, ReportTooMuchMutationVariables>;
export const RollupChangedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"RollupChanged"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"unit"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rollupChanged"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"unit"},"value":{"kind":"Variable","name":{"kind":"Name","value":"unit"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"asOf"}},{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"completed"}},{"kind":"Field","name":{"kind":"Name","value":"inProgress"}},{"kind":"Field","name":{"kind":"Name","value":"notStarted"}},{"kind":"Field","name":{"kind":"Name","value":"overdue"}},{"kind":"Field","name":{"kind":"Name","value":"completionRate"}}]}}]}}]} as unknown as DocumentNode<RollupChangedSubscription, RollupChangedSubscriptionVariables>;