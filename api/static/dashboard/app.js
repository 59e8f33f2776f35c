// 协同督办 · 工作看板: one GraphQL query per screen, live refresh from rollupChanged.

import {
  AuthError,
  Subscription,
  download,
  getToken,
  graphql,
  setToken,
  takeTokenFromUrl,
} from "./api.js";
import { chartIndicators, monthlyTargetSource, renderTargetsChart, resizeChart } from "./chart.js";
import { clock, h, todayInShanghai } from "./format.js";
import {
  renderCards,
  renderChildren,
  renderCrumbs,
  renderOverdue,
  renderRectifications,
} from "./panels.js";
import { UnitTree } from "./tree.js";

const QUERY_FILES = {
  screen: "queries/screen.graphql",
  tree: "queries/unit-tree.graphql",
  overduePage: "queries/overdue-page.graphql",
  rollupChanged: "queries/rollup-changed.graphql",
};
const params = new URLSearchParams(location.search);
// Polling interval while the WebSocket is down: 30 s (?poll=N overrides, at least 2 s).
const POLL_SECONDS = Math.max(2, Number(params.get("poll")) || 30);

const $ = (id) => document.getElementById(id);
const state = {
  queries: {},
  tree: null,
  unitId: null,
  asOf: params.get("asOf") || todayInShanghai(),
  screen: null,
  indicator: "PM25",
  subscription: null,
  liveMode: "connecting",
  pollTimer: null,
  refreshTimer: null,
  loadSeq: 0,
  loads: 0,
  liveEvents: 0,
  queryTab: "screen",
  me: null,
  initialUnit: params.get("unit"),
  tasksFirst: 20, // the unit's own tasks shown (显示更多: +20, at most 100)
};

function setBodyState(value, detail = "") {
  document.body.dataset.state = value;
  $("main").setAttribute("aria-busy", value === "loading" ? "true" : "false");
  if (detail) document.body.dataset.detail = detail;
}

// --- banner and token ------------------------------------------------------------------

function showBanner(kind, ...content) {
  const banner = $("banner");
  banner.className = `banner ${kind}`;
  banner.dataset.kind = kind;
  banner.replaceChildren(...content);
  banner.hidden = false;
}

function hideBanner() {
  $("banner").hidden = true;
  $("banner").dataset.kind = "";
}

function openTokenPanel(open) {
  $("token-panel").hidden = !open;
  $("token-toggle").setAttribute("aria-expanded", String(open));
  if (open) $("token-input").focus();
}

function describeViewer() {
  const me = state.me;
  const token = getToken();
  if (!token) return "当前：未使用令牌（匿名）。服务器开启 GOVGRAPH_ANONYMOUS=demo 时可匿名只读访问。";
  const tail = `…${token.slice(-6)}`;
  if (!me) return `当前：使用令牌 ${tail}。`;
  const who = me.unit ? `${me.unit.name} · ${me.role || "—"}` : me.role || "—";
  return `当前：使用令牌 ${tail}（${who}），只保存在本标签页（sessionStorage）。`;
}

function refreshTokenState() {
  $("token-state").textContent = describeViewer();
  $("token-toggle").textContent = getToken() ? "访问令牌 ●" : "访问令牌";
}

function showAuthRequired(error) {
  setBodyState("auth", error.message);
  stopLive();
  $("live").dataset.mode = "off";
  $("live-text").textContent = "未连接";
  const hadToken = Boolean(getToken());
  showBanner(
    "auth",
    h("b", {}, hadToken ? "访问令牌无效、已过期或权限不足" : "需要登录：服务器未开放匿名访问"),
    h(
      "span",
      {},
      `（HTTP ${error.status || 401}：${error.message}）。请在上方“访问令牌”处粘贴由管理员签发的令牌` +
        "（govgraph token --unit 单位名称 --role VIEWER），或在地址后加 ?token=…。",
    ),
  );
  openTokenPanel(true);
}

function showError(error) {
  setBodyState("error", error.message);
  showBanner(
    "error",
    h("b", {}, "数据加载失败："),
    h("span", {}, error.message),
    h("button", { type: "button", class: "ghost", onclick: () => start() }, "重试"),
  );
}

function handleFailure(error) {
  if (error instanceof AuthError) showAuthRequired(error);
  else if (error.name !== "AbortError") showError(error);
}

// --- loading -----------------------------------------------------------------------------

async function loadQueries() {
  const entries = await Promise.all(
    Object.entries(QUERY_FILES).map(async ([key, path]) => {
      const response = await fetch(path, { cache: "no-cache" });
      if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
      return [key, await response.text()];
    }),
  );
  state.queries = Object.fromEntries(entries);
}

/** Every unit, page by page (first: 100, after: endCursor). */
async function loadTree() {
  const units = [];
  let after = null;
  for (;;) {
    const data = await graphql(state.queries.tree, { first: 100, after });
    state.me = data.me;
    const page = data.orgUnits;
    units.push(...page.edges.map((edge) => edge.node));
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  state.tree.load(units);
  refreshTokenState();
  $("foot").textContent = `单位 ${units.length} 个`;
}

function screenVariables() {
  return {
    unit: state.unitId,
    asOf: state.asOf,
    overdueFirst: 20,
    rectificationsFirst: 50,
    tasksFirst: state.tasksFirst,
  };
}

/** The screen: one DashboardScreen query, then every panel from its result. */
async function loadScreen() {
  if (!state.unitId) return;
  const seq = ++state.loadSeq;
  const variables = screenVariables();
  document.body.dataset.loading = "true";
  try {
    const data = await graphql(state.queries.screen, variables);
    if (seq !== state.loadSeq) return; // a newer screen was asked for meanwhile
    if (!data.unit) throw new Error("单位不存在或不在当前令牌的可见范围内");
    state.screen = data.unit;
    render();
    state.loads += 1;
    document.body.dataset.loads = String(state.loads);
    document.body.dataset.unitId = data.unit.id;
    document.body.dataset.unitName = data.unit.name;
    document.body.dataset.asOf = variables.asOf;
    hideBanner();
    setBodyState("ready");
    $("foot").textContent =
      `数据更新于 ${clock()} · 统计日 ${variables.asOf} · ` +
      (state.liveMode === "live" ? "实时推送" : `每 ${POLL_SECONDS} 秒轮询`);
  } catch (error) {
    if (seq === state.loadSeq) handleFailure(error);
  } finally {
    if (seq === state.loadSeq) document.body.dataset.loading = "false";
  }
}

function render() {
  const unit = state.screen;
  const select = (id) => selectUnit(id);
  renderCrumbs(unit, select);
  renderCards(unit.taskRollup);
  renderChildren(unit.children, unit.tasks, state.asOf, select, () => {
    state.tasksFirst = Math.min(100, state.tasksFirst + 20);
    loadScreen();
  });
  renderOverdue(unit.overdue, unit.taskRollup, state.asOf, {
    onSelect: select,
    onMore: async (after) => {
      const data = await graphql(state.queries.overduePage, {
        unit: unit.id,
        asOf: state.asOf,
        first: 20,
        after,
      });
      return data.unit.overdue;
    },
  });
  renderRectifications(unit.rectificationRollup, unit.rectifications, state.asOf, todayInShanghai());
  renderIndicatorChoice();
  renderChart();
  renderQueryBox();
}

function renderIndicatorChoice() {
  const { targets } = monthlyTargetSource(state.screen);
  const indicators = chartIndicators(targets);
  const select = $("indicator");
  if (!indicators.some((i) => i.code === state.indicator) && indicators.length) {
    state.indicator = indicators[0].code;
  }
  select.replaceChildren(
    ...indicators.map((i) => h("option", { value: i.code, selected: i.code === state.indicator }, i.name)),
  );
  select.hidden = indicators.length === 0;
}

function renderChart() {
  const indicator = chartIndicators(monthlyTargetSource(state.screen).targets).find(
    (i) => i.code === state.indicator,
  );
  $("targets-title").textContent = indicator
    ? `${indicator.name.replace(/平均浓度$/, "")} 月度目标与实际`
    : "目标与实际";
  $("targets-sub").textContent = renderTargetsChart($("targets-chart"), state.screen, state.indicator);
}

// --- the query box ------------------------------------------------------------------------

const QUERY_TABS = [
  ["screen", "DashboardScreen（本屏）"],
  ["tree", "UnitTree（单位树，分页）"],
  ["overduePage", "OverdueTasksPage（逾期翻页）"],
  ["rollupChanged", "RollupChanged（实时订阅）"],
];

function tabVariables(tab) {
  switch (tab) {
    case "screen":
      return screenVariables();
    case "tree":
      return { first: 100, after: null };
    case "overduePage":
      return { unit: state.unitId, asOf: state.asOf, first: 20, after: "<上一页的 pageInfo.endCursor>" };
    default:
      return { unit: state.unitId };
  }
}

function renderQueryBox() {
  $("query-tabs").replaceChildren(
    ...QUERY_TABS.map(([key, label]) =>
      h(
        "button",
        {
          type: "button",
          role: "tab",
          class: `tab ${key === state.queryTab ? "active" : ""}`,
          "aria-selected": String(key === state.queryTab),
          onclick: () => {
            state.queryTab = key;
            renderQueryBox();
          },
        },
        label,
      ),
    ),
  );
  $("query-text").textContent = state.queries[state.queryTab] || "";
  $("query-variables").textContent = JSON.stringify(tabVariables(state.queryTab), null, 2);
}

async function copy(text) {
  try {
    await navigator.clipboard.writeText(text);
    $("copy-state").textContent = "已复制";
  } catch {
    $("copy-state").textContent = "浏览器不允许写剪贴板，请手动选中复制";
  }
  setTimeout(() => {
    $("copy-state").textContent = "";
  }, 2000);
}

// --- live refresh ---------------------------------------------------------------------------

function setLive(mode, detail = "") {
  state.liveMode = mode;
  const live = $("live");
  live.dataset.mode = mode;
  live.title = detail || "实时推送状态";
  $("live-text").textContent =
    mode === "live" ? "实时" : mode === "connecting" ? "连接中" : `轮询 · ${POLL_SECONDS}秒`;
  if (mode === "live") stopPolling();
  else startPolling();
}

function startPolling() {
  if (state.pollTimer) return;
  state.pollTimer = setInterval(() => loadScreen(), POLL_SECONDS * 1000);
}

function stopPolling() {
  clearInterval(state.pollTimer);
  state.pollTimer = null;
}

function stopLive() {
  if (state.subscription) state.subscription.close();
  state.subscription = null;
  stopPolling();
}

function scheduleRefresh() {
  clearTimeout(state.refreshTimer);
  state.refreshTimer = setTimeout(() => loadScreen(), 150);
}

function subscribe() {
  if (state.subscription) state.subscription.close();
  setLive("connecting");
  state.subscription = new Subscription(state.queries.rollupChanged, { unit: state.unitId }, {
    onData: () => {
      state.liveEvents += 1;
      document.body.dataset.liveEvents = String(state.liveEvents);
      scheduleRefresh();
    },
    onState: (mode, detail) => setLive(mode === "live" ? "live" : "polling", detail),
  });
}

// --- 通报 exports ---------------------------------------------------------------------------

/** The unit's 通报 as of the chosen day: the workbook downloaded, or the printable page opened
 * in a new tab (opened before the request, so no popup blocker stops it). */
async function exportBriefing(kind) {
  if (!state.unitId) return;
  const tab = kind === "html" ? window.open("", "_blank") : null;
  const button = $(kind === "html" ? "export-print" : "export-xlsx");
  button.disabled = true;
  document.body.dataset.exporting = kind;
  try {
    const blob = await download(`briefing.${kind}`, { unit: state.unitId, asOf: state.asOf });
    const url = URL.createObjectURL(blob);
    if (tab) {
      tab.location = url;
    } else {
      const name = `${state.screen ? state.screen.name : "单位"}通报${state.asOf}.xlsx`;
      const link = h("a", { href: url, download: name });
      document.body.append(link);
      link.click();
      link.remove();
    }
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    document.body.dataset.exported = kind;
  } catch (error) {
    if (tab) tab.close();
    handleFailure(error);
  } finally {
    button.disabled = false;
    delete document.body.dataset.exporting;
  }
}

// --- navigation ----------------------------------------------------------------------------

function selectUnit(id) {
  if (!id) return;
  const changed = id !== state.unitId;
  if (changed) state.tasksFirst = 20;
  state.unitId = id;
  state.tree.select(id);
  const unit = state.tree.units.get(id);
  const url = new URL(location.href);
  if (unit) url.searchParams.set("unit", unit.name);
  history.replaceState(history.state, "", url);
  loadScreen();
  if (changed) subscribe();
}

async function start() {
  hideBanner();
  setBodyState("loading");
  refreshTokenState();
  try {
    if (!Object.keys(state.queries).length) await loadQueries();
    await loadTree();
  } catch (error) {
    handleFailure(error);
    return;
  }
  // ?unit= once, then the unit on screen, then the viewer's own unit, then the narrowest unit
  // covering every visible task.
  const wanted = state.initialUnit;
  state.initialUnit = null;
  const own = state.me && state.me.unit;
  const unit =
    (wanted && state.tree.find(wanted)) ||
    (state.unitId && state.tree.find(state.unitId)) ||
    (own && state.tree.find(own.id)) ||
    state.tree.defaultUnit();
  if (!unit) {
    showError(new Error("当前令牌看不到任何单位"));
    return;
  }
  state.unitId = null; // force a fresh subscription (the token may have changed)
  selectUnit(unit.id);
}

function wire() {
  state.tree = new UnitTree($("tree"), $("tree-search"), (id) => selectUnit(id));
  const asOf = $("as-of");
  asOf.value = state.asOf;
  asOf.addEventListener("change", () => {
    if (!asOf.value) return;
    state.asOf = asOf.value;
    const url = new URL(location.href);
    url.searchParams.set("asOf", state.asOf);
    history.replaceState(history.state, "", url);
    loadScreen();
  });
  $("refresh").addEventListener("click", () => loadScreen());
  $("export-xlsx").addEventListener("click", () => exportBriefing("xlsx"));
  $("export-print").addEventListener("click", () => exportBriefing("html"));
  $("token-toggle").addEventListener("click", () => openTokenPanel($("token-panel").hidden));
  $("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    setToken($("token-input").value);
    $("token-input").value = "";
    openTokenPanel(false);
    stopLive();
    state.unitId = null; // a new token starts at its own unit
    start();
  });
  $("token-clear").addEventListener("click", () => {
    setToken("");
    openTokenPanel(false);
    stopLive();
    state.unitId = null;
    start();
  });
  $("indicator").addEventListener("change", (event) => {
    state.indicator = event.target.value;
    renderChart();
  });
  $("copy-query").addEventListener("click", () => copy(state.queries[state.queryTab] || ""));
  $("copy-variables").addEventListener("click", () =>
    copy(JSON.stringify(tabVariables(state.queryTab), null, 2)),
  );
  window.addEventListener("resize", () => resizeChart());
}

takeTokenFromUrl();
wire();
start();
