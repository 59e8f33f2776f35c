// 督办: the escalations addressed to the viewer's unit (收到的) and issued by it (发出的), with
// 签收 / 回复 for the addressed unit and 办结 for the issuer. The server decides who may act
// (payload errors are shown as they come); the buttons only show where the role can.

import { ESCALATION_LEVEL, ESCALATION_STATUS, REPLY_KIND, ROLE_RANK, dateTime, h } from "./format.js";

const PAGE = 10;
const BOXES = [
  ["inbox", "收到的督办", { addressedTo: "ME" }],
  ["issued", "发出的督办", { issuedBy: "ME" }],
];
const STATUS_FILTERS = [
  ["", "全部"],
  ["OPEN", "未办结"],
  ["ISSUED", "待签收"],
  ["ACKNOWLEDGED", "已签收"],
  ["REPLIED", "已回复"],
  ["CLOSED", "已办结"],
];

function statusVariable(filter) {
  if (!filter) return null;
  if (filter === "OPEN") return ["ISSUED", "ACKNOWLEDGED", "REPLIED"];
  return [filter];
}

export class InboxPanel {
  /** run(name, variables) runs one of the dashboard's operations and resolves to its data. */
  constructor(root, run, onTask) {
    this.root = root;
    this.run = run;
    this.onTask = onTask;
    this.box = "inbox";
    this.filter = "";
    this.me = null;
    this.seq = 0;
    this.tabs = root.querySelector(".inbox-tabs");
    this.body = root.querySelector(".inbox-body");
    this.sub = root.querySelector(".sub");
  }

  can(role) {
    return Boolean(this.me && this.me.role && ROLE_RANK[this.me.role] >= ROLE_RANK[role] && !this.me.partner);
  }

  show(me, asOf, today) {
    this.me = me;
    this.asOf = asOf;
    this.today = today;
    this.renderTabs();
    return this.load();
  }

  renderTabs() {
    this.tabs.replaceChildren(
      ...BOXES.map(([key, label]) =>
        h(
          "button",
          {
            type: "button",
            role: "tab",
            class: `tab ${key === this.box ? "active" : ""}`,
            "aria-selected": String(key === this.box),
            dataset: { testid: `inbox-tab-${key}` },
            onclick: () => {
              this.box = key;
              this.renderTabs();
              this.load();
            },
          },
          label,
        ),
      ),
      h(
        "select",
        {
          "aria-label": "督办状态",
          dataset: { testid: "inbox-status" },
          onchange: (event) => {
            this.filter = event.target.value;
            this.load();
          },
        },
        STATUS_FILTERS.map(([value, label]) => h("option", { value, selected: value === this.filter }, label)),
      ),
    );
  }

  variables(after = null) {
    const party = BOXES.find(([key]) => key === this.box)[2];
    return { ...party, status: statusVariable(this.filter), first: PAGE, after, asOf: this.asOf || this.today };
  }

  async load() {
    const seq = ++this.seq;
    if (!this.me || !this.me.unit) {
      this.sub.textContent = "";
      this.root.dataset.total = "0";
      this.body.replaceChildren(
        h("p", { class: "empty" }, "当前令牌不属于任何单位（匿名演示或全局管理员）：督办件按令牌所属单位列出，请使用单位令牌。"),
      );
      return;
    }
    this.root.dataset.loading = "true";
    try {
      const data = await this.run("escalations", this.variables());
      if (seq !== this.seq) return;
      this.render(data.escalations);
    } catch (error) {
      if (seq === this.seq) this.body.replaceChildren(h("p", { class: "empty" }, `督办加载失败：${error.message}`));
    } finally {
      if (seq === this.seq) this.root.dataset.loading = "false";
    }
  }

  render(connection) {
    const who = this.me.unit.name;
    this.sub.textContent =
      `${who}${this.box === "inbox" ? "收到" : "发出"} ${connection.totalCount} 件` +
      (this.asOf !== this.today ? `（状态为统计日 ${this.asOf} 当天的；筛选与操作按当前状态）` : "");
    this.root.dataset.total = String(connection.totalCount);
    this.root.dataset.box = this.box;
    if (!connection.totalCount) {
      this.body.replaceChildren(h("p", { class: "empty" }, this.box === "inbox" ? "没有收到督办件" : "没有发出督办件"));
      return;
    }
    const list = h("ol", { class: "list", dataset: { testid: "inbox-list" } });
    const more = h("button", { type: "button", class: "ghost more", dataset: { testid: "inbox-more" } }, "加载更多");
    const append = (page) => {
      list.append(...page.edges.map((edge) => this.item(edge.node)));
      more.hidden = !page.pageInfo.hasNextPage;
      more.dataset.after = page.pageInfo.endCursor || "";
      more.textContent = `加载更多（已显示 ${list.children.length} / ${page.totalCount}）`;
    };
    more.addEventListener("click", async () => {
      more.disabled = true;
      try {
        append((await this.run("escalations", this.variables(more.dataset.after))).escalations);
      } finally {
        more.disabled = false;
      }
    });
    append(connection);
    this.body.replaceChildren(h("div", { class: "scroll" }, list), more);
  }

  item(e) {
    const open = e.status !== "CLOSED";
    const inbox = this.box === "inbox";
    const mine = this.me.unit && e.addressedTo.id === this.me.unit.id;
    const actions = h("div", { class: "actions" });
    const form = h("div", { class: "inbox-form" });
    const message = h("p", { class: "hint error-text", "aria-live": "polite" });
    const act = async (name, variables) => {
      message.textContent = "";
      for (const button of actions.querySelectorAll("button")) button.disabled = true;
      try {
        const data = await this.run(name, { escalation: e.id, expectedVersion: e.version, ...variables });
        const payload = Object.values(data)[0];
        if (payload.errors.length) {
          message.textContent = payload.errors.map((err) => err.message).join("；");
          message.dataset.code = payload.errors[0].code;
          return;
        }
        this.root.dataset.acted = `${name}:${payload.escalation.status}`;
        await this.load();
      } catch (error) {
        message.textContent = error.message;
      } finally {
        for (const button of actions.querySelectorAll("button")) button.disabled = false;
      }
    };
    if (inbox && mine && open && this.can("REPORTER")) {
      if (e.status === "ISSUED") {
        actions.append(
          h("button", { type: "button", class: "primary small", dataset: { testid: "inbox-ack" }, onclick: () => act("acknowledge", {}) }, "签收"),
        );
      }
      actions.append(
        h(
          "button",
          { type: "button", class: "ghost small", dataset: { testid: "inbox-reply" }, onclick: () => form.replaceChildren(this.replyForm(act)) },
          "回复",
        ),
      );
    }
    if (!inbox && open && this.can("COORDINATOR")) {
      actions.append(
        h(
          "button",
          { type: "button", class: "ghost small", dataset: { testid: "inbox-close" }, onclick: () => form.replaceChildren(this.closeForm(act)) },
          "办结",
        ),
      );
    }
    // On a past day the badge shows that day's state (statusAsOf; null: not issued yet).
    const past = this.asOf && this.asOf !== this.today;
    const shown = past ? e.statusAsOf : e.status;
    const target = e.task
      ? h(
          "div",
          { class: "item-title", title: e.task.title },
          `${e.task.label} `,
          h("button", { type: "button", class: "link task-link", dataset: { testid: "task-link" }, onclick: () => this.onTask(e.task.id) }, e.task.title),
        )
      : e.rectification
        ? h("div", { class: "item-title", title: e.rectification.problem }, `整改事项 ${e.rectification.seq}：${e.rectification.problem}`)
        : null;
    return h(
      "li",
      { class: "item", dataset: { testid: "inbox-item", status: e.status, statusAsOf: shown || "", escalationId: e.id } },
      h(
        "div",
        { class: "item-head" },
        h("span", { class: `level l-${e.level}` }, ESCALATION_LEVEL[e.level] || e.level),
        h(
          "span",
          { class: `status e-${shown || "ISSUED"}`, dataset: { testid: "inbox-status-badge" } },
          shown ? ESCALATION_STATUS[shown] || shown : "统计日尚未下发",
        ),
        h("span", { class: "deadline" }, `${e.issuedOn} · ${e.issuedBy.name} → ${e.addressedTo.name}`),
      ),
      target,
      e.reason ? h("div", { class: "hint", title: e.reason }, e.reason) : null,
      e.replies.length
        ? h(
            "ul",
            { class: "replies" },
            e.replies.map((r) =>
              h(
                "li",
                {},
                h("b", {}, `${REPLY_KIND[r.kind] || r.kind}：`),
                r.text,
                r.promisedBy ? `（承诺 ${r.promisedBy} 前完成）` : "",
                h("span", { class: "hint" }, ` ${dateTime(r.repliedAt)}${r.unit ? ` · ${r.unit.name}` : ""}`),
              ),
            ),
          )
        : null,
      e.closingNote ? h("div", { class: "hint" }, `办结意见：${e.closingNote}`) : null,
      actions.children.length ? actions : null,
      form,
      message,
    );
  }

  replyForm(act) {
    const kind = h(
      "select",
      { "aria-label": "回复类型", dataset: { testid: "reply-kind" } },
      Object.entries(REPLY_KIND).map(([value, label]) => h("option", { value }, label)),
    );
    const text = h("textarea", { rows: "2", placeholder: "情况说明或整改承诺", dataset: { testid: "reply-text" } });
    const promised = h("input", { type: "date", "aria-label": "承诺完成日", dataset: { testid: "reply-promised" } });
    return h(
      "form",
      {
        class: "inline-form",
        onsubmit: (event) => {
          event.preventDefault();
          act("reply", { kind: kind.value, text: text.value, promisedBy: promised.value || null });
        },
      },
      kind,
      text,
      h("label", { class: "hint" }, "承诺完成日 ", promised),
      h("button", { type: "submit", class: "primary small", dataset: { testid: "reply-submit" } }, "提交回复"),
    );
  }

  closeForm(act) {
    const note = h("input", { type: "text", placeholder: "办结意见（可空）", dataset: { testid: "close-note" } });
    return h(
      "form",
      {
        class: "inline-form",
        onsubmit: (event) => {
          event.preventDefault();
          act("close", { note: note.value || null });
        },
      },
      note,
      h("button", { type: "submit", class: "primary small", dataset: { testid: "close-submit" } }, "确认办结"),
    );
  }
}
