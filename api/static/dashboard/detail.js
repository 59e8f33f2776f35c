// 任务详情 (drill-down): a task's state as of the chosen day, its units, progress reports with
// evidence files (downloaded with the page's token), deadline changes and 督办, in a dialog.

import {
  ESCALATION_LEVEL,
  ESCALATION_STATUS,
  REPLY_KIND,
  TASK_STATUS,
  bytes,
  dateTime,
  h,
} from "./format.js";
import { statusBadge } from "./panels.js";

const REPORTS_PAGE = 10;

function section(title, testid, ...content) {
  return h("section", { class: "detail-section", dataset: { testid } }, h("h3", {}, title), ...content);
}

/**
 * Optional fields the API may add (report review, traffic lights, comments, extension
 * requests): rendered when the query asks for them, so adding a field to
 * queries/task-detail.graphql is all a new feature needs. Each entry: [field, label, format].
 */
export const OPTIONAL_TASK_FIELDS = [["signedAt", "签收时间", dateTime]];
export const OPTIONAL_REPORT_FIELDS = [["reviewedAt", "审核时间", dateTime]];

const HEALTH = { GREEN: "绿灯", YELLOW: "黄灯", RED: "红灯" };
const EXTENSION_STATUS = { PENDING: "待审批", APPROVED: "已批准", REJECTED: "未批准", WITHDRAWN: "已撤回" };
// NOT_REQUIRED (its plan does not review reports) shows nothing.
const REVIEW_STATE = { SUBMITTED: "待审核", ACCEPTED: "已通过", RETURNED: "退回" };

/** The task's light (亮灯) as of the day, a coloured badge; null before it had a lead share. */
function healthBadge(health) {
  if (!health) return null;
  return h("span", { class: `light h-${health}`, dataset: { testid: "detail-health", health } }, `亮灯：${HEALTH[health] || health}`);
}

function reviewBadge(r) {
  const label = REVIEW_STATE[r.reviewState];
  if (!label) return null;
  const reason = r.reviewReason ? `（${r.reviewState === "RETURNED" ? "退回原因" : "审核意见"}：${r.reviewReason}）` : "";
  const by = r.reviewerUnit ? ` · ${r.reviewerUnit.name}` : "";
  return h(
    "div",
    { class: "review", dataset: { testid: "report-review", state: r.reviewState } },
    h("span", { class: `status v-${r.reviewState}` }, label),
    h("span", { class: "hint" }, `${by}${reason}`),
  );
}

function optionalFields(object, fields) {
  const shown = fields.filter(([key]) => object[key] !== undefined && object[key] !== null);
  if (!shown.length) return null;
  return h(
    "dl",
    { class: "optional", dataset: { testid: "optional-fields" } },
    shown.flatMap(([key, label, format]) => [h("dt", {}, label), h("dd", { dataset: { field: key } }, format(object[key]))]),
  );
}

export class TaskDetail {
  /** run(variables) resolves to TaskDetail's data; save(file) downloads one evidence file. */
  constructor(dialog, run, save) {
    this.dialog = dialog;
    this.run = run;
    this.save = save;
    this.body = dialog.querySelector(".detail-body");
    dialog.querySelector(".detail-close").addEventListener("click", () => this.close());
    dialog.addEventListener("close", () => {
      delete document.body.dataset.detail;
    });
  }

  close() {
    if (this.dialog.open) this.dialog.close();
  }

  async open(taskId, { asOf, unit }) {
    this.variables = { id: taskId, asOf, unit, reportsFirst: REPORTS_PAGE, reportsAfter: null };
    this.dialog.dataset.state = "loading";
    this.body.replaceChildren(h("p", { class: "empty" }, "加载中…"));
    if (!this.dialog.open) this.dialog.showModal();
    try {
      const data = await this.run(this.variables);
      if (!data.task) throw new Error("任务不存在或不在当前令牌的可见范围内");
      this.render(data.task, asOf);
      this.dialog.dataset.state = "ready";
      this.dialog.dataset.taskId = taskId;
      document.body.dataset.detail = taskId;
    } catch (error) {
      this.dialog.dataset.state = "error";
      this.body.replaceChildren(h("p", { class: "empty error-text" }, `加载失败：${error.message}`));
    }
  }

  render(task, asOf) {
    this.dialog.querySelector(".detail-title").textContent = `${task.label} ${task.title}`;
    const today = task.status !== task.statusAsOf && task.statusAsOf ? `（今天：${TASK_STATUS[task.status]}）` : "";
    const parts = [
      h(
        "div",
        { class: "detail-head" },
        statusBadge(task),
        healthBadge(task.health),
        h("span", { class: "hint", dataset: { testid: "detail-as-of" } }, `统计日 ${asOf} · 进度 ${Math.round(task.progressAsOf || 0)}%${today}`),
        task.overdue ? h("span", { class: "days" }, "已逾期") : null,
      ),
      h(
        "dl",
        { class: "facts" },
        h("dt", {}, "完成时限"),
        h("dd", {}, task.deadline.text, task.originalDeadline.text !== task.deadline.text ? `（原定：${task.originalDeadline.text}）` : ""),
        h("dt", {}, "所属方案"),
        h("dd", {}, task.plan ? task.plan.title : "—"),
        h("dt", {}, "责任表述"),
        h("dd", {}, task.responsibilityText || "—"),
        task.description ? [h("dt", {}, "具体措施"), h("dd", { class: "pre" }, task.description)] : null,
      ),
      optionalFields(task, OPTIONAL_TASK_FIELDS),
      section(
        "责任单位",
        "detail-units",
        h(
          "table",
          { class: "table compact" },
          h("tbody", {}, task.assignments.map((a) =>
            h(
              "tr",
              {},
              h("td", {}, a.unit.name),
              h("td", {}, a.role === "LEAD" ? "牵头" : "配合"),
              h("td", {}, h("span", { class: `status s-${a.status}` }, TASK_STATUS[a.status])),
              h("td", { class: "num" }, `${Math.round(a.progress)}%`),
            ),
          )),
        ),
        h("p", { class: "hint" }, "各单位状态为当前状态；上方标签为统计日当天的任务状态。"),
      ),
      this.reportsSection(task.reports),
      section(
        "完成时限调整",
        "detail-deadlines",
        task.deadlineHistory.length
          ? h(
              "ol",
              { class: "timeline" },
              task.deadlineHistory.map((c) =>
                h(
                  "li",
                  { dataset: { testid: "deadline-change" } },
                  h("b", {}, `${c.previous.text} → ${c.deadline.text}`),
                  h("span", { class: "hint" }, ` ${dateTime(c.changedAt)}${c.changedByUnit ? ` · ${c.changedByUnit.name}` : ""}`),
                  c.reason ? h("div", {}, c.reason) : null,
                ),
              ),
            )
          : h("p", { class: "empty" }, "未调整过完成时限"),
      ),
      task.extensionRequests ? this.extensionsSection(task.extensionRequests) : null,
      section(
        "督办",
        "detail-escalations",
        task.escalations.length
          ? h(
              "ol",
              { class: "timeline" },
              task.escalations.map((e) =>
                h(
                  "li",
                  { dataset: { testid: "detail-escalation", status: e.status } },
                  h("b", {}, `${ESCALATION_LEVEL[e.level] || e.level} · ${ESCALATION_STATUS[e.status] || e.status}`),
                  h("span", { class: "hint" }, ` ${e.issuedOn} · ${e.issuedBy.name} → ${e.addressedTo.name}`),
                  e.reason ? h("div", {}, e.reason) : null,
                  e.replies.map((r) => h("div", { class: "hint" }, `${REPLY_KIND[r.kind] || r.kind}：${r.text}`)),
                ),
              ),
            )
          : h("p", { class: "empty" }, "无督办"),
      ),
    ];
    this.body.replaceChildren(...parts.filter((part) => part !== null));
  }

  extensionsSection(connection) {
    return section(
      `延期申请（${connection.totalCount}）`,
      "detail-extensions",
      connection.totalCount
        ? h(
            "ol",
            { class: "timeline" },
            connection.edges.map(({ node: e }) =>
              h(
                "li",
                { dataset: { testid: "detail-extension", status: e.status } },
                h("span", { class: `status x-${e.status}` }, EXTENSION_STATUS[e.status] || e.status),
                h("b", {}, ` 完成时限 ${e.currentDeadlineEnd || "—"} → ${e.requestedDeadlineEnd}`),
                h("span", { class: "hint" }, ` ${dateTime(e.requestedAt)} · ${e.requestedByUnit.name}${e.addressedTo ? ` → ${e.addressedTo.name}` : ""}`),
                h("div", {}, `理由：${e.reason}`),
                e.decidedAt
                  ? h(
                      "div",
                      { class: "hint" },
                      `${dateTime(e.decidedAt)}${e.decidedByUnit ? ` · ${e.decidedByUnit.name}` : ""}${e.decisionReason ? `：${e.decisionReason}` : ""}`,
                    )
                  : null,
              ),
            ),
          )
        : h("p", { class: "empty" }, "无延期申请"),
      connection.totalCount > connection.edges.length ? h("p", { class: "hint" }, `仅显示最近 ${connection.edges.length} 件`) : null,
    );
  }

  reportsSection(connection) {
    const list = h("ol", { class: "timeline", dataset: { testid: "detail-reports" } });
    const more = h("button", { type: "button", class: "ghost more", dataset: { testid: "reports-more" } }, "更多报告");
    const append = (page) => {
      list.append(...page.edges.map(({ node }) => this.report(node)));
      more.hidden = !page.pageInfo.hasNextPage;
      more.dataset.after = page.pageInfo.endCursor || "";
      more.textContent = `更多报告（已显示 ${list.children.length} / ${page.totalCount}）`;
    };
    more.addEventListener("click", async () => {
      more.disabled = true;
      try {
        const data = await this.run({ ...this.variables, reportsAfter: more.dataset.after });
        append(data.task.reports);
      } finally {
        more.disabled = false;
      }
    });
    append(connection);
    return section(
      `进展报告（${connection.totalCount}）`,
      "detail-reports-section",
      connection.totalCount ? list : h("p", { class: "empty" }, "尚无进展报告"),
      more,
    );
  }

  report(r) {
    return h(
      "li",
      { dataset: { testid: "detail-report", reportId: r.id } },
      h(
        "div",
        {},
        h("span", { class: `status s-${r.status}` }, TASK_STATUS[r.status] || r.status),
        h("b", {}, ` ${Math.round(r.percent)}%`),
        h("span", { class: "hint" }, ` ${dateTime(r.reportedAt)}${r.unit ? ` · ${r.unit.name}` : ""}${r.period ? ` · ${r.period}` : ""}`),
      ),
      r.narrative ? h("div", { class: "pre" }, r.narrative) : null,
      reviewBadge(r),
      optionalFields(r, OPTIONAL_REPORT_FIELDS),
      r.evidence.length
        ? h(
            "div",
            { class: "evidence" },
            "链接：",
            r.evidence.map((e) => h("a", { href: e.url, target: "_blank", rel: "noopener noreferrer" }, e.title || e.url)),
          )
        : null,
      r.files.length
        ? h(
            "ul",
            { class: "files" },
            r.files.map((file) =>
              h(
                "li",
                {},
                h(
                  "button",
                  {
                    type: "button",
                    class: "link",
                    dataset: { testid: "evidence-file", url: file.url },
                    onclick: () => this.save(file),
                  },
                  file.name,
                ),
                h("span", { class: "hint" }, ` ${bytes(file.size)} · ${file.contentType}${file.caption ? ` · ${file.caption}` : ""}`),
              ),
            ),
          )
        : null,
    );
  }
}
