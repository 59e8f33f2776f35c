"""Targets, monthly measurements and inspections of the synthetic province.

Every city and district gets annual and monthly targets for the air indicators of the
seed ledger (baseline = the previous year's actual) and a monthly measurement series over
the two years before as_of, seasonal like the real ones. Every city gets an inspection by
the province's inspection team with numbered findings and a rectification plan whose items
are in every workflow state, each reached through the legal transitions as events.
"""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta
from typing import Any

from models.enums import (
    DeadlineKind,
    IndicatorDirection,
    RectificationStatus,
    TargetKind,
)
from seeds.synthetic import Gov, Province, Row, add_months, start_of_day
from seeds.synthetic_names import FINDING_TEXTS

S = RectificationStatus
# code, name, unit, direction, typical annual value, seasonal swing (winter high when > 0)
INDICATORS: tuple[tuple[str, str, str, IndicatorDirection, float, float], ...] = (
    ("PM25", "细颗粒物（PM2.5）平均浓度", "µg/m³", IndicatorDirection.LOWER_IS_BETTER, 42, 0.45),
    ("PM10", "可吸入颗粒物（PM10）平均浓度", "µg/m³", IndicatorDirection.LOWER_IS_BETTER, 75, 0.35),
    ("O3", "臭氧日最大8小时第90百分位浓度", "µg/m³", IndicatorDirection.LOWER_IS_BETTER, 170, -0.3),
    ("NO2", "二氧化氮平均浓度", "µg/m³", IndicatorDirection.LOWER_IS_BETTER, 30, 0.25),
    ("SO2", "二氧化硫平均浓度", "µg/m³", IndicatorDirection.LOWER_IS_BETTER, 14, 0.5),
    ("CO", "一氧化碳第95百分位浓度", "mg/m³", IndicatorDirection.LOWER_IS_BETTER, 1.6, 0.4),
    (
        "GOOD_DAYS_RATIO",
        "空气质量优良天数比例",
        "%",
        IndicatorDirection.HIGHER_IS_BETTER,
        70,
        -0.15,
    ),
)
# The transitions that lead to each final state (from NOT_STARTED), in order.
PATHS: dict[S, tuple[S, ...]] = {
    S.NOT_STARTED: (),
    S.IN_PROGRESS: (S.IN_PROGRESS,),
    S.COMPLETED: (S.IN_PROGRESS, S.COMPLETED),
    S.VERIFIED: (S.IN_PROGRESS, S.COMPLETED, S.VERIFIED),
    S.CLOSED: (S.IN_PROGRESS, S.COMPLETED, S.VERIFIED, S.CLOSED),
    S.REOPENED: (S.IN_PROGRESS, S.COMPLETED, S.VERIFIED, S.REOPENED),
}
STATE_WEIGHTS = ((S.CLOSED, 30), (S.VERIFIED, 15), (S.COMPLETED, 20), (S.IN_PROGRESS, 20))
SUPERVISED = {S.VERIFIED, S.CLOSED, S.REOPENED}


def extra_tables(province: Province) -> list[tuple[str, list[Row]]]:
    """Indicator, target, measurement and inspection rows, parents first."""
    rng = random.Random(province.seed * 7919 + 2)
    tables: dict[str, list[Row]] = {
        name: []
        for name in (
            "indicator",
            "document",
            "inspection",
            "finding",
            "rectification",
            "rectification_finding",
            "rectification_assignment",
            "rectification_event",
            "target",
            "measurement",
        )
    }
    _indicators(province, rng, tables)
    for city in province.province.children:
        _inspection(province, city, rng, tables)
    return list(tables.items())


def _indicators(province: Province, rng: random.Random, out: dict[str, list[Row]]) -> None:
    as_of = province.as_of
    years = (as_of.year - 2, as_of.year - 1, as_of.year)
    govs = [g for c in province.province.children for g in (c, *c.children)]
    stamp = start_of_day(as_of - timedelta(days=HISTORY_START))
    for code, name, unit, direction, typical, swing in INDICATORS:
        indicator_id = province.id("indicator", code)
        out["indicator"].append(
            {
                "id": indicator_id,
                "code": code,
                "name": name,
                "unit": unit,
                "direction": direction.value,
                "kind": "NUMERIC",
                "description": None,
            }
        )
        lower = direction is IndicatorDirection.LOWER_IS_BETTER
        for gov in govs:
            unit_id = province.units[gov.index]["id"]
            level = typical * rng.uniform(0.8, 1.2)
            actual: dict[int, float] = {}
            for year in years:
                monthly: list[float] = []
                for month in range(1, 13):
                    if date(year, month, 1) > as_of:
                        break
                    season = 1 + swing * math.cos(2 * math.pi * (month - 1) / 12)
                    value = (
                        level
                        * season
                        * rng.uniform(0.85, 1.15)
                        * (0.97 if lower else 1.01) ** (year - years[0])
                    )
                    value = min(round(value, 1), 100.0) if unit == "%" else round(value, 1)
                    monthly.append(value)
                    out["measurement"].append(
                        _measurement(province, indicator_id, unit_id, year, month, value, stamp)
                    )
                if len(monthly) == 12:
                    actual[year] = round(sum(monthly) / 12, 1)
                    out["measurement"].append(
                        _measurement(
                            province, indicator_id, unit_id, year, None, actual[year], stamp
                        )
                    )
            for year in years[1:]:
                baseline = actual.get(year - 1)
                base = baseline if baseline is not None else level
                goal = round(base * 0.95, 1) if lower else round(min(base + 2, 100.0), 1)
                for month in (None, *range(1, 13)):
                    season = (
                        1.0
                        if month is None
                        else 1 + swing * math.cos(2 * math.pi * (month - 1) / 12)
                    )
                    out["target"].append(
                        {
                            "id": province.id("target", indicator_id, unit_id, year, month),
                            "indicator_id": indicator_id,
                            "org_unit_id": unit_id,
                            "section_id": None,
                            "year": year,
                            "month": month,
                            "kind": (
                                TargetKind.BINDING if month is None else TargetKind.PRE_CONTROL
                            ).value,
                            "value": round(goal * season, 1) if unit != "%" else goal,
                            "value_text": None,
                            "baseline": baseline,
                            "baseline_year": year - 1 if baseline is not None else None,
                            "document_id": None,
                            "source": "年度空气质量目标责任书",
                            "remarks": None,
                            "created_at": stamp,
                            "updated_at": stamp,
                            "version": 1,
                        }
                    )


HISTORY_START = 3 * 365


def _measurement(
    province: Province,
    indicator_id: Any,
    unit_id: Any,
    year: int,
    month: int | None,
    value: float,
    stamp: datetime,
) -> Row:
    return {
        "id": province.id("measurement", indicator_id, unit_id, year, month),
        "indicator_id": indicator_id,
        "org_unit_id": unit_id,
        "section_id": None,
        "year": year,
        "month": month,
        "value": value,
        "value_text": None,
        "source": "环境空气质量自动监测",
        "document_id": None,
        "remarks": None,
        "recorded_at": stamp,
    }


def _inspection(
    province: Province, city: Gov, rng: random.Random, out: dict[str, list[Row]]
) -> None:
    as_of = province.as_of
    units = province.units
    city_row, team = units[city.index], units[province.team]
    on_site = as_of - timedelta(days=rng.randint(480, 560))
    feedback = on_site + timedelta(days=rng.randint(100, 140))
    inspection_id = province.id("inspection", city_row["code"])
    doc_id = province.id("document", city_row["code"], "rectification")
    doc_number = f"{city_row['name']}委办发〔{feedback.year}〕{rng.randint(20, 90)}号"
    out["document"].append(
        {
            "id": doc_id,
            "doc_number": doc_number,
            "doc_number_normalized": doc_number,
            "title": f"{city_row['name']}贯彻落实省生态环境保护督察反馈意见整改方案",
            "kind": "RECTIFICATION_PLAN",
            "issuer_id": city_row["id"],
            "issued_on": feedback + timedelta(days=30),
            "based_on": None,
            "summary": None,
            "body": None,
            "attributes": {},
            "remarks": None,
            "created_at": start_of_day(feedback),
            "updated_at": start_of_day(feedback),
            "version": 1,
        }
    )
    out["inspection"].append(
        {
            "id": inspection_id,
            "name": f"省第一生态环境保护督察组对{city_row['name']}的督察",
            "inspector_id": team["id"],
            "subject_unit_id": city_row["id"],
            "sunk_unit_ids": [str(units[d.index]["id"]) for d in city.children[:2]],
            "on_site_from": on_site,
            "on_site_to": on_site + timedelta(days=30),
            "feedback_on": feedback,
            "document_id": doc_id,
            "remarks": None,
            "created_at": start_of_day(feedback),
            "updated_at": start_of_day(feedback),
            "version": 1,
        }
    )
    findings = []
    for number in range(1, 13 + rng.randint(0, 7)):
        finding_id = province.id("finding", inspection_id, number)
        findings.append(finding_id)
        out["finding"].append(
            {
                "id": finding_id,
                "inspection_id": inspection_id,
                "number": number,
                "section": None,
                "subsection": None,
                "text": f"{rng.choice(FINDING_TEXTS)}（问题{number}）",
            }
        )
    responsible = city.departments + [d.index for d in city.children]
    for seq in range(1, len(findings) + rng.randint(2, 8)):
        final = list(PATHS)[seq - 1] if seq <= len(PATHS) else _weighted(rng)
        rect_id = province.id("rectification", doc_id, seq)
        leads = rng.sample(responsible, min(rng.randint(1, 3), len(responsible)))
        ongoing = rng.random() < 0.15
        end = None if ongoing else add_months(feedback, rng.randint(3, 18))
        events = _events(province, rect_id, final, leads[0], feedback, rng)
        out["rectification"].append(
            {
                "id": rect_id,
                "inspection_id": inspection_id,
                "document_id": doc_id,
                "seq": seq,
                "category": None,
                "problem": f"{rng.choice(FINDING_TEXTS)}",
                "goal": "问题整改到位，长效机制建立健全",
                "measures": ["制定专项整改方案", "建立问题台账，逐项销号"],
                "responsibility_text": "、".join(units[u]["name"] for u in leads),
                "responsibility_unresolved": [],
                "responsible_persons": "分管副市长；责任单位主要负责人",
                "deadline_kind": (DeadlineKind.ONGOING if ongoing else DeadlineKind.BY_DATE).value,
                "deadline_start": None,
                "deadline_end": end,
                "deadline_text": "长期坚持" if end is None else f"{end.year}年{end.month}月底前",
                "status": final.value,
                "created_at": start_of_day(feedback),
                "updated_at": events[-1]["occurred_at"] if events else start_of_day(feedback),
                "version": 1 + len(events),
            }
        )
        out["rectification_event"].extend(events)
        linked = {findings[(seq - 1) % len(findings)], rng.choice(findings)}
        for finding_id in sorted(linked):
            out["rectification_finding"].append(
                {"rectification_id": rect_id, "finding_id": finding_id}
            )
        for unit in leads:
            out["rectification_assignment"].append(
                {
                    "id": province.id("rectification_assignment", rect_id, units[unit]["id"]),
                    "rectification_id": rect_id,
                    "org_unit_id": units[unit]["id"],
                    "role": "LEAD",
                    "via_group": None,
                    # Assigned with the item (a fixed time: the same seed, the same rows).
                    "assigned_at": start_of_day(feedback),
                    # The item's events move it as a whole: every share is where it is.
                    "status": final.value,
                    "version": 1 + len(events),
                }
            )


def _weighted(rng: random.Random) -> S:
    roll = rng.randrange(sum(w for _, w in STATE_WEIGHTS) + 15)
    for state, weight in STATE_WEIGHTS:
        roll -= weight
        if roll < 0:
            return state
    return S.REOPENED if roll < 10 else S.NOT_STARTED


def _events(
    province: Province, rect_id: Any, final: S, lead: int, feedback: date, rng: random.Random
) -> list[Row]:
    """The transitions from NOT_STARTED to `final`, spaced out after the feedback."""
    units = province.units
    ceiling = start_of_day(province.as_of)
    at = start_of_day(feedback + timedelta(days=rng.randint(5, 20)))
    current: S = S.NOT_STARTED
    rows: list[Row] = []
    for step, target in enumerate(PATHS[final]):
        later = at + timedelta(days=rng.randint(10, 70))
        at = later if later <= ceiling else at + timedelta(minutes=1)
        actor = province.team if target in SUPERVISED else lead
        rows.append(
            {
                "id": province.id("rectification_event", rect_id, step),
                "rectification_id": rect_id,
                "assignment_id": None,
                "from_status": current.value,
                "to_status": target.value,
                "actor_unit_id": units[actor]["id"],
                "actor": units[actor]["name"],
                "occurred_at": at,
                "evidence": (
                    [{"url": f"https://evidence.example.org/{rect_id.hex}/{step}.pdf"}]
                    if target is S.COMPLETED
                    else []
                ),
                "comment": None,
            }
        )
        current = target
    return rows
