// Targets vs measurements (目标与实际): monthly targets of a year, the baseline year's actuals
// (Target.baseline) and this year's measured values (Target.attainment.actual).

import * as echarts from "./vendor/echarts.esm.min.js";
import { ATTAINMENT } from "./format.js";

const PREFERRED = ["PM25", "PM10", "O3", "NO2", "SO2", "CO"];
const MONTHS = Array.from({ length: 12 }, (_, i) => `${i + 1}月`);

let chart = null;

/** Monthly targets of `unit`, else of its nearest ancestor that has some: {owner, targets}. */
export function monthlyTargetSource(unit) {
  for (const owner of [unit, ...[...unit.ancestors].reverse()]) {
    const targets = owner.targets.filter((t) => t.month !== null && t.value !== null);
    if (targets.length) return { owner, targets };
  }
  return { owner: null, targets: [] };
}

/** Indicators that have monthly targets, PM2.5 first. */
export function chartIndicators(targets) {
  const byCode = new Map();
  for (const t of targets) byCode.set(t.indicator.code, t.indicator);
  const rank = (code) => (PREFERRED.includes(code) ? PREFERRED.indexOf(code) : PREFERRED.length);
  return [...byCode.values()].sort((a, b) => rank(a.code) - rank(b.code) || a.code.localeCompare(b.code));
}

function fmt(value) {
  return value === null || value === undefined ? "—" : String(Math.round(value * 100) / 100);
}

/** Draws the chart; returns a one-line summary for the panel's subtitle. */
export function renderTargetsChart(element, unit, indicatorCode) {
  const { owner, targets } = monthlyTargetSource(unit);
  const ofIndicator = targets.filter((t) => t.indicator.code === indicatorCode);
  if (!owner || !ofIndicator.length) {
    if (chart) {
      chart.dispose();
      chart = null;
    }
    element.replaceChildren();
    element.dataset.state = "empty";
    const p = document.createElement("p");
    p.className = "empty";
    p.textContent = "本单位及上级单位均未设定月度目标";
    element.append(p);
    return "";
  }
  const year = Math.max(...ofIndicator.map((t) => t.year));
  const monthly = ofIndicator.filter((t) => t.year === year);
  const byMonth = new Map(monthly.map((t) => [t.month, t]));
  const indicator = monthly[0].indicator;
  const baselineYear = monthly.find((t) => t.baselineYear)?.baselineYear ?? year - 1;
  const annual = owner.targets.find(
    (t) => t.indicator.code === indicatorCode && t.year === year && t.month === null,
  );
  const point = (month, pick) => {
    const t = byMonth.get(month);
    return t ? pick(t) : null;
  };
  const targetSeries = MONTHS.map((_, i) => point(i + 1, (t) => t.value));
  const baselineSeries = MONTHS.map((_, i) => point(i + 1, (t) => t.baseline));
  const actualSeries = MONTHS.map((_, i) =>
    point(i + 1, (t) =>
      t.attainment.actual === null
        ? null
        : {
            value: t.attainment.actual,
            itemStyle: { color: t.attainment.status === "MISSED" ? "#c0392b" : "#1e8449" },
            status: t.attainment.status,
          },
    ),
  );
  const measured = actualSeries.filter((v) => v !== null).length;
  element.dataset.state = "chart";
  element.dataset.year = String(year);
  element.dataset.points = String(monthly.length);
  if (element.querySelector(".empty")) element.replaceChildren();
  if (!chart) chart = echarts.init(element, null, { renderer: "canvas" });
  const lowerBetter = indicator.direction === "LOWER_IS_BETTER";
  chart.setOption(
    {
      animation: false,
      color: ["#3a6ea5", "#9aa5b1", "#1e8449"],
      grid: { left: 44, right: 44, top: 40, bottom: 28 },
      legend: { top: 4, itemWidth: 14, itemHeight: 8, textStyle: { fontSize: 12 } },
      tooltip: {
        trigger: "axis",
        valueFormatter: (v) => (v === null || v === undefined ? "—" : `${fmt(v)} ${indicator.unit || ""}`),
      },
      xAxis: { type: "category", data: MONTHS, axisTick: { alignWithLabel: true } },
      yAxis: {
        type: "value",
        name: indicator.unit || "",
        nameTextStyle: { align: "left", padding: [0, 0, 0, -30] },
        splitLine: { lineStyle: { color: "#eef1f4" } },
      },
      series: [
        {
          name: `${year}年目标`,
          type: "bar",
          data: targetSeries,
          barMaxWidth: 18,
          itemStyle: { borderRadius: [3, 3, 0, 0] },
          markLine: annual
            ? {
                symbol: "none",
                lineStyle: { type: "dashed", color: "#b03a2e" },
                label: { formatter: `全年\n${fmt(annual.value)}`, position: "end", color: "#b03a2e" },
                data: [{ yAxis: annual.value }],
              }
            : undefined,
        },
        {
          name: `${baselineYear}年实际（基准）`,
          type: "line",
          data: baselineSeries,
          symbol: "circle",
          symbolSize: 5,
          lineStyle: { width: 2 },
        },
        {
          name: `${year}年实际`,
          type: "line",
          data: actualSeries,
          symbol: "diamond",
          symbolSize: 9,
          lineStyle: { width: 2 },
          connectNulls: false,
        },
      ],
    },
    { notMerge: true },
  );
  chart.resize();
  const direction = lowerBetter ? "越低越好" : "越高越好";
  const annualText = annual
    ? `全年目标 ${fmt(annual.value)}${indicator.unit || ""}（${baselineYear}年 ${fmt(annual.baseline)}）`
    : "";
  const status = annual ? `，全年 ${ATTAINMENT[annual.attainment.status] || annual.attainment.status}` : "";
  const inherited = owner.id === unit.id ? "" : `目标设于${owner.name}；`;
  return `${inherited}${indicator.name}（${direction}）${annualText ? `；${annualText}` : ""}；${year}年已有 ${measured} 个月实测${status}`;
}

export function resizeChart() {
  if (chart) chart.resize();
}
