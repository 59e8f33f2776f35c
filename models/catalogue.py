"""The message catalogue (提示语目录): every user-facing message by template id, in zh-CN and
English, with the same named parameters ({name}); models/messages.py renders them. Data only:
tests/api/test_messages.py checks both languages and that every entry is used.
"""

from __future__ import annotations

# template id -> (zh-CN, English); {name} are the parameters, the same in both.
CATALOGUE: dict[str, tuple[str, str]] = {
    # -- nouns (parameters of other messages) --
    "NOUN_TASK": ("任务", "task"),
    "NOUN_UNIT": ("单位", "unit"),
    "NOUN_PLAN": ("方案", "plan"),
    "NOUN_DOCUMENT": ("文件", "document"),
    "NOUN_ASSIGNMENT": ("责任分工", "assignment"),
    "NOUN_REPORT": ("进展报告", "report"),
    "NOUN_RECTIFICATION": ("整改事项", "rectification"),
    "NOUN_SHARE": ("整改责任单位的份额", "rectification share"),
    "NOUN_FINDING": ("问题", "finding"),
    "NOUN_INSPECTION": ("督察", "inspection"),
    "NOUN_ESCALATION": ("督办", "escalation"),
    "NOUN_INDICATOR": ("指标", "indicator"),
    "NOUN_TARGET": ("目标", "target"),
    "NOUN_MEASUREMENT": ("监测值", "measurement"),
    "NOUN_SECTION": ("断面", "section"),
    "NOUN_PROPOSAL": ("提议", "proposal"),
    "NOUN_MEASURE": ("措施", "measure"),
    "NOUN_RUBRIC": ("考核细则", "scoring rubric"),
    "NOUN_EXTENSION_REQUEST": ("延期申请", "extension request"),
    # -- payload errors (services) --
    "NOT_FOUND": ("该{noun}不存在或不在您的权限范围内", "no such {noun} in your scope"),
    "NOT_FOUND_ID": ("找不到该{noun}", "no such {noun}"),
    "UNIT_NOT_IN_SCOPE": ("单位不存在或不在您的权限范围内", "no such unit in your scope"),
    "ROLE_TOO_LOW": ("此操作需要{role}或更高角色", "this needs the {role} role or higher"),
    "VERSION_CONFLICT": (
        "{noun}已是第 {current} 版，而非第 {expected} 版：请刷新后重试",
        "{noun} is at version {current}, not {expected}: reload and retry",
    ),
    "SCORE_PERIOD_ORDER": (
        "考核期的结束日期不能早于开始日期",
        "the period must not end before it starts",
    ),
    "SCORE_PERIOD_LENGTH": ("考核期不能超过 {days} 天", "the period must not exceed {days} days"),
    "SCORE_RULES_EMPTY": ("考核细则至少需要一条评分项", "a rubric needs at least one line"),
    "SCORE_RULES_TOO_MANY": ("考核细则最多 {limit} 条评分项", "a rubric has at most {limit} lines"),
    "SCORE_LEVEL_NOT_ESCALATION": (
        "只有“被督办”评分项可以指定督办级别",
        "only ESCALATION lines name an escalation level",
    ),
    "SCORE_POINTS_RANGE": (
        "分值须为有限数，且绝对值不超过 {limit}",
        "points must be finite and at most {limit} in absolute value",
    ),
    "SCORE_CAP_POSITIVE": ("单项封顶分值须大于 0", "a cap must be greater than 0"),
    "SCORE_RUBRIC_NAME_TAKEN": ("已有同名的考核细则", "a rubric of that name exists"),
    "SCORE_RUBRIC_OWNER_REQUIRED": (
        "只有管理员可以创建不属于任何单位的考核细则，请指定所属单位",
        "only ADMIN creates a rubric without an owning unit: name the owner",
    ),
    "SCORE_RUBRIC_FORBIDDEN": (
        "只有所属单位（或其上级）的协调员可以修改考核细则",
        "only a COORDINATOR over the owning unit changes a rubric",
    ),
    "TEXT_EMPTY": ("{field}不能为空", "{field} must not be empty"),
    "TEXT_TOO_LONG": ("{field}超过 {limit} 个字符", "{field} is longer than {limit}"),
    "YEAR_RANGE": (
        "{field}须在 {first} 年至 {last} 年之间",
        "{field} must be between {first} and {last}",
    ),
    "PERCENT_RANGE": ("进度须在 0 至 100 之间", "percent must be between 0 and 100"),
    "WEIGHT_RANGE": ("权重须在 0 至 1000 之间", "weight must be between 0 and 1000"),
    "EVIDENCE_TOO_MANY": ("佐证材料最多 50 条", "at most 50 evidence links"),
    "EVIDENCE_URL": ("佐证材料须为 http(s) 链接", "evidence urls are http(s) links"),
    "DEADLINE_NEEDS_START": ("{kind} 类时限需要开始日期", "{kind} needs a start"),
    "DEADLINE_NEEDS_END": ("{kind} 类时限需要截止日期", "{kind} needs an end"),
    "DEADLINE_START_AFTER_END": ("开始日期晚于截止日期", "start is after end"),
    "COMPLETED_AT_100": ("已完成的分工进度为 100%", "a completed share is at 100%"),
    "NOT_STARTED_AT_0": ("未启动的分工进度为 0%", "a share not started is at 0%"),
    "AT_100_COMPLETED": ("进度为 100% 时状态应为已完成", "at 100% the share is COMPLETED"),
    "ROLE_LEAD_OR_COOPERATING": ("角色须为牵头或配合", "role is LEAD or COOPERATING"),
    "TASK_NEEDS_LEAD": ("任务至少需要一个牵头单位", "a task has at least one lead unit"),
    "NAME_A_UNIT": ("请至少指定一个单位", "name at least one unit"),
    "SEQ_POSITIVE": ("序号须为正数", "seq must be a positive number"),
    "SEQ_TAKEN": ("序号 {seq} 已被占用", "序号 {seq} is taken"),
    "SEQ_OR_CODE_TAKEN": (
        "序号 {seq} 或编号 {code} 已被占用",
        "序号 {seq} or code {code} is taken",
    ),
    "CODE_TAKEN": ("编号 {code} 已被其他任务占用", "code {code} is taken by another task"),
    "SUBTASKS_NONE": ("请至少给出一项子任务", "give at least one subtask"),
    "SUBTASKS_TOO_MANY": ("子任务最多 200 项", "at most 200 subtasks"),
    "SUBTASK_NEEDS_LEAD": ("每项子任务都需要牵头单位", "every subtask has a lead"),
    "SUBTASK_UNITS_BELOW": (
        "子任务只能分解给本单位的下级单位",
        "subtasks go to units under the decomposing unit",
    ),
    "REASON_TOO_LONG": ("调整理由超过 {limit} 个字符", "reason is longer than {limit}"),
    "FILE_NOT_UPLOAD": (
        "请以 multipart 上传方式发送文件（GraphQL 规范）",
        "send the file as a multipart upload (GraphQL spec)",
    ),
    "FILE_TOO_LARGE": (
        "文件超过 {limit} 字节（上传上限）",
        "the file is over {limit} bytes (the upload limit)",
    ),
    "LEDGER_NO_ROWS": ("文件中没有任务行", "the file lists no task rows"),
    "LEDGER_ROW_ERRORS": (
        "{count} 行有错误：未导入任何内容",
        "{count} row errors: nothing was imported",
    ),
    "DOCUMENT_NOT_IN_SCOPE": (
        "您的权限范围内没有文号为 {doc_number} 的文件",
        "no document {doc_number} in your scope",
    ),
    "DOCUMENT_NUMBER_SHARED": (
        "{count} 份文件使用文号 {doc_number}：请指定发文单位",
        "{count} documents carry {doc_number}: name the issuer",
    ),
    "DOCUMENT_HAS_NO_PLAN": ("{doc_number} 中没有方案 {key}", "{doc_number} has no plan {key}"),
    "DOCUMENT_SEVERAL_PLANS": (
        "{doc_number} 含多个方案（{keys}）：请用方案标识指定其一",
        "{doc_number} holds several plans ({keys}): name one by its key",
    ),
    "DUE_WITHIN_RANGE": (
        "dueWithin 须在 0 至 {most} 天之间，而不是 {value}",
        "dueWithin is 0 to {most} days, not {value}",
    ),
    "FORBIDDEN_REPORT": (
        "只有本单位（或其下级单位）才能报告自己的分工进展",
        "a unit reports on its own share (or one of a unit below it)",
    ),
    "FORBIDDEN_ADD_TASK": (
        "任务由方案的发文单位或其上级单位添加",
        "tasks are added by the plan's issuer or a unit above it",
    ),
    "FORBIDDEN_EDIT_TASK": (
        "任务由其方案的发文单位或其上级单位修改",
        "a task is edited by its plan's issuer or a unit above it",
    ),
    "FORBIDDEN_DECOMPOSE": (
        "只有牵头单位才能分解自己的分工",
        "only a lead unit decomposes its own share",
    ),
    "FORBIDDEN_ADD_PLAN": (
        "方案由文件的发文单位或其上级单位添加",
        "plans are added by the document's issuer or a unit above it",
    ),
    "FORBIDDEN_IMPORT_LEDGER": (
        "方案台账由其发文单位或其上级单位导入",
        "a plan's ledger is imported by its issuer or a unit above it",
    ),
    "FORBIDDEN_ESCALATE": (
        "只有上级单位才能向该单位督办",
        "only a superior unit escalates to a unit",
    ),
    "FORBIDDEN_RECTIFICATION": ("您无权处理此整改事项", "you may not act on this rectification"),
    "FORBIDDEN_REVIEW": (
        "进展报告由任务的发文单位（或其上级单位）的协调员及以上角色审核",
        "a report is reviewed by a COORDINATOR or higher of the task's issuer or a unit above it",
    ),
    "REPORT_NOT_UNDER_REVIEW": (
        "该进展报告无需审核：其所属方案不审核此类报告",
        "this report is not under review: its plan does not review such reports",
    ),
    "REPORT_ALREADY_REVIEWED": (
        "该进展报告已审核（{state}），不能再{decision}",
        "this report was already reviewed ({state}); it cannot be {decision} now",
    ),
    "REVIEW_ACCEPTED": ("通过", "accepted"),
    "REVIEW_RETURNED": ("退回", "returned"),
    "FORBIDDEN_COMMENT": (
        "报告员及以上角色才能对可见的事项留言",
        "a REPORTER or higher comments on what it sees",
    ),
    "FORBIDDEN_INSTRUCTION": (
        "批示由发文单位（或督察组）及其上级单位、或责任单位的上级单位的协调员及以上角色作出",
        "an instruction (批示) is given by a COORDINATOR or higher of the issuer (or inspection"
        " team) or a unit above it, or of a unit above the target's units",
    ),
    "COMMENT_TARGET": (
        "留言对象须为任务、整改事项或进展报告",
        "comments are made on a task, a rectification or a progress report",
    ),
    "INVALID_TRANSITION": (
        "不允许从 {current} 转为 {to}（{current} 可转为：{allowed}）",
        "{current} → {to} is not allowed (from {current}: {allowed})",
    ),
    "ONLY_RESPONSIBLE_MOVES": (
        "只有责任单位才能将其转为 {to}",
        "only a responsible unit moves it to {to}",
    ),
    "ONLY_RESPONSIBLE_NOTES": (
        "只有责任单位才能填报整改进展",
        "only a responsible unit notes the progress of a rectification",
    ),
    "RECTIFICATION_CLOSED_NOTES": (
        "已销号的整改事项不再填报进展，请先重新打开",
        "a closed rectification takes no more progress notes: reopen it first",
    ),
    "ONLY_SUPERVISING_MOVES": (
        "只有督察单位才能将其转为 {to}",
        "only a supervising unit moves it to {to}",
    ),
    "NOT_A_RESPONSIBLE_UNIT": (
        "该单位不是此整改事项的责任单位",
        "that unit is not a responsible unit of this rectification",
    ),
    "SHARE_UNIT_REQUIRED": (
        "此整改事项有多个责任单位，请指明转办哪个单位的部分（unit）",
        "this rectification has several responsible units: name the unit whose share moves",
    ),
    "SHARES_DIFFER": (
        "各责任单位进度不一（{states}），不能整体转为 {to}，请逐个单位办理",
        "the shares differ ({states}): the item cannot move to {to} as a whole;"
        " move each unit's share",
    ),
    "SUPERVISION_TARGET": (
        "督办对象须为方案或督察（整改清单）",
        "a supervisor is designated for a plan or an inspection",
    ),
    "FORBIDDEN_SUPERVISION": (
        "只有发文单位（或其上级）的 COORDINATOR 才能指定或撤销督办单位",
        "only a COORDINATOR of the issuing unit (or a unit above it) designates or"
        " revokes a supervisor",
    ),
    "SUPERVISOR_EXISTS": ("该单位已是督办单位", "that unit already supervises it"),
    "NOT_A_SUPERVISOR": ("该单位不是督办单位", "that unit does not supervise it"),
    "VERIFY_NEEDS_COORDINATOR": (
        "核查和销号需要 COORDINATOR 角色",
        "verifying and closing need a COORDINATOR",
    ),
    "HISTORY_AFTER_TODAY": (
        "{field} {day} 晚于今天：历史不能从未来开始",
        "{field} {day} is after today: history starts no later than now",
    ),
    "NAMES_ONLY_CONCERNED": (
        "“{name}”只是泛指“有关单位”：请写明具体单位",
        "{name} names only the units concerned: name those units",
    ),
    "NO_GOVERNMENT_ABOVE": (
        "执行单位之上没有人民政府：{name}",
        "no government above the acting unit: {name}",
    ),
    "NAMES_NO_UNIT": ("“{name}”在此不指任何单位", "{name} names no unit here"),
    "UNIT_NAME_AMBIGUOUS": ("“{name}”有歧义", "{name} is ambiguous"),
    "UNIT_NAME_UNKNOWN": ("“{name}”不是本级政府的单位", "{name} is not a unit of this government"),
    "COUNT_EXACT": ("{n}", "{n}"),
    "COUNT_AT_LEAST": ("至少 {n}", "at least {n}"),
    "COUNT_RANGE": ("{low} 至 {high}", "{low} to {high}"),
    "CURSOR_OTHER_UNIT": (
        "此游标属于另一个单位：请传入生成它时的单位，或以 since: null 重新开始",
        "this cursor follows another unit: pass the unit it was made for, "
        "or start again with since: null",
    ),
    "CURSOR_OTHER_TIER": (
        "此游标是为 {disclosure} 公开级别生成的",
        "this cursor was made for the {disclosure} disclosure tier",
    ),
    "DOC_NUMBER_TAKEN": (
        "该发文单位已登记文号 {doc_number}",
        "{doc_number} is registered by this issuer",
    ),
    "YEAR_1990_2100": ("年份须在 1990–2100 之间", "year must be 1990–2100"),
    "MONTH_1_12": ("月份须在 1–12 之间", "month must be 1–12"),
    "PLAN_KEY_FORMAT": (
        "方案标识只能含小写字母、数字和 -",
        "key is lower-case letters, digits and -",
    ),
    "PARENT_OTHER_DOCUMENT": ("上级方案属于另一份文件", "the parent is in another document"),
    "PLAN_KEY_TAKEN": ("文件中已有方案标识 {key}", "key {key} exists in the document"),
    "PLAN_NOT_IN_DOCUMENT": ("文件中没有方案 {key}", "no plan {key} in the document"),
    "EVENT_UNIT_COUNT": (
        "{kind} 应指定 {wanted} 个 {field}（单位），而不是 {count} 个",
        "a {kind} names {wanted} {field} (units), not {count}",
    ),
    "DATE_INVALID": ("日期无效：{detail}", "invalid date: {detail}"),
    "EVENT_IN_FUTURE": (
        "{day} 是将来的日期：请在变更生效后再登记",
        "{day} is in the future: record an event once it took effect",
    ),
    "NO_SUCH_UNITS": ("找不到单位：{units}", "no such unit: {units}"),
    "UNIT_ENDED": (
        "{name} 已于 {day} 撤销：届时不再有效",
        "{name} ended on {day}: it is not in force then",
    ),
    "UNIT_NOT_YET": ("{name} 自 {day} 起才有效", "{name} is in force only from {day}"),
    "UNIT_UNDER_ONLY_FROM": (
        "{child} 自 {day} 起才隶属于 {parent}",
        "{child} is under {parent} only from {day}",
    ),
    "NEW_UNIT_NEEDS_KIND": ("{name}：请指定单位类型", "{name}: give its kind"),
    "NEW_UNIT_NEEDS_NAME": ("新单位需要名称和编码", "a new unit needs a name and a code"),
    "NO_PARENT_UNIT": ("找不到上级单位", "no such parent unit"),
    "UNIT_NO_LONGER": ("{name} 已不再有效", "{name} is no longer in force"),
    "UNIT_EXISTS": (
        "已有名为 {name} 或编码为 {code} 的单位",
        "a unit named {name} or coded {code} exists",
    ),
    "ESTABLISH_NEW_UNITS": (
        "ESTABLISH 会新建单位：请使用 newUnits",
        "ESTABLISH creates its units: use newUnits",
    ),
    "BASIS_TOO_LONG": ("依据最多 2000 个字符", "basis: at most 2000 characters"),
    "CYCLE_SUCCESSOR": (
        "{name} 位于某个原单位之下：单位树将形成环",
        "{name} lies within a predecessor: the tree would form a cycle",
    ),
    "CYCLE_NEW_PARENT": (
        "{name} 的上级位于某个原单位之下：单位树将形成环",
        "{name}'s parent lies within a predecessor: the tree would form a cycle",
    ),
    "UNITS_LEFT_UNDER": (
        "{name} 之下仍有单位：{kind} 没有为它们指定承继单位（请先合并或更名）",
        "{name} still has units under it: a {kind} names no heir for them"
        " (merge or rename them first)",
    ),
    "NO_INDICATOR": ("没有指标 {code}", "no indicator {code}"),
    "UNIT_OR_SECTION": ("请指定单位或断面", "give a unit or a section"),
    "VALUE_FINITE": ("数值须为有限数", "value must be a finite number"),
    "WATER_CLASS": (
        "水质类别为 1–5（I–V类）或 6（劣V类）",
        "water classes are 1–5 (I–V) or 6 (劣V)",
    ),
    "VALUE_NEGATIVE": ("数值不能为负", "value must not be negative"),
    "VALUE_OR_TEXT": ("请给出 value 或 valueText", "give a value or a valueText"),
    "TARGET_EXISTS": ("该目标已存在：请改为更新", "that target exists: update it instead"),
    "ESCALATE_ONE_SUBJECT": (
        "请恰好指定一项任务、责任分工或整改事项",
        "name exactly one task, assignment or rectification",
    ),
    "ESCALATE_NOT_ITS_SHARE": (
        "该责任分工不属于被督办单位",
        "the assignment is not the addressed unit's",
    ),
    "ESCALATE_NO_SHARE": (
        "被督办单位在该任务中没有分工",
        "the addressed unit has no share of the task",
    ),
    "ESCALATE_NOT_RESPONSIBLE": (
        "被督办单位不是其责任单位",
        "the addressed unit is not responsible for it",
    ),
    "SIGN_FOR_ONE": (
        "请恰好指定一项任务分工（assignment）或整改事项的份额（share）",
        "name exactly one task share (assignment) or rectification share (share)",
    ),
    "FORBIDDEN_SIGN_FOR": (
        "只有被分工的单位本身才能签收",
        "only the assigned unit itself signs for its share",
    ),
    "EXTENSION_LEAD_ONLY": (
        "只有牵头单位才能就自己的分工申请延期",
        "only a lead unit asks for an extension, on its own LEAD share",
    ),
    "FORBIDDEN_REQUEST_EXTENSION": (
        "只有牵头单位本身才能申请或撤回延期",
        "only the lead unit itself asks for or withdraws an extension",
    ),
    "FORBIDDEN_DECIDE_EXTENSION": (
        "延期申请由方案的发文单位（或其上级单位）或牵头单位的上级单位审批",
        "an extension is decided by the plan's issuer (or a unit above it) or a unit above"
        " the lead unit",
    ),
    "EXTENSION_NOT_EXTENDABLE": (
        "该任务的完成时限没有截止日期（{kind}），不能延期",
        "the task's deadline has no end date ({kind}): it cannot be extended",
    ),
    "EXTENSION_NOT_LATER": (
        "申请的完成时限须晚于现行截止日期 {end}",
        "the new deadline must be later than the one in force, {end}",
    ),
    "EXTENSION_PENDING": (
        "该任务已有一项待审批的延期申请",
        "the task already has a pending extension request",
    ),
    "EXTENSION_DECIDED": (
        "该延期申请已是 {status} 状态，不能再{move}",
        "the extension request is {status}: it cannot be {move} any more",
    ),
    "EXTENSION_REJECT_REASON": ("不予批准时须说明理由", "a rejection gives its reason"),
    "MOVE_APPROVED": ("批准", "approved"),
    "MOVE_REJECTED": ("驳回", "rejected"),
    "MOVE_WITHDRAWN": ("撤回", "withdrawn"),
    "FIRST_NEGATIVE": ("`first` 不能为负数", "`first` must not be negative"),
    "FIRST_TOO_LARGE": ("`first` 最大为 {most}", "`first` must be at most {most}"),
    "MONTH_ARGUMENT": ("`month` 须在 1 至 12 之间", "`month` must be between 1 and 12"),
    "UNKNOWN_INDICATOR": ("未知指标：{code}", "unknown indicator: {code}"),
    "CHANGES_CURSOR_INVALID": ("变更游标无效", "invalid changes cursor"),
    "SUBSCRIPTION_NO_UNIT": ("找不到单位：{unit}", "no such unit: {unit}"),
    "BAD_ID": ("不是有效的 {expected} 编号", "not a valid {expected} id"),
    "BAD_ID_TYPE": (
        "不是有效的 {expected} 编号（它指向 {type_name}）",
        "not a valid {expected} id (it names a {type_name})",
    ),
    "CURSOR_INVALID": (
        "`after` 不是有效的游标：请传入 pageInfo.endCursor",
        "`after` is not a valid cursor: pass a pageInfo.endCursor",
    ),
    "CURSOR_OTHER_LIST": (
        "`after`：游标不属于此列表",
        "`after`: cursor does not belong to this list",
    ),
    "CURSOR_NOT_THIS_LIST": (
        "`after`：游标不属于此列表（由其他列表、上级、排序或筛选条件生成，或已被改动）",
        "`after`: cursor does not belong to this list (another list, parent, ordering or "
        "filter made it, or it was altered)",
    ),
    # -- scalars and dates (models/rules/calendar.py, resolvers/scalars.py) --
    "DATE_OUT_OF_RANGE": (
        "{day} 不在可接受的日期范围 {range} 内",
        "{day} is outside the accepted dates {range}",
    ),
    "DATE_NOT_ISO": (
        "不是日期：应为 {range} 内的 YYYY-MM-DD",
        "not a date: expected YYYY-MM-DD within {range}",
    ),
    "SCALAR_NOT_STRING": ("{name} 应为字符串，格式 YYYY-MM-DD", "{name} is a string, YYYY-MM-DD"),
    "SCALAR_NOT_ISO": (
        "{name} {value} 不是 ISO 日期（可接受：{range}）",
        "{name} {value} is not an ISO date (accepted: {range})",
    ),
    "SCALAR_INVALID": ("{name}：{detail}", "{name}: {detail}"),
    "VARIABLE_INVALID": (
        "变量 '${variable}' 的值无效：{detail}",
        "Variable '${variable}' has invalid value: {detail}",
    ),
    # -- ledger import problems (models/rules/ledger.py, resolvers/ledger/) --
    "LEDGER_NOT_XLSX": ("文件不是有效的 .xlsx 工作簿", "the file is not a valid .xlsx workbook"),
    "LEDGER_UNREADABLE_XLSX": (
        "文件不是可读的 .xlsx 工作簿：{detail}",
        "the file is not a readable .xlsx workbook: {detail}",
    ),
    "LEDGER_NOT_TEXT": (
        "文件文本无效：既不是 UTF-8 也不是 GB18030 文本",
        "the file is neither UTF-8 nor GB18030 text",
    ),
    "LEDGER_BAD_TEXT": (
        "文件文本无效：第 {at} 字节处 {reason}",
        "the file's text is not valid: {reason} at byte {at}",
    ),
    "LEDGER_NOT_CSV": ("文件不是有效的 CSV：{detail}", "the file is not valid CSV: {detail}"),
    "LEDGER_NO_HEADER": (
        "前 {rows} 行中没有含 {names} 的表头行",
        "no header row naming {names} in the first {rows} rows",
    ),
    "LEDGER_BAD_CHARACTER": (
        "第 {row} 行 {column} 列：单元格{reason}（不接受 NUL、控制字符和孤立代理项）",
        "row {row}, column {column}: the cell {reason} "
        "(NUL, control characters and lone surrogates are refused)",
    ),
    "LEDGER_UNKNOWN_STATUS": ("状态 {text} 不是 {words} 之一", "状态 {text} is not {words}"),
    "LEDGER_BAD_PROGRESS": (
        "进度 {text} 不是 0–100 的百分数",
        "进度 {text} is not a percent 0–100",
    ),
    "LEDGER_BAD_DATE": ("{text} 不是日期", "{text} is not a date"),
    "LEDGER_SEQ_EMPTY": ("序号为空", "序号 is empty"),
    "LEDGER_SEQ_NOT_NUMBER": ("序号 {seq} 不是数字", "序号 {seq} is not a number"),
    "LEDGER_MEASURE_EMPTY": ("具体措施为空", "具体措施 is empty"),
    "LEDGER_LEAD_EMPTY": ("牵头单位为空", "牵头单位 is empty"),
    "LEDGER_TOO_LONG": ("超过 {limit} 个字符", "longer than {limit} characters"),
    "LEDGER_NO_LEAD": ("{text} 中没有牵头单位", "no lead unit in {text}"),
    "LEDGER_DEADLINE_TEXT": (
        "完成时限 {text} 不含日期：按文本保留，类型为 UNSPECIFIED",
        "完成时限 {text} names no date: kept as text, kind UNSPECIFIED",
    ),
    "LEDGER_WRONG_PLAN": (
        "该行属于 {doc_number} {key}，而不是导入的方案（{fixed_doc_number} {fixed_key}）",
        "the row belongs to {doc_number} {key}, "
        "not to the plan imported into ({fixed_doc_number} {fixed_key})",
    ),
    "LEDGER_NO_PLAN": (
        "您的权限范围内没有 {doc_number} 的方案 {key}",
        "no plan {key} of {doc_number} in your scope",
    ),
    "LEDGER_NAME_PLAN": (
        "请指定要导入的方案，或提供文号和方案两列",
        "name the plan to import into, or give 文号 and 方案 columns",
    ),
    "LEDGER_UNIT_NOT_IN_SCOPE": (
        "{name} 不是您权限范围内的单位",
        "{name} is not a unit in your scope",
    ),
    "LEDGER_ONLY_CONCERNED": (
        "{names} 只是泛指有关单位：请写明牵头单位",
        "{names} names only the units concerned: name a lead unit",
    ),
    "LEDGER_STATE_IGNORED": (
        "最新进展未给出状态或进度，不予导入：请写明其报告的状态",
        "最新进展 without 状态 or 进度 is not imported: give the state it reports",
    ),
    "LEDGER_STATE_FUTURE": (
        "状态日期为 {day}，晚于今天：历史不能在未来",
        "the state is dated {day}, after today: history is never in the future",
    ),
    "LEDGER_STATE_PROGRESS": ("状态与进度：{detail}", "状态 and 进度: {detail}"),
    "LEDGER_BEFORE_HISTORY": (
        "状态日期为 {day}，早于任务历史的开始（{since}）：历史不会被改写"
        "（新任务从其文件日期或 --effective-on 开始）",
        "the state is dated {day}, before the task's history ({since}): history is never "
        "rewritten (a new task starts on its document's date or --effective-on)",
    ),
    "LEDGER_NO_SUBTASK": (
        "没有子任务 {seq}：子任务由 decomposeTask 产生",
        "no subtask {seq}: subtasks come from decomposeTask",
    ),
    "LEDGER_ASSIGNMENT_IN_USE": (
        "单位 {unit} 已在此任务上报告、分解或被督办，须保留：请在该行写明它",
        "unit {unit} has reported, decomposed or been escalated on this task and stays on it:"
        " name it in the row",
    ),
    # -- exports (api/exports.py) --
    "EXPORT_NAME_UNIT": ("请指定单位：?unit=<编号或名称>", "name the unit: ?unit=<id or name>"),
    "EXPORT_NO_UNIT": ("找不到该单位", "no such unit"),
    "EXPORT_NO_PLAN": ("找不到该方案", "no such plan"),
    "EXPORT_ROLE": ("role 须为 ANY 或 LEAD", "role is ANY or LEAD"),
    "EXPORT_AS_OF": ("asOf：{detail}", "asOf: {detail}"),
    "EXPORT_PARAMETER": (
        "查询参数 {name} 的{what}{reason}",
        "query parameter {name}: its {what} {reason}",
    ),
    "PARAMETER_NAME": ("名称", "name"),
    "PARAMETER_VALUE": ("值", "value"),
    # -- top-level and HTTP errors (the error boundary, api/) --
    "IDEMPOTENCY_KEY_INVALID": (
        "Idempotency-Key 须为 1 至 {most} 个可打印 ASCII 字符",
        "Idempotency-Key must be 1 to {most} printable ASCII characters",
    ),
    "IDEMPOTENCY_KEY_REUSED": (
        "此 Idempotency-Key 已用于另一个请求体：请换用新的键",
        "this Idempotency-Key was used with a different request body: use a new key",
    ),
    "IDEMPOTENCY_KEY_IN_PROGRESS": (
        "使用此 Idempotency-Key 的请求仍在运行：请稍后重试",
        "a request with this Idempotency-Key is still running: retry later",
    ),
    "UNSUPPORTED_MEDIA_TYPE": (
        "不支持的 Content-Type {shown}：请以 application/json 发送 POST",
        "unsupported Content-Type {shown}: POST application/json",
    ),
    "INTERNAL_ERROR": (
        "服务器内部错误（请求编号 {request_id}）",
        "internal error (request id {request_id})",
    ),
    "TIMEOUT": (
        "查询运行时间过长，已被取消（请求编号 {request_id}）",
        "the query ran too long and was cancelled (request id {request_id})",
    ),
    "VALUE_OUT_OF_RANGE": (
        "数值超出数据库可存储的范围",
        "a value is out of the range the database can store",
    ),
    "AUTH_REQUIRED": (
        "需要登录：请发送 Bearer 令牌或 API 密钥",
        "authentication required: send a bearer token or an API key",
    ),
    "WRITE_NEEDS_AUTH": (
        "写操作需要登录：请发送 Bearer 令牌或 API 密钥",
        "writes need authentication: send a bearer token or an API key",
    ),
    "TOKEN_INVALID": ("令牌无效：{reason}", "invalid token: {reason}"),
    "TOKEN_EXPIRED": ("令牌已过期", "the token has expired"),
    "TOKEN_HEADER": (
        "应为 `Authorization: Bearer <令牌>`",
        "expected `Authorization: Bearer <token>`",
    ),
    "NO_SECRET": (
        "本服务器不验证令牌（未设置 GOVGRAPH_SECRET）",
        "this server verifies no tokens (GOVGRAPH_SECRET unset)",
    ),
    "TOKEN_UNKNOWN_UNIT": (
        "令牌所指单位 {unit} 不存在（已删除或不在此数据库中）：请申请新令牌",
        "the token's unit {unit} does not exist (deleted, or never in this database):"
        " ask for a new token",
    ),
    "API_KEY_MALFORMED": ("API 密钥格式错误", "malformed API key"),
    "API_KEY_UNKNOWN": ("未知的 API 密钥", "unknown API key"),
    "API_KEY_REVOKED": ("API 密钥已吊销", "revoked API key"),
    "API_KEY_EXPIRED": ("API 密钥已过期", "expired API key"),
    "API_KEY_EXPIRED_LIVE": ("API 密钥已过期", "the API key has expired"),
    "RATE_LIMITED": (
        "请求过于频繁，请 {seconds} 秒后重试",
        "rate limit exceeded: retry in {seconds} s",
    ),
    "PAYLOAD_TOO_LARGE": (
        "请求体超过 {limit} 字节的上限",
        "the request body is over the {limit}-byte limit",
    ),
    "QUERY_LIMIT": ("查询超出限制：{detail}", "query limit: {detail}"),
    "QUERY_TOKENS": (
        "查询超过 {most} 个词法单元（max_tokens）",
        "the query has more than {most} tokens (max_tokens)",
    ),
    "QUERY_DEPTH": (
        "查询嵌套 {depth} 层，上限为 {most} 层（max_depth）",
        "the query is {depth} levels deep; max_depth is {most}",
    ),
    "QUERY_COST": (
        "查询开销可能达 {cost}，上限为 {most}（max_cost；连接按 `first` 计）",
        "the query may cost {cost}; max_cost is {most} (connections weigh by `first`)",
    ),
    "QUERY_ALIASES": (
        "查询使用了 {aliases} 个别名，上限为 {most}（max_aliases）",
        "the query uses {aliases} aliases; max_aliases is {most}",
    ),
    "INTROSPECTION_DISABLED": (
        "本服务器已关闭内省查询",
        "introspection is disabled on this server",
    ),
    # -- webhook subscriptions (resolvers/delivery/subscriptions.py) --
    "WEBHOOK_URL": ("回调地址必须是 http 或 https 网址", "the URL must be an http or https URL"),
    "WEBHOOK_KEY_UNKNOWN": ("没有有效的 API 密钥 {prefix}", "no live API key {prefix}"),
    "WEBHOOK_UNIT_OUTSIDE_KEY": (
        "该单位不在此 API 密钥的范围内",
        "the unit is not in the API key's subtree",
    ),
    "WEBHOOK_NOT_FOUND": ("找不到该订阅", "no such webhook subscription"),
    "WEBHOOK_EVENT_TYPE": ("未知的事件类型 {event_type}", "unknown event type {event_type}"),
    "WEBHOOK_ADMIN_ONLY": ("只有系统管理员管理订阅", "only an ADMIN manages webhook subscriptions"),
    # Messages to people (resolvers/delivery/people.py, digest.py): subjects, lines, digest.
    "NOTIFY_TASK_DUE_SOON": ("【即将到期】{title}", "Due soon: {title}"),
    "NOTIFY_TASK_OVERDUE": ("【已逾期】{title}", "Overdue: {title}"),
    "NOTIFY_TASK_CHANGED": ("【任务更新】{title}", "Task updated: {title}"),
    "NOTIFY_RECTIFICATION_CHANGED": ("【整改事项更新】{title}", "Rectification updated: {title}"),
    "NOTIFY_RECTIFICATION_DUE_SOON": (
        "【整改即将到期】{title}",
        "Rectification due soon: {title}",
    ),
    "NOTIFY_RECTIFICATION_OVERDUE": ("【整改已逾期】{title}", "Rectification overdue: {title}"),
    "NOTIFY_ESCALATION_ISSUED": ("【督办】{level}：{title}", "Escalation ({level}): {title}"),
    "NOTIFY_ESCALATION_ACKNOWLEDGED": (
        "【督办已签收】{level}：{title}",
        "Escalation signed for ({level}): {title}",
    ),
    "NOTIFY_ESCALATION_REPLIED": (
        "【督办已回复】{level}：{title}",
        "Escalation replied to ({level}): {title}",
    ),
    "NOTIFY_ESCALATION_CLOSED": (
        "【督办已办结】{level}：{title}",
        "Escalation closed ({level}): {title}",
    ),
    "NOTIFY_REPORT_RETURNED": ("【报告被退回】{title}", "Report returned: {title}"),
    "NOTIFY_EXTENSION_APPROVED": ("【延期申请已批准】{title}", "Extension approved: {title}"),
    "NOTIFY_EXTENSION_REJECTED": ("【延期申请未获批准】{title}", "Extension rejected: {title}"),
    "NOTIFY_INSTRUCTION": ("【批示】{title}", "Instruction: {title}"),
    "NOTIFY_INSTRUCTION_LINE": ("批示内容：{body}", "Instruction: {body}"),
    "NOTIFY_DEADLINE_LINE": ("完成时限：{deadline}", "Deadline: {deadline}"),
    "NOTIFY_REASON_LINE": ("事由：{reason}", "Reason: {reason}"),
    "NOTIFY_FOOTER": (
        "本消息由 govgraph 协同督办发给{unit}的联系人（事件编号 {event}）。",
        "Sent by govgraph to the contacts of {unit} (event {event}).",
    ),
    "LEVEL_REMINDER": ("提醒", "reminder"),
    "LEVEL_URGE": ("催办", "urge"),
    "LEVEL_WARNING_LETTER": ("预警函", "warning letter"),
    "LEVEL_INTERVIEW": ("约谈", "interview"),
    "LEVEL_PUBLIC_NOTICE": ("通报", "public notice"),
    "DIGEST_SUBJECT": ("【每日督办摘要】{unit} {day}", "Daily digest: {unit} {day}"),
    "DIGEST_INTRO": (
        "{unit}：截至 {day}，本单位及下级单位的督办事项如下。",
        "{unit}: the supervised work of the unit and the units below it, as of {day}.",
    ),
    "DIGEST_DUE_SOON": ("一、即将到期（{count} 项）", "Due soon ({count})"),
    "DIGEST_OVERDUE": ("二、已逾期（{count} 项）", "Overdue ({count})"),
    "DIGEST_ESCALATIONS": (
        "三、督办件（{count} 件未办结）",
        "Escalations addressed to the unit, not closed ({count})",
    ),
    "DIGEST_TASK_LINE": ("  · {title}（完成时限 {deadline}）", "  · {title} (deadline {deadline})"),
    "DIGEST_OVERDUE_LINE": (
        "  · {title}（完成时限 {deadline}，已逾期 {days} 天）",
        "  · {title} (deadline {deadline}, {days} days overdue)",
    ),
    "DIGEST_ESCALATION_LINE": (
        "  · {level}：{title}（{issued} 下发）",
        "  · {level}: {title} (issued {issued})",
    ),
    "DIGEST_RETURNED": (
        "四、被退回的报告（{count} 份待重新报送）",
        "Returned reports awaiting a new report ({count})",
    ),
    "DIGEST_RETURNED_LINE": (
        "  · {unit}：{title}（{reported} 报送，退回理由：{reason}）",
        "  · {unit}: {title} (reported {reported}; returned because: {reason})",
    ),
    "DIGEST_MORE": ("  …… 另有 {count} 项", "  … and {count} more"),
    "DIGEST_NONE": ("  无", "  none"),
    "CONTACT_NOT_FOUND": ("找不到该联系人", "no such contact"),
    "CONTACT_ADDRESS": (
        "联系方式无效：邮件须为邮箱地址，网关须为 1 到 320 个字符",
        "invalid address: an email address for EMAIL, 1 to 320 characters for HTTP_GATEWAY",
    ),
    "CONTACT_NAME": ("联系人姓名须为 1 到 100 个字符", "a contact's name is 1 to 100 characters"),
    "CONTACT_EVENT_TYPE": (
        "联系人不能订阅事件类型 {event_type}",
        "contacts cannot be told of event type {event_type}",
    ),
    "CONTACT_QUIET_HOURS": (
        "免打扰时段须为 HH:MM 格式，起止同时给出",
        "quiet hours are HH:MM, start and end both given",
    ),
    "CONTACT_FORBIDDEN": (
        "只有本单位或上级单位的协调员以上角色可以管理联系人",
        "only a COORDINATOR or above of the unit or a unit above it manages its contacts",
    ),
    "WEBHOOK_REPLAY_FORBIDDEN": (
        "只有系统管理员或订阅所属的共享方可以重发死信",
        "only an ADMIN or the subscription's partner replays dead letters",
    ),
    "WEBHOOK_DELIVERY_NOT_FOUND": ("找不到该投递记录", "no such webhook delivery"),
    "WEBHOOK_DELIVERY_NOT_DEAD": (
        "该投递不是死信（当前状态 {status}），无需重发",
        "the delivery is not dead (it is {status}); nothing to replay",
    ),
}

# Table and GraphQL type names -> their noun (NOT_FOUND "no such {noun}").
NOUNS = {
    "task": "NOUN_TASK",
    "Task": "NOUN_TASK",
    "org_unit": "NOUN_UNIT",
    "OrgUnit": "NOUN_UNIT",
    "unit": "NOUN_UNIT",
    "plan": "NOUN_PLAN",
    "Plan": "NOUN_PLAN",
    "document": "NOUN_DOCUMENT",
    "Document": "NOUN_DOCUMENT",
    "assignment": "NOUN_ASSIGNMENT",
    "Assignment": "NOUN_ASSIGNMENT",
    "progress_report": "NOUN_REPORT",
    "ProgressReport": "NOUN_REPORT",
    "rectification": "NOUN_RECTIFICATION",
    "Rectification": "NOUN_RECTIFICATION",
    "rectification_assignment": "NOUN_SHARE",
    "RectificationShare": "NOUN_SHARE",
    "finding": "NOUN_FINDING",
    "Finding": "NOUN_FINDING",
    "inspection": "NOUN_INSPECTION",
    "Inspection": "NOUN_INSPECTION",
    "escalation": "NOUN_ESCALATION",
    "Escalation": "NOUN_ESCALATION",
    "indicator": "NOUN_INDICATOR",
    "Indicator": "NOUN_INDICATOR",
    "target": "NOUN_TARGET",
    "Target": "NOUN_TARGET",
    "measurement": "NOUN_MEASUREMENT",
    "Measurement": "NOUN_MEASUREMENT",
    "monitoring_section": "NOUN_SECTION",
    "MonitoringSection": "NOUN_SECTION",
    "proposal": "NOUN_PROPOSAL",
    "Proposal": "NOUN_PROPOSAL",
    "plan_measure": "NOUN_MEASURE",
    "PlanMeasure": "NOUN_MEASURE",
    "score_rubric": "NOUN_RUBRIC",
    "ScoreRubric": "NOUN_RUBRIC",
    "extension_request": "NOUN_EXTENSION_REQUEST",
    "ExtensionRequest": "NOUN_EXTENSION_REQUEST",
}
