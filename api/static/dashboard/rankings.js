// 排名: towns (or districts) of the unit on screen, by an indicator's level or its improvement.

import { h, number, percent } from "./format.js";

const PAGE = 20;
const MAX = 100; // Query.rankings returns at most 100 entries

/** Whom the unit on screen ranks (as its 通报 does): a city or province its districts, a
 * district its towns; a town (or a bureau) the towns of its district, itself highlighted. */
export function rankingScope(unit) {
  if (unit.kind === "CITY" || unit.kind === "PROVINCE") return { kind: "DISTRICT", within: unit };
  const chain = [...unit.ancestors, unit].reverse();
  const district = chain.find((u) => u.kind === "DISTRICT");
  if (district) return { kind: "TOWN", within: district };
  const city = chain.find((u) => u.kind === "CITY" || u.kind === "PROVINCE");
  return city ? { kind: "DISTRICT", within: city } : null;
}

/** The indicators the unit and its ancestors set targets for, by code. */
export function rankingIndicators(unit) {
  const seen = new Map();
  for (const source of [unit, ...[...unit.ancestors].reverse()]) {
    for (const target of source.targets || []) {
      if (!seen.has(target.indicator.code)) seen.set(target.indicator.code, target.indicator);
    }
  }
  return [...seen.values()];
}

export class RankingsPanel {
  /** run(variables) resolves to the Rankings query's data. */
  constructor(root, run) {
    this.root = root;
    this.run = run;
    this.state = { indicator: null, month: "", by: "VALUE", order: "BEST_FIRST", first: PAGE };
    this.unit = null;
    this.asOf = null;
    this.seq = 0;
    this.controls = root.querySelector(".rank-controls");
    this.body = root.querySelector(".rank-body");
    this.sub = root.querySelector(".sub");
  }

  /** The screen changed (unit or day): rank again, keeping the chosen indicator and basis. */
  show(unit, asOf, preferredIndicator) {
    this.unit = unit;
    this.asOf = asOf;
    this.state.first = PAGE;
    const indicators = rankingIndicators(unit);
    if (!indicators.some((i) => i.code === this.state.indicator)) {
      const preferred = indicators.find((i) => i.code === preferredIndicator);
      this.state.indicator = (preferred || indicators[0] || { code: "PM25" }).code;
    }
    this.indicators = indicators.length ? indicators : [{ code: "PM25", name: "PM2.5" }];
    this.renderControls();
    return this.load();
  }

  variables() {
    const scope = rankingScope(this.unit);
    if (!scope) return null;
    return {
      indicator: this.state.indicator,
      year: Number(this.asOf.slice(0, 4)),
      month: this.state.month ? Number(this.state.month) : null,
      kind: scope.kind,
      within: scope.within.id,
      by: this.state.by,
      order: this.state.order,
      first: this.state.first,
    };
  }

  renderControls() {
    const set = (key, value) => {
      this.state[key] = value;
      this.state.first = PAGE;
      this.renderControls();
      this.load();
    };
    const toggle = (key, options, testid) =>
      h(
        "div",
        { class: "segmented", role: "group", dataset: { testid } },
        options.map(([value, label]) =>
          h(
            "button",
            {
              type: "button",
              class: `tab ${this.state[key] === value ? "active" : ""}`,
              "aria-pressed": String(this.state[key] === value),
              dataset: { value },
              onclick: () => set(key, value),
            },
            label,
          ),
        ),
      );
    const months = [["", "全年"], ...Array.from({ length: 12 }, (_, i) => [String(i + 1), `${i + 1}月`])];
    this.controls.replaceChildren(
      h(
        "select",
        {
          "aria-label": "排名指标",
          dataset: { testid: "rank-indicator" },
          onchange: (event) => set("indicator", event.target.value),
        },
        this.indicators.map((i) => h("option", { value: i.code, selected: i.code === this.state.indicator }, i.name)),
      ),
      h(
        "select",
        { "aria-label": "月份", dataset: { testid: "rank-month" }, onchange: (event) => set("month", event.target.value) },
        months.map(([value, label]) => h("option", { value, selected: value === this.state.month }, label)),
      ),
      toggle("by", [["VALUE", "水平"], ["IMPROVEMENT", "改善"]], "rank-by"),
      toggle("order", [["BEST_FIRST", "最好在前"], ["WORST_FIRST", "最差在前"]], "rank-order"),
    );
  }

  async load() {
    const variables = this.variables();
    const seq = ++this.seq;
    if (!variables) {
      this.sub.textContent = "";
      this.body.replaceChildren(h("p", { class: "empty" }, "本单位不参与属地排名"));
      this.root.dataset.total = "0";
      return;
    }
    this.root.dataset.loading = "true";
    try {
      const data = await this.run(variables);
      if (seq !== this.seq) return;
      this.render(data.rankings, variables);
    } catch (error) {
      if (seq === this.seq) {
        this.body.replaceChildren(h("p", { class: "empty" }, `排名加载失败：${error.message}`));
      }
    } finally {
      if (seq === this.seq) this.root.dataset.loading = "false";
    }
  }

  render(entries, variables) {
    const scope = rankingScope(this.unit);
    const what = scope.kind === "TOWN" ? "镇（街道）" : "区县";
    const period = variables.month ? `${variables.year}年${variables.month}月` : `${variables.year}年`;
    this.sub.textContent = `${scope.within.name}各${what} · ${period} · ${variables.by === "VALUE" ? "按数值" : "按较基准改善"}`;
    this.root.dataset.total = String(entries.length);
    this.root.dataset.by = variables.by;
    if (!entries.length) {
      this.body.replaceChildren(
        h("p", { class: "empty" }, variables.by === "VALUE" ? `${period}暂无监测数据` : `${period}暂无可比基准（上年同期或目标基准）`),
      );
      return;
    }
    const improvement = variables.by === "IMPROVEMENT";
    const rows = entries.map((entry) =>
      h(
        "tr",
        {
          class: entry.unit.id === this.unit.id ? "mine" : "",
          dataset: { testid: "rank-row", name: entry.unit.name, rank: String(entry.rank) },
        },
        h("td", { class: "num" }, entry.rank),
        h("td", {}, entry.unit.name),
        h("td", { class: "num" }, number(entry.value)),
        h("td", { class: "num" }, number(entry.baseline)),
        h(
          "td",
          { class: "num" },
          entry.changeRate === null || entry.changeRate === undefined
            ? "—"
            : `${entry.change > 0 ? "+" : ""}${number(Math.round(entry.change * 10) / 10)}（${percent(entry.changeRate)}）`,
        ),
      ),
    );
    const more =
      entries.length === variables.first && variables.first < MAX
        ? h(
            "button",
            {
              type: "button",
              class: "ghost more",
              dataset: { testid: "rank-more" },
              onclick: () => {
                this.state.first = Math.min(MAX, this.state.first + PAGE);
                this.load();
              },
            },
            `显示更多（已显示 ${entries.length}）`,
          )
        : null;
    const nodes = [
      h(
        "div",
        { class: "scroll" },
        h(
          "table",
          { class: "table compact", dataset: { testid: "rank-table" } },
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              h("th", { class: "num" }, "名次"),
              h("th", {}, "单位"),
              h("th", { class: "num" }, "数值"),
              h("th", { class: "num" }, "基准"),
              h("th", { class: "num" }, improvement ? "变化（幅度）" : "较基准"),
            ),
          ),
          h("tbody", {}, rows),
        ),
      ),
    ];
    if (more) nodes.push(more);
    this.body.replaceChildren(...nodes);
  }
}
