// 协同督办 · 工作看板: one GraphQL query per screen, live refresh from rollupChanged.

import {
  AuthError,
  Subscription,
  download,
  downloadFile,
  getToken,
  graphql,
  saveBlob,
  setToken,
  takeTokenFromUrl,
} from "./api.js";
import { chartIndicators, monthlyTargetSource, renderTargetsChart, resizeChart } from "./chart.js";
import { TaskDetail } from "./detail.js";
import { clock, h, todayInShanghai } from "./format.js";
import { InboxPanel } from "./inbox.js";
import {
  renderCards,
  renderChildren,
  renderCrumbs,
  renderOverdue,
  renderRectifications,
} from "./panels.js";
import { RankingsPanel } from "./rankings.js";
import { TodoPanel } from "./todo.js";
import { UnitTree } from "./tree.js";

// Every operation the page sends is one of these files, sent verbatim (so registering the
// folder with `govgraph operations register` registers exactly what the page sends).
const QUERY_FILES = {
  screen: "queries/screen.graphql",
  tree: "queries/unit-tree.graphql",
  overduePage: "queries/overdue-page.graphql",
  tasksPage: "queries/unit-tasks-page.graphql",
  rectificationsPage: "queries/rectifications-page.graphql",
  rankings: "queries/rankings.graphql",
  escalations: "queries/escalations.graphql",
  acknowledge: "queries/escalation-acknowledge.graphql",
  reply: "queries/escalation-reply.graphql",
  close: "queries/escalation-close.graphql",
  todo: "queries/todo.graphql",
  review: "queries/report-review.graphql",
  decideExtension: "queries/extension-decide.graphql",
  taskDetail: "queries/task-detail.graphql",
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
  treeAsOf: null, // the day the tree's counts are for
  panelsKey: null, // unit|asOf|token the rankings and 督办 panels show
  rankings: null,
  inbox: null,
  todo: null,
  detail: null,
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
  const asOf = state.asOf;
  for (;;) {
    const data = await graphql(state.queries.tree, { first: 100, after, asOf });
    state.me = data.me;
    const page = data.orgUnits;
    units.push(...page.edges.map((edge) => edge.node));
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  state.tree.load(units);
  state.treeAsOf = asOf;
  refreshTokenState();
  $("foot").textContent = `单位 ${units.length} 个`;
}

function screenVariables() {
  return {
    unit: state.unitId,
    asOf: state.asOf,
    overdueFirst: 20,
    rectificationsFirst: 50,
    tasksFirst: 20,
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

/** The next page of one of the screen's lists (the page query of the same list). */
async function nextPage(query, field, extra, after) {
  const data = await graphql(state.queries[query], { unit: state.screen.id, first: 20, after, ...extra });
  return data.unit[field];
}

function openTask(id) {
  state.detail.open(id, { asOf: state.asOf, unit: state.screen.id });
}

function render() {
  const unit = state.screen;
  const asOf = state.asOf;
  const select = (id) => selectUnit(id);
  renderCrumbs(unit, select);
  renderCards(unit.taskRollup);
  renderChildren(unit.children, unit.tasks, asOf, select, {
    onMoreTasks: (after) => nextPage("tasksPage", "tasks", { asOf }, after),
    onTask: openTask,
  });
  renderOverdue(unit.overdue, unit.taskRollup, asOf, {
    onSelect: select,
    onMore: (after) => nextPage("overduePage", "overdue", { asOf }, after),
    onTask: openTask,
  });
  renderRectifications(unit.rectificationRollup, unit.rectifications, asOf, todayInShanghai(), {
    onMore: (after) => nextPage("rectificationsPage", "rectifications", { asOf, first: 50 }, after),
  });
  renderIndicatorChoice();
  renderChart();
  // Rankings and 督办 are asked again when the unit, the day or the token changes, not on
  // every live refresh (that would close a reply being typed).
  const panelsKey = `${unit.id}|${asOf}|${getToken()}`;
  if (panelsKey !== state.panelsKey) {
    state.panelsKey = panelsKey;
    state.rankings.show(unit, asOf, state.indicator);
    state.inbox.show(state.me, asOf, todayInShanghai());
    state.todo.show(state.me);
  }
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
  ["tasksPage", "UnitTasksPage（牵头任务翻页）"],
  ["rectificationsPage", "RectificationsPage（整改翻页）"],
  ["rankings", "Rankings（排名）"],
  ["escalations", "Escalations（督办件）"],
  ["acknowledge", "EscalationAcknowledge（签收）"],
  ["reply", "EscalationReply（回复）"],
  ["close", "EscalationClose（办结）"],
  ["todo", "Todo（待办：待审核报告、待审批延期）"],
  ["review", "ReportReview（审核报告）"],
  ["decideExtension", "ExtensionDecide（审批延期）"],
  ["taskDetail", "TaskDetail（任务详情）"],
  ["rollupChanged", "RollupChanged（实时订阅）"],
];

function tabVariables(tab) {
  switch (tab) {
    case "screen":
      return screenVariables();
    case "tree":
      return { first: 100, after: null, asOf: state.asOf };
    case "overduePage":
    case "tasksPage":
      return { unit: state.unitId, asOf: state.asOf, first: 20, after: "<上一页的 pageInfo.endCursor>" };
    case "rectificationsPage":
      return { unit: state.unitId, asOf: state.asOf, first: 50, after: "<上一页的 pageInfo.endCursor>" };
    case "rankings":
      return state.rankings.variables() || {};
    case "escalations":
      return state.inbox.variables();
    case "acknowledge":
      return { escalation: "<Escalation.id>", expectedVersion: "<Escalation.version>" };
    case "reply":
      return { escalation: "<Escalation.id>", kind: "EXPLANATION", text: "…", promisedBy: null, expectedVersion: "<Escalation.version>" };
    case "close":
      return { escalation: "<Escalation.id>", note: "…", expectedVersion: "<Escalation.version>" };
    case "todo":
      return state.todo.variables();
    case "review":
      return { report: "<ProgressReport.id>", decision: "ACCEPT", reason: null, expectedVersion: "<ProgressReport.version>" };
    case "decideExtension":
      return { request: "<ExtensionRequest.id>", decision: "REJECT", reason: "…", expectedVersion: "<ExtensionRequest.version>" };
    case "taskDetail":
      return { id: "<Task.id>", asOf: state.asOf, unit: state.unitId, reportsFirst: 10, reportsAfter: null };
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
      setTimeout(() => URL.revokeObjectURL(url), 60000);
    } else {
      URL.revokeObjectURL(url);
      saveBlob(blob, `${state.screen ? state.screen.name : "单位"}通报${state.asOf}.xlsx`);
    }
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
  state.rankings = new RankingsPanel($("rankings"), (variables) => graphql(state.queries.rankings, variables));
  state.inbox = new InboxPanel($("inbox"), (name, variables) => graphql(state.queries[name], variables), openTask);
  state.todo = new TodoPanel($("todo"), (name, variables) => graphql(state.queries[name], variables), openTask);
  state.detail = new TaskDetail(
    $("task-detail"),
    (variables) => graphql(state.queries.taskDetail, variables),
    async (file) => {
      try {
        saveBlob(await downloadFile(file.url), file.name);
        document.body.dataset.downloaded = file.url;
      } catch (error) {
        handleFailure(error);
      }
    },
  );
  const asOf = $("as-of");
  asOf.value = state.asOf;
  asOf.addEventListener("change", () => {
    if (!asOf.value) return;
    state.asOf = asOf.value;
    const url = new URL(location.href);
    url.searchParams.set("asOf", state.asOf);
    history.replaceState(history.state, "", url);
    loadScreen();
    // The tree's counts (and the units in force) are for the chosen day too.
    loadTree()
      .then(() => state.unitId && state.tree.select(state.unitId))
      .catch(handleFailure);
  });
  $("refresh").addEventListener("click", () => {
    state.panelsKey = null; // 刷新: every panel
    loadScreen();
  });
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
