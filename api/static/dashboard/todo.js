// 待办: what waits for the viewer's unit to decide — submitted progress reports it reviews
// (通过 / 退回) and extension requests addressed to it (批准 / 不予批准). The server decides who
// may act; its error message is shown under the item.

import { dateTime, h, TASK_STATUS } from "./format.js";
import { pager } from "./panels.js";

const PAGE = 20;
const EXTENSION_STATUS = { PENDING: "待审批", APPROVED: "已批准", REJECTED: "未批准", WITHDRAWN: "已撤回" };
export const REVIEW_STATE = { NOT_REQUIRED: "无需审核", SUBMITTED: "待审核", ACCEPTED: "已通过", RETURNED: "退回" };
export { EXTENSION_STATUS };

export class TodoPanel {
  /** run(name, variables) runs one of the dashboard's operations and resolves to its data. */
  constructor(root, run, onTask) {
    this.root = root;
    this.run = run;
    this.onTask = onTask;
    this.me = null;
    this.seq = 0;
    this.body = root.querySelector(".todo-body");
    this.sub = root.querySelector(".sub");
  }

  variables() {
    return { reportsFirst: PAGE, reportsAfter: null, extensionsFirst: PAGE, extensionsAfter: null };
  }

  show(me) {
    this.me = me;
    return this.load();
  }

  async load() {
    const seq = ++this.seq;
    if (!this.me || !this.me.unit) {
      this.sub.textContent = "";
      this.root.dataset.total = "0";
      this.body.replaceChildren(h("p", { class: "empty" }, "当前令牌不属于任何单位：待办按令牌所属单位列出，请使用单位令牌。"));
      return;
    }
    this.root.dataset.loading = "true";
    try {
      const data = await this.run("todo", this.variables());
      if (seq !== this.seq) return;
      this.render(data);
    } catch (error) {
      if (seq === this.seq) this.body.replaceChildren(h("p", { class: "empty" }, `待办加载失败：${error.message}`));
    } finally {
      if (seq === this.seq) this.root.dataset.loading = "false";
    }
  }

  render(data) {
    const reports = data.reportsToReview;
    const extensions = data.extensionRequests;
    this.root.dataset.reports = String(reports.totalCount);
    this.root.dataset.extensions = String(extensions.totalCount);
    this.root.dataset.total = String(reports.totalCount + extensions.totalCount);
    this.sub.textContent = `${this.me.unit.name}：待审核报告 ${reports.totalCount} 份，待审批延期 ${extensions.totalCount} 件（当前状态）`;
    // Each list pages by its own cursor (显示更多): the same Todo operation, the other list
    // asked for no rows.
    const paged = (page, key, testid, item, empty) => {
      if (!page.totalCount) return [h("p", { class: "empty" }, empty)];
      const list = h("ol", { class: "list", dataset: { testid } }, page.edges.map(({ node }) => item(node)));
      const append = (next) => {
        list.append(...next.edges.map(({ node }) => item(node)));
        return list.children.length;
      };
      const onMore = async (after) => {
        const variables = key === "reportsToReview"
          ? { ...this.variables(), reportsAfter: after, extensionsFirst: 0 }
          : { ...this.variables(), extensionsAfter: after, reportsFirst: 0 };
        return (await this.run("todo", variables))[key];
      };
      const { more, update } = pager(`${testid}-more`, onMore, append, "显示更多");
      update(page, list.children.length);
      return [list, more];
    };
    this.body.replaceChildren(
      h("h3", {}, "待审核的进展报告"),
      ...paged(reports, "reportsToReview", "todo-reports", (node) => this.reportItem(node), "没有待审核的进展报告"),
      h("h3", {}, "待审批的延期申请"),
      ...paged(extensions, "extensionRequests", "todo-extensions", (node) => this.extensionItem(node), "没有待审批的延期申请"),
    );
  }

  /** The task a report or request is about, as a link opening its drill-down. */
  taskLink(task) {
    if (!task) return null;
    return h(
      "div",
      { class: "item-title", title: task.title },
      `${task.label} `,
      h("button", { type: "button", class: "link task-link", dataset: { testid: "task-link" }, onclick: () => this.onTask(task.id) }, task.title),
    );
  }

  /** Buttons for a decision; the second asks for a reason first. */
  decide(name, variables, [okLabel, okValue], [noLabel, noValue], testid) {
    const actions = h("div", { class: "actions" });
    const form = h("div", { class: "inbox-form" });
    const message = h("p", { class: "hint error-text", "aria-live": "polite", dataset: { testid: "todo-error" } });
    const act = async (decision, reason) => {
      message.textContent = "";
      for (const button of form.parentNode.querySelectorAll("button")) button.disabled = true;
      try {
        const data = await this.run(name, { ...variables, decision, reason: reason || null });
        const payload = Object.values(data)[0];
        if (payload.errors.length) {
          message.textContent = payload.errors.map((err) => err.message).join("；");
          message.dataset.code = payload.errors[0].code;
          return;
        }
        const result = payload.report || payload.request;
        this.root.dataset.acted = `${name}:${result.reviewState || result.status}`;
        await this.load();
      } catch (error) {
        message.textContent = error.message;
      } finally {
        if (form.isConnected) for (const button of form.parentNode.querySelectorAll("button")) button.disabled = false;
      }
    };
    const reasonForm = () => {
      const reason = h("input", { type: "text", placeholder: "理由（必填）", dataset: { testid: `${testid}-reason` } });
      return h(
        "form",
        {
          class: "inline-form",
          onsubmit: (event) => {
            event.preventDefault();
            act(noValue, reason.value);
          },
        },
        reason,
        h("button", { type: "submit", class: "primary small", dataset: { testid: `${testid}-confirm` } }, `确认${noLabel}`),
      );
    };
    actions.append(
      h("button", { type: "button", class: "primary small", dataset: { testid: `${testid}-ok` }, onclick: () => act(okValue, null) }, okLabel),
      h("button", { type: "button", class: "ghost small", dataset: { testid: `${testid}-no` }, onclick: () => form.replaceChildren(reasonForm()) }, noLabel),
    );
    return [actions, form, message];
  }

  reportItem(r) {
    return h(
      "li",
      { class: "item", dataset: { testid: "todo-report", reportId: r.id } },
      h(
        "div",
        { class: "item-head" },
        h("span", { class: "status e-ISSUED" }, REVIEW_STATE[r.reviewState] || r.reviewState),
        h("span", { class: "deadline" }, `${dateTime(r.reportedAt)}${r.unit ? ` · ${r.unit.name}` : ""}${r.period ? ` · ${r.period}` : ""}`),
      ),
      this.taskLink(r.task),
      h("div", { class: r.task ? "" : "item-title" }, `报告：${TASK_STATUS[r.status] || r.status} ${Math.round(r.percent)}%`),
      r.narrative ? h("div", { class: "hint pre" }, r.narrative) : null,
      ...this.decide("review", { report: r.id, expectedVersion: r.version }, ["通过", "ACCEPT"], ["退回", "RETURN"], "todo-review"),
    );
  }

  extensionItem(e) {
    return h(
      "li",
      { class: "item", dataset: { testid: "todo-extension", requestId: e.id } },
      h(
        "div",
        { class: "item-head" },
        h("span", { class: "status e-ISSUED" }, EXTENSION_STATUS[e.status] || e.status),
        h("span", { class: "deadline" }, `${dateTime(e.requestedAt)} · ${e.requestedByUnit.name}`),
      ),
      this.taskLink(e.task),
      h("div", {}, `完成时限 ${e.currentDeadlineEnd || "—"} → ${e.requestedDeadlineEnd}`),
      h("div", { class: "hint" }, `理由：${e.reason}`),
      ...this.decide("decideExtension", { request: e.id, expectedVersion: e.version }, ["批准", "APPROVE"], ["不予批准", "REJECT"], "todo-extension"),
    );
  }
}
