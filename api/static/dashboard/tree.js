// The unit tree picker (块 tree), built from the UnitTree query's pages: the tree as it stood on
// the chosen day (units in force then, under the parent they had then).

import { UNIT_KIND, h } from "./format.js";

export class UnitTree {
  constructor(container, search, onSelect) {
    this.container = container;
    this.search = search;
    this.onSelect = onSelect;
    this.units = new Map();
    this.children = new Map();
    this.roots = [];
    this.expanded = new Set();
    this.selected = null;
    search.addEventListener("input", () => this.render());
  }

  /** Units in tree order (depth, sort order, name); a unit whose parent is not visible is a root. */
  load(units) {
    this.units = new Map(units.map((u) => [u.id, u]));
    this.children = new Map();
    this.roots = [];
    for (const unit of units) {
      const parent = unit.parent && this.units.has(unit.parent.id) ? unit.parent.id : null;
      if (parent === null) this.roots.push(unit);
      else {
        if (!this.children.has(parent)) this.children.set(parent, []);
        this.children.get(parent).push(unit);
      }
    }
    for (const root of this.roots) this.expanded.add(root.id);
  }

  /** The unit with this id, name or alias. */
  find(key) {
    if (this.units.has(key)) return this.units.get(key);
    for (const unit of this.units.values()) {
      if (unit.name === key || unit.aliases.includes(key)) return unit;
    }
    return null;
  }

  /** The narrowest unit that still covers every visible task (the viewer's natural scope). */
  defaultUnit() {
    const roots = [...this.roots].sort((a, b) => b.taskRollup.total - a.taskRollup.total);
    let unit = roots[0] || null;
    while (unit && unit.taskRollup.total > 0) {
      const next = (this.children.get(unit.id) || []).find(
        (c) => c.taskRollup.total === unit.taskRollup.total,
      );
      if (!next) break;
      unit = next;
    }
    return unit;
  }

  path(id) {
    const path = [];
    let unit = this.units.get(id);
    while (unit) {
      path.unshift(unit);
      unit = unit.parent ? this.units.get(unit.parent.id) : null;
    }
    return path;
  }

  select(id) {
    this.selected = id;
    for (const unit of this.path(id)) this.expanded.add(unit.id);
    this.render();
    const row = this.container.querySelector(`[data-unit-id="${CSS.escape(id)}"]`);
    if (row) row.scrollIntoView({ block: "nearest" });
  }

  render() {
    const text = this.search.value.trim();
    let visible = null;
    if (text) {
      visible = new Set();
      for (const unit of this.units.values()) {
        if (unit.name.includes(text) || unit.aliases.some((a) => a.includes(text))) {
          for (const p of this.path(unit.id)) visible.add(p.id);
        }
      }
    }
    const nodes = this.roots.filter((u) => !visible || visible.has(u.id)).map((u) => this.node(u, visible));
    this.container.replaceChildren(...(nodes.length ? nodes : [h("p", { class: "empty" }, "没有匹配的单位")]));
  }

  node(unit, visible, level = 0) {
    const kids = (this.children.get(unit.id) || []).filter((u) => !visible || visible.has(u.id));
    const open = visible !== null || this.expanded.has(unit.id);
    const total = unit.taskRollup.total;
    const row = h(
      "div",
      {
        class: `tree-row ${unit.id === this.selected ? "selected" : ""} ${total ? "" : "idle"}`,
        role: "treeitem",
        "aria-selected": unit.id === this.selected ? "true" : "false",
        "aria-expanded": kids.length ? String(open) : null,
        dataset: { unitId: unit.id, name: unit.name, testid: "tree-unit" },
        // The level in the day's tree (a unit moved since may sit at another depth today).
        style: `padding-left:${level * 14 + 6}px`,
      },
      h(
        "button",
        {
          type: "button",
          class: "twisty",
          tabindex: "-1",
          "aria-hidden": "true",
          disabled: !kids.length,
          onclick: (event) => {
            event.stopPropagation();
            if (this.expanded.has(unit.id)) this.expanded.delete(unit.id);
            else this.expanded.add(unit.id);
            this.render();
          },
        },
        kids.length ? (open ? "▾" : "▸") : "",
      ),
      h(
        "button",
        { type: "button", class: "tree-name", onclick: () => this.onSelect(unit.id) },
        unit.name,
      ),
      h("span", { class: "tree-kind" }, UNIT_KIND[unit.kind] || ""),
      total ? h("span", { class: "count", title: "牵头任务数（含下级）" }, total) : null,
    );
    if (!kids.length || !open) return row;
    return h("div", { role: "group" }, row, ...kids.map((k) => this.node(k, visible, level + 1)));
  }
}
