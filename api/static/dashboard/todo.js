// 待办: what waits for the viewer's unit to decide — submitted progress reports it reviews
// (通过 / 退回) and extension requests addressed to it (批准 / 不予批准). The server decides who
// may act; its error message is shown under the item.

import { dateTime, h, TASK_STATUS } from "./format.js";

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
    const more = (page) =>
      page.pageInfo.hasNextPage ? h("p", { class: "hint" }, `仅显示前 ${page.edges.length} 件，共 ${page.totalCount} 件`) : null;
    const parts = [
      h("h3", {}, "待审核的进展报告"),
      reports.totalCount
        ? h("ol", { class: "list", dataset: { testid: "todo-reports" } }, reports.edges.map(({ node }) => this.reportItem(node)))
        : h("p", { class: "empty" }, "没有待审核的进展报告"),
      more(reports),
      h("h3", {}, "待审批的延期申请"),
      extensions.totalCount
        ? h("ol", { class: "list", dataset: { testid: "todo-extensions" } }, extensions.edges.map(({ node }) => this.extensionItem(node)))
        : h("p", { class: "empty" }, "没有待审批的延期申请"),
      more(extensions),
    ];
    this.body.replaceChildren(...parts.filter((part) => part !== null));
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
      h("div", { class: "item-title" }, `${TASK_STATUS[r.status] || r.status} ${Math.round(r.percent)}%`),
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
      e.task
        ? h(
            "div",
            { class: "item-title", title: e.task.title },
            `${e.task.label} `,
            h("button", { type: "button", class: "link task-link", dataset: { testid: "task-link" }, onclick: () => this.onTask(e.task.id) }, e.task.title),
          )
        : null,
      h("div", {}, `完成时限 ${e.currentDeadlineEnd || "—"} → ${e.requestedDeadlineEnd}`),
      h("div", { class: "hint" }, `理由：${e.reason}`),
      ...this.decide("decideExtension", { request: e.id, expectedVersion: e.version }, ["批准", "APPROVE"], ["不予批准", "REJECT"], "todo-extension"),
    );
  }
}
