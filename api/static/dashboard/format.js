// Chinese labels of the API's enums, number and date formatting, and a safe DOM builder.

export const UNIT_KIND = {
  PROVINCE: "省",
  CITY: "市",
  DISTRICT: "区县",
  TOWN: "镇街",
  DEPARTMENT: "部门",
  ENTERPRISE: "企业",
  INSPECTION_TEAM: "督察组",
  OTHER: "其他",
};

export const TASK_STATUS = { NOT_STARTED: "未启动", IN_PROGRESS: "推进中", COMPLETED: "已完成" };

/** Workflow order of rectification states (DESIGN.md), with labels. */
export const RECTIFICATION_STATES = [
  ["NOT_STARTED", "notStarted", "未启动"],
  ["IN_PROGRESS", "inProgress", "整改中"],
  ["COMPLETED", "completed", "已完成"],
  ["VERIFIED", "verified", "已验收"],
  ["CLOSED", "closed", "已销号"],
  ["REOPENED", "reopened", "重新整改"],
];
export const RECTIFICATION_STATUS = Object.fromEntries(
  RECTIFICATION_STATES.map(([status, , label]) => [status, label]),
);
const RECTIFICATION_DONE = new Set(["COMPLETED", "VERIFIED", "CLOSED"]);


export const ESCALATION_LEVEL = {
  REMINDER: "提醒",
  URGE: "催办",
  WARNING_LETTER: "预警函",
  INTERVIEW: "约谈",
  PUBLIC_NOTICE: "通报",
};

export const ESCALATION_STATUS = {
  ISSUED: "待签收",
  ACKNOWLEDGED: "已签收",
  REPLIED: "已回复",
  CLOSED: "已办结",
};

export const REPLY_KIND = { EXPLANATION: "情况说明", COMMITMENT: "整改承诺" };

export const ROLE_RANK = { VIEWER: 1, REPORTER: 2, COORDINATOR: 3, ADMIN: 4 };

/** "2023-06-01T02:03:04+00:00" → "2023-06-01 10:03" (Asia/Shanghai). */
export function dateTime(value) {
  if (!value) return "—";
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: "Asia/Shanghai",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
  }).formatToParts(d);
  const get = (type) => (parts.find((p) => p.type === type) || {}).value;
  return `${get("year")}-${get("month")}-${get("day")} ${get("hour")}:${get("minute")}`;
}

/** 1536 → "1.5 KB". */
export function bytes(size) {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`;
  return `${(size / 1024 / 1024).toFixed(1)} MB`;
}

export const ATTAINMENT = { MET: "达标", AT_RISK: "有风险", MISSED: "未达标", NO_DATA: "暂无数据" };

/** Today in Asia/Shanghai, as YYYY-MM-DD (the API's default asOf). */
export function todayInShanghai() {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone: "Asia/Shanghai",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(new Date());
}

function dayNumber(isoDate) {
  const [y, m, d] = isoDate.split("-").map(Number);
  return Date.UTC(y, m - 1, d) / 86400000;
}

/** Whole days from `end` to `asOf` (positive when `end` is earlier). */
export function daysBetween(end, asOf) {
  return Math.round(dayNumber(asOf) - dayNumber(end));
}

export function rectificationOverdueDays(item, asOf) {
  const end = item.deadline && item.deadline.end;
  if (!end || item.deadline.kind === "ONGOING" || RECTIFICATION_DONE.has(item.status)) return 0;
  return Math.max(0, daysBetween(end, asOf));
}

/** 0.5 → "50.0%"; null → "—" (nothing rated). */
export function percent(rate, digits = 1) {
  return rate === null || rate === undefined ? "—" : `${(rate * 100).toFixed(digits)}%`;
}

export function number(value) {
  return value === null || value === undefined ? "—" : value.toLocaleString("zh-CN");
}

export function clock(date = new Date()) {
  return date.toLocaleTimeString("zh-CN", { hour12: false, timeZone: "Asia/Shanghai" });
}

/**
 * h("td", {class: "x", dataset: {metric: "total"}}, "text", childNode)
 * Text is always set as text (never parsed as HTML): server data cannot inject markup.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "dataset") Object.assign(el.dataset, value);
    else if (key === "style") el.style.cssText = value;
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}
