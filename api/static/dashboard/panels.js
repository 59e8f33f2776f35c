// The dashboard's panels: each renders its part of the DashboardScreen result.

import {
  RECTIFICATION_STATES,
  RECTIFICATION_STATUS,
  TASK_STATUS,
  UNIT_KIND,
  daysBetween,
  h,
  number,
  percent,
  rectificationOverdueDays,
} from "./format.js";

function replace(id, ...nodes) {
  document.getElementById(id).replaceChildren(...nodes.filter((n) => n !== null && n !== undefined));
}

function empty(text) {
  return h("p", { class: "empty" }, text);
}

/** Rollup cards: total, completed, in progress, overdue, due soon, completion rate. */
export function renderCards(rollup) {
  const rated = rollup.total - rollup.ongoing;
  const cards = [
    ["total", "任务总数", number(rollup.total), `长期坚持 ${rollup.ongoing} 项`, ""],
    ["completed", "已完成", number(rollup.completed), `未启动 ${rollup.notStarted} 项`, "good"],
    ["inProgress", "推进中", number(rollup.inProgress), `加权进度 ${progressText(rollup)}`, "info"],
    ["overdue", "已逾期", number(rollup.overdue), "未完成且已过完成时限", rollup.overdue ? "bad" : ""],
    ["dueSoon", "临期（14天内）", number(rollup.dueSoon), "未完成，14 天内到期", rollup.dueSoon ? "warn" : ""],
    [
      "completionRate",
      "完成率",
      percent(rollup.completionRate),
      rated > 0 ? `${rollup.completed} / ${rated} 项（不含长期坚持）` : "无可考核任务",
      "accent",
    ],
  ];
  replace(
    "cards",
    ...cards.map(([metric, label, value, note, tone]) =>
      h(
        "div",
        { class: `card ${tone}`, dataset: { metric } },
        h("div", { class: "card-label" }, label),
        h("div", { class: "card-value", dataset: { testid: `metric-${metric}` } }, value),
        h("div", { class: "card-note" }, note),
      ),
    ),
  );
}

function progressText(rollup) {
  const value = rollup.weightedProgress;
  return value === null || value === undefined ? "—" : `${value.toFixed(1)}%`;
}

/** A stacked bar: completed / in progress / not started, with the overdue share marked. */
function stackedBar(rollup) {
  const total = rollup.total || 1;
  const part = (count, cls, title) =>
    count > 0
      ? h("span", { class: `seg ${cls}`, style: `width:${(count / total) * 100}%`, title })
      : null;
  return h(
    "div",
    { class: "bar", role: "img", "aria-label": `完成 ${rollup.completed}，推进中 ${rollup.inProgress}` },
    part(rollup.completed, "done", `已完成 ${rollup.completed}`),
    part(rollup.inProgress, "doing", `推进中 ${rollup.inProgress}`),
    part(rollup.notStarted, "todo", `未启动 ${rollup.notStarted}`),
  );
}

/** A task's badge as of the chosen day (statusAsOf: the state the cards count), "未下达"
 * when the task did not exist yet that day. */
export function statusBadge(task) {
  const status = task.statusAsOf;
  if (status === null || status === undefined) {
    return h("span", { class: "status s-NONE", dataset: { status: "NONE" } }, "当日未下达");
  }
  return h("span", { class: `status s-${status}`, dataset: { status } }, TASK_STATUS[status] || status);
}

function progressOf(task) {
  return task.progressAsOf === null || task.progressAsOf === undefined ? 0 : task.progressAsOf;
}

/** A "more" button under a list: onMore(after) resolves to the next page of the connection,
 * append(page) adds its rows. Hidden when the list is complete. */
export function pager(testid, onMore, append, label = "加载更多") {
  const more = h("button", { type: "button", class: "ghost more", dataset: { testid } }, label);
  const update = (page, shown) => {
    more.hidden = !page.pageInfo.hasNextPage;
    more.dataset.after = page.pageInfo.endCursor || "";
    more.textContent = `${label}（已显示 ${shown} / ${page.totalCount}）`;
  };
  more.addEventListener("click", async () => {
    more.disabled = true;
    try {
      const page = await onMore(more.dataset.after);
      update(page, append(page));
    } finally {
      more.disabled = false;
    }
  });
  return { more, update };
}

function ownTaskRow(task, asOf, onTask) {
  const overdue =
    task.statusAsOf && task.statusAsOf !== "COMPLETED" && task.deadline.end && daysBetween(task.deadline.end, asOf) > 0;
  const done = task.statusAsOf === "COMPLETED";
  return h(
    "tr",
    { dataset: { testid: "own-task-row", taskId: task.id, status: task.statusAsOf || "NONE" } },
    h("td", { class: "nowrap" }, h("span", { class: "tag" }, task.label)),
    h(
      "td",
      { class: "problem", title: task.title },
      h("button", { type: "button", class: "link task-link", dataset: { testid: "task-link" }, onclick: () => onTask(task.id) }, task.title),
    ),
    h("td", { class: `due ${overdue ? "bad-text" : ""}` }, task.deadline.text),
    h("td", {}, statusBadge(task)),
    h(
      "td",
      { class: "bar-cell small" },
      h("div", { class: "bar" }, h("span", { class: `seg ${done ? "done" : "doing"}`, style: `width:${progressOf(task)}%` })),
      h("span", { class: "rate" }, `${Math.round(progressOf(task))}%`),
    ),
  );
}

/** The unit's own LEAD tasks (for a unit whose children lead none), deadline first, with the
 * state as of the chosen day; "加载更多" fetches the next page (onMore(after): UnitTasksPage). */
function renderOwnTasks(tasks, asOf, { onMore, onTask }) {
  document.getElementById("children-title").textContent = "本单位牵头任务";
  document.getElementById("children-sub").textContent = `共 ${tasks.totalCount} 项，状态为统计日 ${asOf} 当天`;
  const body = h("tbody", {});
  const append = (page) => {
    body.append(...page.edges.map(({ node }) => ownTaskRow(node, asOf, onTask)));
    return body.children.length;
  };
  const { more, update } = pager("own-tasks-more", onMore, append);
  update(tasks, append(tasks));
  replace(
    "children",
    h(
      "div",
      { class: "scroll tall" },
      h(
        "table",
        { class: "table compact", dataset: { testid: "own-tasks-table" } },
        h(
          "thead",
          {},
          h("tr", {}, h("th", {}, "序号"), h("th", {}, "任务"), h("th", {}, "完成时限"), h("th", {}, "状态"), h("th", {}, "进度")),
        ),
        body,
      ),
    ),
    more,
  );
}

// 下级单位 in groups, in this order (towns and streets, districts, cities, departments);
// enterprises are never 下级单位: they are listed apart (辖区企业).
const KIND_GROUPS = [
  ["镇（街道）", ["TOWN"]],
  ["区县", ["DISTRICT"]],
  ["市", ["CITY"]],
  ["部门", ["DEPARTMENT"]],
];
const ENTERPRISE = "ENTERPRISE";

function groupOf(kind) {
  const index = KIND_GROUPS.findIndex(([, kinds]) => kinds.includes(kind));
  return index === -1 ? KIND_GROUPS.length : index;
}

function childRow(child, onSelect) {
  const r = child.taskRollup;
  return h(
    "tr",
    { dataset: { unitId: child.id, testid: "child-row", name: child.name } },
    h(
      "td",
      { class: "name", title: child.name },
      h(
        "button",
        { type: "button", class: "link", onclick: () => onSelect(child.id) },
        child.name,
      ),
      h("span", { class: "tag" }, UNIT_KIND[child.kind] || child.kind),
    ),
    h("td", { class: "num", dataset: { col: "total" } }, number(r.total)),
    h("td", { class: "num", dataset: { col: "completed" } }, number(r.completed)),
    h("td", { class: `num ${r.overdue ? "bad-text" : ""}`, dataset: { col: "overdue" } }, number(r.overdue)),
    h(
      "td",
      { class: "bar-cell" },
      stackedBar(r),
      h("span", { class: "rate", dataset: { col: "completionRate" } }, percent(r.completionRate)),
    ),
  );
}

function childTable(testid, rows) {
  return h(
    "table",
    { class: "table", dataset: { testid } },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", {}, "单位"),
        h("th", { class: "num" }, "任务"),
        h("th", { class: "num" }, "完成"),
        h("th", { class: "num" }, "逾期"),
        h("th", {}, "完成率"),
      ),
    ),
    h("tbody", {}, rows),
  );
}

function byUrgency(a, b) {
  return (
    b.taskRollup.overdue - a.taskRollup.overdue ||
    b.taskRollup.total - a.taskRollup.total ||
    a.name.localeCompare(b.name, "zh-CN")
  );
}

/** Child units (as of the chosen day) with their own rollups and completion bars, grouped by
 * kind (a click selects the unit); enterprises apart, never among 下级单位; a unit whose
 * children lead nothing shows its own tasks instead. */
export function renderChildren(children, ownTasks, asOf, onSelect, { onMoreTasks, onTask }) {
  const units = children.filter((c) => c.kind !== ENTERPRISE);
  const enterprises = children.filter((c) => c.kind === ENTERPRISE && c.taskRollup.total > 0);
  const withTasks = units.filter((c) => c.taskRollup.total > 0);
  const idle = units.length - withTasks.length;
  document.getElementById("children-title").textContent = "下级单位任务进展";
  document.getElementById("children-sub").textContent = units.length
    ? `${withTasks.length} 个单位牵头任务${idle ? `，另 ${idle} 个单位暂无` : ""}` +
      (enterprises.length ? `；辖区企业 ${enterprises.length} 家另列` : "")
    : "";
  if (!withTasks.length && !enterprises.length && ownTasks.totalCount) {
    renderOwnTasks(ownTasks, asOf, { onMore: onMoreTasks, onTask });
    return;
  }
  if (!withTasks.length && !enterprises.length) {
    replace("children", empty(units.length ? "下级单位暂无牵头任务" : "无下级单位，本单位无牵头任务"));
    return;
  }
  withTasks.sort((a, b) => groupOf(a.kind) - groupOf(b.kind) || byUrgency(a, b));
  const rows = [];
  let group = null;
  for (const child of withTasks) {
    const index = groupOf(child.kind);
    if (index !== group) {
      group = index;
      const title = index < KIND_GROUPS.length ? KIND_GROUPS[index][0] : "其他";
      const count = withTasks.filter((c) => groupOf(c.kind) === index).length;
      rows.push(
        h(
          "tr",
          { class: "group", dataset: { testid: "child-group", group: title } },
          h("th", { colspan: "5" }, `${title}（${count}）`),
        ),
      );
    }
    rows.push(childRow(child, onSelect));
  }
  enterprises.sort(byUrgency);
  const enterpriseRows = enterprises.map((child) => {
    const row = childRow(child, onSelect);
    row.dataset.testid = "enterprise-row";
    return row;
  });
  replace(
    "children",
    withTasks.length
      ? h("div", { class: "scroll tall" }, childTable("children-table", rows))
      : empty("下级单位暂无牵头任务"),
    enterprises.length
      ? h(
          "details",
          { class: "enterprises", dataset: { testid: "enterprises" } },
          h("summary", {}, `辖区企业（${enterprises.length} 家，牵头任务按企业计，不计入下级单位）`),
          h("div", { class: "scroll" }, childTable("enterprises-table", enterpriseRows)),
        )
      : null,
  );
}

function overdueRow(task, asOf, onSelect, onTask) {
  const days = task.deadline.end ? daysBetween(task.deadline.end, asOf) : null;
  return h(
    "li",
    { class: "item", dataset: { testid: "overdue-item", taskId: task.id } },
    h(
      "div",
      { class: "item-head" },
      h("span", { class: "days", dataset: { days: String(days) } }, days === null ? "逾期" : `逾期 ${days} 天`),
      h("span", { class: "tag" }, task.label),
      h("span", { class: "deadline" }, `时限：${task.deadline.text}`),
      statusBadge(task),
    ),
    h(
      "div",
      { class: "item-title", title: task.title },
      h("button", { type: "button", class: "link task-link", dataset: { testid: "task-link" }, onclick: () => onTask(task.id) }, task.title),
    ),
    h(
      "div",
      { class: "item-units" },
      "牵头：",
      task.leadUnits.flatMap((unit, i) => [
        i ? "、" : null,
        h("button", { type: "button", class: "link", onclick: () => onSelect(unit.id) }, unit.name),
      ]),
    ),
  );
}

/** The overdue list (deadline ascending) with a "more" button that pages with `after`. */
export function renderOverdue(connection, _rollup, asOf, { onSelect, onMore, onTask }) {
  // The list and the card judge alike: by this unit's own shares (OrgUnit.tasks overdueAsOf
  // = taskRollup.overdue), so a task whose shares here are done leaves both at once.
  document.getElementById("overdue-sub").textContent =
    `共 ${connection.totalCount} 项（按本单位负责部分计），按完成时限排序`;
  document.getElementById("overdue").dataset.total = String(connection.totalCount);
  if (!connection.totalCount) {
    replace("overdue", empty("截至统计日无逾期任务"));
    return;
  }
  const list = h("ol", { class: "list", dataset: { testid: "overdue-list" } });
  const append = (page) => {
    list.append(...page.edges.map((edge) => overdueRow(edge.node, asOf, onSelect, onTask)));
    return list.children.length;
  };
  const { more, update } = pager("overdue-more", onMore, append);
  update(connection, append(connection));
  replace("overdue", h("div", { class: "scroll tall" }, list), more);
}

function rectificationRow(item, asOf) {
  // The state on the chosen day (statusAsOf), as the counts above; "当日未立项" before the item.
  const status = item.statusAsOf || null;
  const days = status ? rectificationOverdueDays({ ...item, status }, asOf) : 0;
  const units = item.responsibleUnits.map((u) => u.name);
  return h(
    "tr",
    { dataset: { testid: "rect-row", status: status || "NONE" } },
    h("td", { class: "num" }, item.seq),
    h("td", { class: "problem", title: item.problem }, item.problem),
    h(
      "td",
      { class: "units", title: units.join("、") },
      units.length > 2 ? `${units.slice(0, 2).join("、")} 等 ${units.length} 个` : units.join("、"),
    ),
    h(
      "td",
      { class: "due" },
      h("div", {}, item.deadline.text),
      days > 0 ? h("span", { class: "days small" }, `逾期 ${days} 天`) : null,
    ),
    h(
      "td",
      {},
      status
        ? h("span", { class: `status r-${status}` }, RECTIFICATION_STATUS[status])
        : h("span", { class: "status s-NONE" }, "当日未立项"),
    ),
  );
}

/** Rectification items by workflow state: counts along the workflow (as of the chosen day),
 * then the items (their latest state), page by page (onMore(after): RectificationsPage). */
export function renderRectifications(rollup, connection, asOf, today, { onMore }) {
  document.getElementById("rect-sub").textContent =
    `共 ${rollup.total} 项 · 完成率 ${percent(rollup.completionRate)}` +
    (asOf === today ? "" : `（统计截至 ${asOf}，列表状态同）`);
  replace(
    "rect-states",
    ...RECTIFICATION_STATES.map(([status, field, label]) =>
      h(
        "div",
        { class: `state st-${status}`, dataset: { state: status, testid: `rect-${field}` } },
        h("b", {}, number(rollup[field])),
        h("span", {}, label),
      ),
    ),
    h(
      "div",
      { class: `state st-OVERDUE ${rollup.overdue ? "alert" : ""}`, dataset: { state: "OVERDUE", testid: "rect-overdue" } },
      h("b", {}, number(rollup.overdue)),
      h("span", {}, "逾期"),
    ),
  );
  document.getElementById("rectifications").dataset.total = String(connection.totalCount);
  if (!connection.totalCount) {
    replace("rectifications", empty("本单位及下级单位无整改事项"));
    return;
  }
  const body = h("tbody", {});
  const append = (page) => {
    body.append(...page.edges.map((edge) => rectificationRow(edge.node, asOf)));
    return body.children.length;
  };
  const { more, update } = pager("rect-more", onMore, append);
  update(connection, append(connection));
  replace(
    "rectifications",
    h(
      "div",
      { class: "scroll" },
      h(
        "table",
        { class: "table compact" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { class: "num" }, "序号"),
            h("th", {}, "问题"),
            h("th", {}, "责任单位"),
            h("th", {}, "整改期限"),
            h("th", {}, "状态"),
          ),
        ),
        body,
      ),
    ),
    more,
  );
}

/** Breadcrumbs: ancestors (clickable) and the unit. */
export function renderCrumbs(unit, onSelect) {
  replace(
    "crumbs",
    ...unit.ancestors.flatMap((a) => [
      h("button", { type: "button", class: "crumb", onclick: () => onSelect(a.id) }, a.name),
      h("span", { class: "sep", "aria-hidden": "true" }, "›"),
    ]),
    h("span", { class: "crumb current", dataset: { testid: "current-unit" } }, unit.name),
  );
}
