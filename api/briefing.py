"""通报 for a meeting: a unit's tree with its rollups, rankings, overdue items by unit and the
督办 on them, as of a date — as an .xlsx workbook and as a printable HTML page (issue 19).

The numbers are the API's own: everything comes from GraphQL operations (BRIEFING, RANKING)
executed through the schema with the caller's context (scope, disclosure, row-level
security), so an export and a dashboard asking the same question on the same date cannot
disagree (tests/api/test_briefing.py compares them). The overdue list is paged through
`tasks(filter: {overdueAsOf})` up to MAX_OVERDUE items; the workbook says when there were
more. Words are the dashboard's (未启动 / 推进中 / 已完成; models/rules/ledger.py).
"""

from __future__ import annotations

import html
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from models.enums import OrgUnitKind, TaskStatus
from models.rules.ledger import STATUS_TEXT
from models.rules.task_state import days_overdue

MAX_OVERDUE = 1_000  # overdue tasks listed (pages of PAGE)
PAGE = 100

ROLLUP = (
    "total completed inProgress notStarted overdue dueSoon ongoing completionRate weightedProgress"
)
RECTIFICATIONS = "total notStarted inProgress completed verified closed reopened overdue dueSoon"

BRIEFING = f"""
query Briefing($unit: ID!, $asOf: Date!, $year: Int!) {{
  orgUnit(id: $unit) {{
    id name kind
    taskRollup(asOf: $asOf) {{ {ROLLUP} }}
    rectificationRollup(asOf: $asOf) {{ {RECTIFICATIONS} }}
    children(asOf: $asOf) {{
      id name kind
      taskRollup(asOf: $asOf) {{ {ROLLUP} }}
      rectificationRollup(asOf: $asOf) {{ {RECTIFICATIONS} }}
    }}
    targets(year: $year) {{ indicator {{ code name unit }} }}
  }}
}}
"""

OVERDUE = """
query BriefingOverdue($unit: ID!, $asOf: Date!, $first: Int!, $after: String) {
  orgUnit(id: $unit) {
    tasks(includeDescendants: true, filter: {overdueAsOf: $asOf}, orderBy: [DEADLINE_ASC],
          first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node {
        label title deadline { end text }
        statusAsOf(asOf: $asOf, unit: $unit) progressAsOf(asOf: $asOf, unit: $unit)
        leadUnits { name }
        escalations { level issuedOn reason statusAsOf(asOf: $asOf) issuedBy { name }
                      addressedTo { name } }
      } }
    }
  }
}
"""

RANKING = """
query BriefingRanking($indicator: String!, $year: Int!, $kind: RankingKind!, $within: ID!,
                      $by: RankingBasis!) {
  rankings(indicator: $indicator, year: $year, kind: $kind, within: $within, by: $by,
           first: 100) {
    rank value baseline change changeRate unit { name }
  }
}
"""

ROLLUP_HEADINGS = [
    ("total", "任务总数"),
    ("completed", "已完成"),
    ("inProgress", "推进中"),
    ("notStarted", "未启动"),
    ("overdue", "逾期"),
    ("dueSoon", "临期"),
    ("ongoing", "长期坚持"),
    ("completionRate", "完成率"),
    ("weightedProgress", "加权进度"),
]
RECTIFICATION_HEADINGS = [
    ("total", "整改事项"),
    ("closed", "已销号"),
    ("overdue", "整改逾期"),
]
KIND_GROUPS = [
    ("镇（街道）", {OrgUnitKind.TOWN.value}),
    ("区县", {OrgUnitKind.DISTRICT.value}),
    ("部门", {OrgUnitKind.DEPARTMENT.value}),
    ("企业", {OrgUnitKind.ENTERPRISE.value}),
]
LEVEL_WORDS = {
    "REMINDER": "提醒",
    "URGE": "催办",
    "WARNING_LETTER": "预警函",
    "INTERVIEW": "约谈",
    "PUBLIC_NOTICE": "通报",
}
RANK_BY = [("VALUE", "按数值"), ("IMPROVEMENT", "按改善")]


class BriefingError(Exception):
    """The operation's errors (a unit the viewer cannot see, a bad date): status, message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


@dataclass
class Briefing:
    """What one 通报 shows, as the API answered it."""

    as_of: date
    unit: dict[str, Any]
    overdue: list[dict[str, Any]] = field(default_factory=list)
    overdue_total: int = 0
    rankings: list[tuple[dict[str, Any], str, list[dict[str, Any]]]] = field(default_factory=list)

    def children_by_group(self) -> list[tuple[str, list[dict[str, Any]]]]:
        """The units under this one, grouped (towns, districts, departments, enterprises)."""
        groups = []
        children = self.unit["children"]
        for title, kinds in KIND_GROUPS:
            members = [c for c in children if c["kind"] in kinds]
            if members:
                groups.append((title, members))
        known = set().union(*(kinds for _, kinds in KIND_GROUPS))
        rest = [c for c in children if c["kind"] not in known]
        if rest:
            groups.append(("其他", rest))
        return groups

    def overdue_by_unit(self) -> list[tuple[str, list[dict[str, Any]]]]:
        """Overdue tasks under their (first) lead unit's name, units by count, then name."""
        by_unit: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for task in self.overdue:
            leads = [u["name"] for u in task["leadUnits"]] or ["（未分配）"]
            by_unit[leads[0]].append(task)
        return sorted(by_unit.items(), key=lambda item: (-len(item[1]), item[0]))

    def escalations(self) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """(task, escalation) for every 督办 on the overdue tasks, newest first."""
        pairs = [(t, e) for t in self.overdue for e in issued(t)]
        return sorted(pairs, key=lambda pair: pair[1]["issuedOn"], reverse=True)


def issued(task: dict[str, Any]) -> list[dict[str, Any]]:
    """A task's escalations issued by the briefing's day (statusAsOf null: not yet)."""
    return [e for e in task["escalations"] if e["statusAsOf"] is not None]


async def gather(execute: Any, unit_id: str, as_of: date) -> Briefing:
    """The briefing of `unit_id` as of `as_of`; `execute(query, variables)` runs an operation
    with the caller's context and returns its data (raising BriefingError on errors)."""
    data = await execute(BRIEFING, {"unit": unit_id, "asOf": as_of.isoformat(), "year": as_of.year})
    unit = data["orgUnit"]
    if unit is None:
        raise BriefingError(404, "no such unit")
    briefing = Briefing(as_of=as_of, unit=unit)
    after = None
    while len(briefing.overdue) < MAX_OVERDUE:
        page = await execute(
            OVERDUE,
            {"unit": unit_id, "asOf": as_of.isoformat(), "first": PAGE, "after": after},
        )
        tasks = page["orgUnit"]["tasks"]
        briefing.overdue_total = tasks["totalCount"]
        briefing.overdue += [edge["node"] for edge in tasks["edges"]]
        if not tasks["pageInfo"]["hasNextPage"]:
            break
        after = tasks["pageInfo"]["endCursor"]
    briefing.overdue = briefing.overdue[:MAX_OVERDUE]
    kind = _ranked_kind(unit["kind"])
    if kind is not None:
        indicators = {t["indicator"]["code"]: t["indicator"] for t in unit["targets"]}
        for code in sorted(indicators):
            for basis, _ in RANK_BY:
                entries = await execute(
                    RANKING,
                    {
                        "indicator": code,
                        "year": as_of.year,
                        "kind": kind,
                        "within": unit_id,
                        "by": basis,
                    },
                )
                if entries["rankings"]:
                    briefing.rankings.append((indicators[code], basis, entries["rankings"]))
    return briefing


def _ranked_kind(kind: str) -> str | None:
    """Whom a unit's 通报 ranks: a district its towns, a city or province its districts."""
    if kind == OrgUnitKind.DISTRICT.value:
        return "TOWN"
    if kind in {OrgUnitKind.CITY.value, OrgUnitKind.PROVINCE.value}:
        return "DISTRICT"
    return None


# -- shared cell values -----------------------------------------------------------------------
def rate(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def progress(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}%"


def rollup_cells(rollup: dict[str, Any]) -> list[Any]:
    shown = {"completionRate": rate, "weightedProgress": progress}
    return [shown[key](rollup[key]) if key in shown else rollup[key] for key, _ in ROLLUP_HEADINGS]


def rectification_cells(rollup: dict[str, Any]) -> list[Any]:
    return [rollup[key] for key, _ in RECTIFICATION_HEADINGS]


def status_word(status: str) -> str:
    return STATUS_TEXT.get(TaskStatus(status), status)


def overdue_row(task: dict[str, Any], as_of: date) -> list[Any]:
    end = task["deadline"]["end"]
    days = days_overdue(date.fromisoformat(end), as_of) if end else None
    leads = "、".join(u["name"] for u in task["leadUnits"])
    latest = max(issued(task), key=lambda e: e["issuedOn"], default=None)
    last = (
        f"{LEVEL_WORDS.get(latest['level'], latest['level'])} {latest['issuedOn']}"
        if latest
        else ""
    )
    return [
        task["label"],
        task["title"],
        leads,
        task["deadline"]["text"],
        days,
        # As of the day and in the unit's scope, as the list is judged (Task.statusAsOf):
        # the state the 逾期 count and the dashboard's overdue list show for that day.
        status_word(task["statusAsOf"]) if task["statusAsOf"] else "",
        progress(task["progressAsOf"]),
        last,
    ]


OVERDUE_HEADINGS = ["编号", "任务", "牵头单位", "完成时限", "逾期天数", "状态", "进度", "最近督办"]
ESCALATION_HEADINGS = ["日期", "级别", "事项", "督办单位", "被督办单位", "事由", "办理状态"]
# The 督办 panel's words (api/static/dashboard/format.js ESCALATION_STATUS).
ESCALATION_STATUS_WORDS = {
    "ISSUED": "待签收",
    "ACKNOWLEDGED": "已签收",
    "REPLIED": "已回复",
    "CLOSED": "已办结",
}


def escalation_row(task: dict[str, Any], escalation: dict[str, Any]) -> list[Any]:
    return [
        escalation["issuedOn"],
        LEVEL_WORDS.get(escalation["level"], escalation["level"]),
        f"{task['label']} {task['title']}",
        escalation["issuedBy"]["name"],
        escalation["addressedTo"]["name"],
        escalation["reason"] or "",
        ESCALATION_STATUS_WORDS.get(escalation["statusAsOf"], escalation["statusAsOf"]),
    ]


def ranking_row(entry: dict[str, Any]) -> list[Any]:
    return [
        entry["rank"],
        entry["unit"]["name"],
        entry["value"],
        entry["baseline"],
        entry["change"],
        rate(entry["changeRate"]),
    ]


RANKING_HEADINGS = ["名次", "单位", "数值", "基数", "变化", "变化率"]


def title(briefing: Briefing) -> str:
    return f"{briefing.unit['name']}工作通报（截至{briefing.as_of:%Y年%m月%d日}）"


# -- xlsx -----------------------------------------------------------------------------------------
def write_xlsx(briefing: Briefing, out: IO[bytes]) -> None:
    """The workbook: 总览, 下级单位, 逾期事项, 督办, 排名."""
    book = Workbook(write_only=True)
    bold = Font(bold=True)

    def sheet(name: str, heading: str) -> WriteOnlyWorksheet:
        ws: WriteOnlyWorksheet = book.create_sheet(name)
        cell = WriteOnlyCell(ws, value=heading)
        cell.font = bold
        ws.append([cell])
        return ws

    def header(ws: WriteOnlyWorksheet, names: list[str]) -> None:
        cells = []
        for name in names:
            cell = WriteOnlyCell(ws, value=name)
            cell.font = bold
            cells.append(cell)
        ws.append(cells)

    unit = briefing.unit
    ws = sheet("总览", title(briefing))
    header(ws, ["单位", *(h for _, h in ROLLUP_HEADINGS), *(h for _, h in RECTIFICATION_HEADINGS)])
    ws.append(
        [
            unit["name"],
            *rollup_cells(unit["taskRollup"]),
            *rectification_cells(unit["rectificationRollup"]),
        ]
    )

    ws = sheet("下级单位", f"{unit['name']}下级单位（截至{briefing.as_of.isoformat()}）")
    header(
        ws,
        ["类别", "单位", *(h for _, h in ROLLUP_HEADINGS), *(h for _, h in RECTIFICATION_HEADINGS)],
    )
    for group, members in briefing.children_by_group():
        for child in members:
            ws.append(
                [
                    group,
                    child["name"],
                    *rollup_cells(child["taskRollup"]),
                    *rectification_cells(child["rectificationRollup"]),
                ]
            )

    ws = sheet("逾期事项", f"逾期事项 {briefing.overdue_total} 项（按牵头单位）")
    header(ws, ["牵头单位", *OVERDUE_HEADINGS])
    for lead, tasks in briefing.overdue_by_unit():
        for task in tasks:
            ws.append([lead, *overdue_row(task, briefing.as_of)])
    if briefing.overdue_total > len(briefing.overdue):
        ws.append([f"仅列出前 {len(briefing.overdue)} 项，共 {briefing.overdue_total} 项"])

    ws = sheet("督办", "逾期事项的督办记录")
    header(ws, ESCALATION_HEADINGS)
    for task, escalation in briefing.escalations():
        ws.append(escalation_row(task, escalation))

    ws = sheet("排名", f"{briefing.as_of.year}年排名")
    for indicator, basis, entries in briefing.rankings:
        words = dict(RANK_BY)[basis]
        unit_text = f"（{indicator['unit']}）" if indicator["unit"] else ""
        ws.append([f"{indicator['name']}{unit_text} {words}"])
        header(ws, RANKING_HEADINGS)
        for entry in entries:
            ws.append(ranking_row(entry))
        ws.append([])
    book.save(out)


# -- printable HTML ------------------------------------------------------------------------------
STYLE = """
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 2em; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0; font-size: 0.9em; }
th, td { border: 1px solid #999; padding: 0.25em 0.5em; text-align: left; }
th { background: #eee; } td.n { text-align: right; }
@media print { body { margin: 0; } h2 { break-after: avoid; } tr { break-inside: avoid; } }
"""


def _table(headings: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headings)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="n">{value}</td>'
            if isinstance(value, int | float) and not isinstance(value, bool)
            else f"<td>{html.escape('' if value is None else str(value))}</td>"
            for value in row
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(briefing: Briefing) -> str:
    """The same content as the workbook, one page to print (or save as PDF from the browser)."""
    unit = briefing.unit
    rollup_heads = [h for _, h in ROLLUP_HEADINGS] + [h for _, h in RECTIFICATION_HEADINGS]
    parts = [
        f"<h1>{html.escape(title(briefing))}</h1>",
        "<h2>总览</h2>",
        _table(
            ["单位", *rollup_heads],
            [
                [
                    unit["name"],
                    *rollup_cells(unit["taskRollup"]),
                    *rectification_cells(unit["rectificationRollup"]),
                ]
            ],
        ),
    ]
    for group, members in briefing.children_by_group():
        parts.append(f"<h2>下级单位：{html.escape(group)}</h2>")
        parts.append(
            _table(
                ["单位", *rollup_heads],
                [
                    [
                        c["name"],
                        *rollup_cells(c["taskRollup"]),
                        *rectification_cells(c["rectificationRollup"]),
                    ]
                    for c in members
                ],
            )
        )
    parts.append(f"<h2>逾期事项（{briefing.overdue_total} 项）</h2>")
    for lead, tasks in briefing.overdue_by_unit():
        parts.append(f"<h3>{html.escape(lead)}（{len(tasks)} 项）</h3>")
        parts.append(_table(OVERDUE_HEADINGS, [overdue_row(t, briefing.as_of) for t in tasks]))
    if briefing.overdue_total > len(briefing.overdue):
        parts.append(
            f"<p>仅列出前 {len(briefing.overdue)} 项，共 {briefing.overdue_total} 项。</p>"
        )
    escalations = briefing.escalations()
    if escalations:
        parts.append("<h2>督办</h2>")
        parts.append(_table(ESCALATION_HEADINGS, [escalation_row(t, e) for t, e in escalations]))
    for indicator, basis, entries in briefing.rankings:
        words = dict(RANK_BY)[basis]
        parts.append(f"<h2>排名：{html.escape(indicator['name'])} {words}</h2>")
        parts.append(_table(RANKING_HEADINGS, [ranking_row(e) for e in entries]))
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{html.escape(title(briefing))}</title><style>{STYLE}</style></head>"
        f"<body>{''.join(parts)}</body></html>"
    )
