"""The benchmark's operations, as each peer is asked them.

Q1 dashboard: a district, its rollup, its children with their rollups, and its 20 most
overdue tasks with their lead units. Q2 task list page: 100 tasks of a district's subtree by
deadline with lead and cooperating units and the latest report. Q3 the province's rollup
over its whole subtree. Q4 large nested read: 50 towns of a city with 50 tasks each.
Q3past: Q3 as of a past date (every peer reads the history then). W: a reportProgress.

`govgraph` is our GraphQL API, `postgraphile` the same questions over PostGraphile's
generated schema plus the computed columns of bench/postgraphile/functions.sql, and `floor`
the name of a hand-written SQL statement of bench/floor.py.
"""

from __future__ import annotations

ROLLUP = (
    "total completed inProgress notStarted overdue dueSoon ongoing completionRate weightedProgress"
)

GOVGRAPH = {
    "Q1": """query Q1($unit: ID!, $today: Date!) { orgUnit(id: $unit) {
  id name taskRollup { ROLLUP_FIELDS }
  children { id name kind taskRollup { ROLLUP_FIELDS } }
  tasks(includeDescendants: true, filter: {overdueAsOf: $today}, orderBy: [DEADLINE_ASC],
        first: 20) {
    totalCount
    edges { node { id code title status progress deadline { end text } leadUnits { id name } } }
  } } }""".replace("ROLLUP_FIELDS", ROLLUP),
    "Q2": """query Q2($unit: ID!) { orgUnit(id: $unit) {
  tasks(includeDescendants: true, orderBy: [DEADLINE_ASC], first: 100) {
    totalCount
    edges { node { id code seq category title status progress deadline { kind end text }
      leadUnits { id name } cooperatingUnits { id name }
      reports(first: 1) { edges { node { reportedAt percent status narrative } } } } }
  } } }""",
    "Q3": """query Q3($unit: ID!) {
  orgUnit(id: $unit) { id name taskRollup { ROLLUP_FIELDS } } }""".replace("ROLLUP_FIELDS", ROLLUP),
    # Q3 as of a past date: from the history (both peers too: never the maintained buckets).
    "Q3past": """query Q3past($unit: ID!, $asOf: Date!) {
  orgUnit(id: $unit) { id name taskRollup(asOf: $asOf) { ROLLUP_FIELDS } } }""".replace(
        "ROLLUP_FIELDS", ROLLUP
    ),
    "Q4": """query Q4($unit: ID!) {
  orgUnits(first: 50, filter: {kind: [TOWN], ancestor: $unit}) { edges { node {
    id name tasks(first: 50) { totalCount
      edges { node { id code title status progress deadline { end } } } } } } } }""",
    "W": """mutation W($input: ReportProgressInput!) { reportProgress(input: $input) {
  report { id percent status } errors { code message } } }""",
}

PG_ROLLUP = (
    "total completed inProgress notStarted overdue dueSoon ongoing completionRate weightedProgress"
)

POSTGRAPHILE = {
    "Q1": """query Q1($unit: UUID!, $today: Date!) { orgUnitByRowId(rowId: $unit) {
  rowId name taskRollup(asOf: $today) { ROLLUP_FIELDS }
  orgUnitsByParentId(orderBy: [SORT_ORDER_ASC, CODE_ASC]) { nodes {
    rowId name kind taskRollup(asOf: $today) { ROLLUP_FIELDS } } }
  overdueTasks(asOf: $today, first: 20) { totalCount nodes {
    rowId code title status progress deadlineEnd deadlineText
    assignmentsByTaskId(condition: {role: "LEAD"}) { nodes {
      orgUnitByOrgUnitId { rowId name } } } } } } }""".replace("ROLLUP_FIELDS", PG_ROLLUP),
    "Q2": """query Q2($unit: UUID!, $viewer: UUID) { orgUnitByRowId(rowId: $unit) {
  subtreeTasks(first: 100) { totalCount nodes {
    rowId code seq category title status progress deadlineKind deadlineEnd deadlineText
    leads: assignmentsByTaskId(condition: {role: "LEAD"}) { nodes {
      orgUnitByOrgUnitId { rowId name } } }
    cooperating: assignmentsByTaskId(condition: {role: "COOPERATING"}) { nodes {
      orgUnitByOrgUnitId { rowId name } } }
    latestReport(within: $viewer) { reportedAt percent status narrative } } } } }""",
    "Q3": """query Q3($unit: UUID!, $today: Date!) { orgUnitByRowId(rowId: $unit) {
  rowId name taskRollup(asOf: $today) { ROLLUP_FIELDS } } }""".replace("ROLLUP_FIELDS", PG_ROLLUP),
    "Q4": """query Q4($unit: UUID!) { orgUnitByRowId(rowId: $unit) {
  descendants(ofKind: "TOWN", first: 50) { nodes { rowId name
    ledTasks(first: 50) { totalCount nodes { rowId code title status progress deadlineEnd } }
  } } } }""",
    "W": """mutation W($a: UUID!, $p: Float!, $n: String!) {
  reportProgress(input: {assignmentId: $a, percent: $p, narrative: $n}) {
    result { rowId percent status } } }""",
}

QUERIES = ("Q1", "Q2", "Q3", "Q4")
