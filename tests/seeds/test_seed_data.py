"""Completeness checks for the reviewed seed-document transcription in seeds/data/.

The YAML files are the only source the project reads at run time, so these tests pin the
counts and a few spot values of the four seed documents (城政办发〔2023〕20号 and its
ledgers, the 城区 inspection rectification plan, proposal reply TA0379, the county news page)
and check that every unit name the documents use resolves through org_units.yaml.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

DATA = Path(__file__).resolve().parents[2] / "seeds" / "data"
DOCUMENTS = DATA / "documents"

ACTION_PLANS = "2023-chengqu-action-plans.yaml"
RECTIFICATION_PLAN = "2024-provincial-inspection-rectification.yaml"
PROPOSAL_REPLY = "2025-proposal-TA0379.yaml"
COUNTY_NEWS = "2024-county-news.yaml"
ALL_DOCUMENTS = [ACTION_PLANS, RECTIFICATION_PLAN, PROPOSAL_REPLY, COUNTY_NEWS]

GROUP_REFERENCES = {
    "各镇（街道）",
    "各相关镇（街道）",
    "相关镇（街道）",
    "区直相关单位",
    "区直各相关单位",
    "各街道党工委",
    "各街道办事处",
}
POLLUTANTS = ["SO2", "NO2", "PM10", "CO", "O3", "PM25"]
MONTHS: list[int | None] = [*range(1, 13), None]

ORG_UNIT_KINDS = {
    "PROVINCE",
    "CITY",
    "DISTRICT",
    "TOWN",
    "DEPARTMENT",
    "ENTERPRISE",
    "INSPECTION_TEAM",
    "OTHER",
}
TARGET_KINDS = {"BINDING", "PRE_CONTROL", "STRIVING"}
DOCUMENT_KINDS = {"NOTICE", "RECTIFICATION_PLAN", "PROPOSAL_REPLY", "NEWS", "OTHER"}
PLAN_KINDS = {"ACTION_PLAN", "PROJECT_LIST", "OTHER"}
PLAN_FIELDS = {"AIR", "WATER", "SOIL", "ECOLOGY", "OTHER"}
ASSESSMENT_LEVELS = {"NATIONAL", "PROVINCIAL", "MUNICIPAL", "COUNTY"}
DIRECTIONS = {"LOWER_IS_BETTER", "HIGHER_IS_BETTER"}
INDICATOR_KINDS = {"NUMERIC", "WATER_CLASS"}

# Findings numbers of the 17 rectification items, in document order.
FINDING_NUMBERS = [1, 2, 4, 7, 9, 11, 14, 17, 24, 25, 28, 31, 35, 36, 38, 39, 40]

# 附件1 of 城政办发〔2023〕20号: (2022 actual, 2023 pre-control) per pollutant, by month
# (None = 全年). Columns in the source: SO₂, NO₂, PM₁₀, CO, O₃, PM₂.₅.
PRE_CONTROL_TABLE: dict[int | None, list[tuple[int, int]]] = {
    1: [(12, 12), (33, 29), (116, 105), (2, 2), (93, 87), (80, 54)],
    2: [(11, 9), (29, 30), (87, 102), (2, 2), (114, 114), (50, 70)],
    3: [(10, 9), (29, 29), (134, 114), (2, 2), (147, 147), (48, 45)],
    4: [(9, 9), (33, 33), (94, 84), (2, 2), (169, 169), (34, 33)],
    5: [(8, 8), (29, 28), (65, 61), (1, 1), (192, 192), (23, 22)],
    6: [(7, 7), (21, 21), (64, 60), (1, 1), (234, 234), (22, 22)],
    7: [(5, 5), (17, 17), (43, 43), (1, 1), (183, 183), (21, 21)],
    8: [(6, 6), (15, 15), (49, 49), (2, 2), (166, 166), (22, 22)],
    9: [(9, 9), (31, 31), (73, 67), (2, 2), (185, 185), (31, 31)],
    10: [(7, 7), (32, 31), (72, 67), (2, 2), (152, 152), (38, 36)],
    11: [(7, 7), (33, 32), (77, 71), (2, 2), (128, 128), (44, 41)],
    12: [(12, 12), (34, 33), (87, 81), (2, 2), (81, 81), (41, 39)],
    None: [(9, 8), (28, 27), (80, 75), (2, 2), (180, 178), (38, 36)],
}


@cache
def load(path: str) -> Any:
    with (DATA / path).open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def document(name: str) -> Any:
    return load(f"documents/{name}")


def units() -> list[dict[str, Any]]:
    return list(load("org_units.yaml")["units"])


def indicators() -> list[dict[str, Any]]:
    return list(load("indicators.yaml")["indicators"])


def plan(key: str) -> dict[str, Any]:
    (found,) = [p for p in document(ACTION_PLANS)["plans"] if p["key"] == key]
    return dict(found)


def normalise(name: str) -> str:
    """Compare unit names ignoring whitespace and bracket width."""
    return "".join(name.split()).replace("（", "(").replace("）", ")")


def known_names() -> set[str]:
    names = {normalise(g) for g in GROUP_REFERENCES}
    for unit in units():
        names.add(normalise(unit["name"]))
        names.update(normalise(a) for a in unit["aliases"])
    return names


def _names_in(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _names_in(item)


UNIT_KEYS = {
    "leads",
    "cooperating",
    "responsible_units",
    "issuer",
    "unit",
    "context",
    "inspector",
    "subject_unit",
    "sunk_units",
    "handling_unit",
    "objects",
    "subject_units",
}


def unit_references(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Yield (path, name) for every value of a unit-valued key anywhere in a document."""
    if isinstance(node, dict):
        for key, value in node.items():
            where = f"{path}.{key}"
            if key in UNIT_KEYS:
                for name in _names_in(value):
                    yield where, name
            else:
                yield from unit_references(value, where)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from unit_references(item, f"{path}[{i}]")


def all_targets() -> list[dict[str, Any]]:
    return [t for name in ALL_DOCUMENTS for t in document(name).get("targets", [])]


def all_measurements() -> list[dict[str, Any]]:
    return [m for name in ALL_DOCUMENTS for m in document(name).get("measurements", [])]


class TestOrgUnits:
    def test_names_and_codes_are_unique(self) -> None:
        names = [u["name"] for u in units()]
        codes = [u["code"] for u in units()]
        assert len(names) == len(set(names))
        assert len(codes) == len(set(codes))
        assert all(isinstance(c, str) for c in codes)

    def test_aliases_resolve_to_one_unit(self) -> None:
        owner: dict[str, str] = {}
        for unit in units():
            for spelling in [unit["name"], *unit["aliases"]]:
                key = normalise(spelling)
                assert owner.setdefault(key, unit["name"]) == unit["name"], spelling

    def test_parents_and_line_parents_appear_earlier(self) -> None:
        seen: set[str] = set()
        for unit in units():
            assert unit["kind"] in ORG_UNIT_KINDS, unit["name"]
            for key in ("parent", "line_parent"):
                if unit.get(key) is not None:
                    assert unit[key] in seen, (unit["name"], key, unit[key])
            seen.add(unit["name"])

    def test_only_the_province_is_a_root(self) -> None:
        roots = [u["name"] for u in units() if u["parent"] is None]
        assert roots == ["山西省"]

    def test_county_level_units_carry_gb2260_codes(self) -> None:
        by_name = {u["name"]: u for u in units()}
        expected = {
            "山西省": "140000",
            "晋城市": "140500",
            "城区": "140502",
            "沁水县": "140521",
            "阳城县": "140522",
            "陵川县": "140524",
            "泽州县": "140525",
            "高平市": "140581",
        }
        for name, code in expected.items():
            assert by_name[name]["code"] == code
        for name in ("城区", "沁水县", "阳城县", "陵川县", "泽州县", "高平市"):
            assert by_name[name]["kind"] == "DISTRICT"
            assert by_name[name]["parent"] == "晋城市"

    def test_ecology_line_runs_district_to_province(self) -> None:
        by_name = {u["name"]: u for u in units()}
        assert by_name["城区生态环境分局"]["line_parent"] == "晋城市生态环境局"
        assert by_name["晋城市生态环境局"]["line_parent"] == "山西省生态环境厅"
        assert by_name["晋城市生态环境局阳城分局"]["parent"] == "阳城县"
        assert by_name["晋城市生态环境局沁水分局"]["parent"] == "沁水县"

    @pytest.mark.parametrize(
        "spelling",
        [
            "区发改局",
            "区发改(能源)局",
            "区发改（能源）局",
            "区城管局",
            "区城市管理局",
            "钟家庄办事处",
            "钟家庄街道办事处",
            "北石店镇党委",
            "北石店镇政府",
            "南村镇人民政府",
            "卫永堂砖厂",
            "金秋铸造",
            "晋城市凤禹排水有限公司",
            "市生态环境局",
            "区环委办",
            "山西省第三生态环境保护督察组",
        ],
    )
    def test_document_spellings_are_known(self, spelling: str) -> None:
        assert normalise(spelling) in known_names()

    @pytest.mark.parametrize("name", ALL_DOCUMENTS)
    def test_every_unit_reference_resolves(self, name: str) -> None:
        known = known_names()
        unknown = [
            (where, unit)
            for where, unit in unit_references(document(name))
            if unit is not None and normalise(unit) not in known
        ]
        assert unknown == []

    def test_monitoring_sections_name_known_units(self) -> None:
        known = known_names()
        for section in document(ACTION_PLANS)["monitoring_sections"]:
            assert normalise(section["unit"]) in known


class TestIndicators:
    def test_codes_are_unique_and_well_formed(self) -> None:
        codes = [i["code"] for i in indicators()]
        assert len(codes) == len(set(codes))
        for ind in indicators():
            assert ind["code"].isascii()
            assert ind["code"] == ind["code"].upper()
            assert ind["direction"] in DIRECTIONS
            assert ind["kind"] in INDICATOR_KINDS
            assert ind["name"]

    def test_every_used_indicator_is_defined_and_every_defined_one_is_used(self) -> None:
        defined = {i["code"] for i in indicators()}
        used = {t["indicator"] for t in all_targets()} | {
            m["indicator"] for m in all_measurements()
        }
        assert used == defined

    def test_air_indicator_units(self) -> None:
        by_code = {i["code"]: i for i in indicators()}
        assert by_code["CO"]["unit"] == "mg/m³"
        for code in ("SO2", "NO2", "PM10", "O3", "PM25"):
            assert by_code[code]["unit"] == "µg/m³"
        assert "90" in by_code["O3"]["description"]
        assert by_code["AQI_COMPOSITE_RANK_168"]["direction"] == "LOWER_IS_BETTER"
        assert by_code["WATER_QUALITY_CLASS"]["kind"] == "WATER_CLASS"


class TestActionPlansDocument:
    def test_document_header(self) -> None:
        doc = document(ACTION_PLANS)["document"]
        assert doc["doc_number"] == "城政办发〔2023〕20号"
        assert doc["kind"] in DOCUMENT_KINDS
        assert str(doc["issued_on"]) == "2023-05-31"
        assert doc["context"] == "城区"

    def test_plans_are_well_formed(self) -> None:
        plans = document(ACTION_PLANS)["plans"]
        keys = [p["key"] for p in plans]
        assert sorted(keys) == ["air", "soil", "water", "water-projects"]
        for p in plans:
            assert p["kind"] in PLAN_KINDS
            assert p["field"] in PLAN_FIELDS
            assert p["year"] == 2023
            assert p["parent"] is None or p["parent"] in keys
        assert plan("water-projects")["parent"] == "water"
        assert plan("water-projects")["kind"] == "PROJECT_LIST"

    def test_air_ledger_has_34_complete_rows_in_order(self) -> None:
        tasks = plan("air")["tasks"]
        assert [t["seq"] for t in tasks] == list(range(1, 35))
        for t in tasks:
            assert t["category"]
            assert t["measure"]
            assert t["deadline"]
            assert t["leads"]
        categories = list(dict.fromkeys(t["category"] for t in tasks))
        assert len(categories) == 5
        assert categories[0] == "一、产业结构优化调整"

    def test_air_ledger_spot_values(self) -> None:
        tasks = {t["seq"]: t for t in plan("air")["tasks"]}
        assert tasks[1]["deadline"] == "长期坚持"
        assert tasks[1]["leads"] == [
            "区发改(能源)局",
            "区工信局",
            "区民营经济局",
            "区行政审批局",
            "区生态环境分局",
        ]
        assert tasks[2]["deadline"] == "2024年12月底前"
        assert tasks[23]["leads"] == ["各镇（街道）"]
        assert tasks[33]["deadline"] == "2023年5-9月"
        assert len(tasks[31]["leads"]) == 4

    def test_air_narrative_measures(self) -> None:
        measures = plan("air")["narrative_measures"]
        assert [m["seq"] for m in measures] == list(range(1, 18))
        for m in measures:
            assert m["heading"]
            assert m["title"]
            assert m["text"]
            assert m["leads"]

    @pytest.mark.parametrize("key", ["water", "soil"])
    def test_water_and_soil_plans_have_14_tasks(self, key: str) -> None:
        tasks = plan(key)["tasks"]
        assert [t["seq"] for t in tasks] == list(range(1, 15))
        for t in tasks:
            assert t["category"]
            assert t["title"]
            assert t["measure"]
            assert t["leads"]
            assert t["deadline"] is None

    def test_water_task_assignments_follow_lead_and_cooperate_wording(self) -> None:
        tasks = {t["seq"]: t for t in plan("water")["tasks"]}
        assert tasks[1]["leads"] == ["区水务局"]
        assert tasks[1]["cooperating"] == ["各镇（街道）"]
        assert tasks[5]["cooperating"] == ["区行政审批局"]
        assert tasks[10]["cooperating"] == []

    def test_key_water_projects(self) -> None:
        tasks = plan("water-projects")["tasks"]
        assert [t["seq"] for t in tasks] == [1, 2, 3]
        assert [t["deadline"] for t in tasks] == ["2023年12月", "2023年10月", "2023年5月"]
        for t in tasks:
            assert t["measure"]
            assert t["leads"]

    def test_monitoring_sections(self) -> None:
        sections = {s["name"]: s for s in document(ACTION_PLANS)["monitoring_sections"]}
        assert set(sections) == {"白水河", "洞头", "金匠桥"}
        assert sections["白水河"]["assessment_level"] == "PROVINCIAL"
        assert sections["洞头"]["assessment_level"] == "MUNICIPAL"
        assert sections["金匠桥"]["assessment_level"] == "MUNICIPAL"
        for s in sections.values():
            assert s["assessment_level"] in ASSESSMENT_LEVELS


class TestAirTargets:
    @staticmethod
    def pre_control() -> list[dict[str, Any]]:
        return [t for t in document(ACTION_PLANS)["targets"] if t["kind"] == "PRE_CONTROL"]

    def test_78_pre_control_targets_and_78_baseline_measurements(self) -> None:
        targets = self.pre_control()
        measurements = [m for m in document(ACTION_PLANS)["measurements"] if m["year"] == 2022]
        assert len(targets) == 78
        assert len(measurements) == 78
        keys = {(t["indicator"], t["month"]) for t in targets}
        assert keys == {(p, m) for p in POLLUTANTS for m in MONTHS}
        assert {(m["indicator"], m["month"]) for m in measurements} == keys

    def test_pre_control_table_matches_attachment_1(self) -> None:
        targets = {(t["indicator"], t["month"]): t for t in self.pre_control()}
        measured = {
            (m["indicator"], m["month"]): m["value"] for m in document(ACTION_PLANS)["measurements"]
        }
        for month, row in PRE_CONTROL_TABLE.items():
            for code, (actual_2022, target_2023) in zip(POLLUTANTS, row, strict=True):
                target = targets[(code, month)]
                assert target["value"] == target_2023, (code, month)
                assert target["baseline"] == actual_2022, (code, month)
                assert target["unit"] == "城区"
                assert target["year"] == 2023
                assert measured[(code, month)] == actual_2022, (code, month)

    def test_pm25_spot_values(self) -> None:
        targets = {(t["indicator"], t["month"]): t for t in self.pre_control()}
        assert (targets[("PM25", 1)]["value"], targets[("PM25", 1)]["baseline"]) == (54, 80)
        assert (targets[("PM25", None)]["value"], targets[("PM25", None)]["baseline"]) == (36, 38)

    def test_striving_targets(self) -> None:
        striving = {
            t["indicator"]: t for t in document(ACTION_PLANS)["targets"] if t["kind"] == "STRIVING"
        }
        expected = {"PM25": 36, "PM10": 75, "O3": 178, "SO2": 8, "NO2": 27, "CO": 1.6}
        for code, value in expected.items():
            assert striving[code]["value"] == value
            assert striving[code]["month"] is None
            assert striving[code]["unit"] == "城区"
        rank = striving["AQI_COMPOSITE_RANK_168"]
        assert (rank["value"], rank["value_text"]) == (128, "退出后40位")

    def test_dustfall_and_water_section_targets(self) -> None:
        targets = document(ACTION_PLANS)["targets"]
        (dust,) = [t for t in targets if t["indicator"] == "DUSTFALL"]
        assert dust["value"] == 5
        sections = {t["section"]: t for t in targets if t["indicator"] == "WATER_QUALITY_CLASS"}
        assert sections["白水河"]["value"] is None
        assert sections["白水河"]["value_text"] == "完成省定目标"
        for name in ("洞头", "金匠桥"):
            assert (sections[name]["value"], sections[name]["value_text"]) == (5, "V类")
            assert sections[name]["unit"] is None


class TestTargetsAndMeasurements:
    def test_target_rows_are_well_formed(self) -> None:
        for t in all_targets():
            assert t["kind"] in TARGET_KINDS
            assert (t["unit"] is None) != (t["section"] is None), t
            assert t["month"] is None or 1 <= t["month"] <= 12
            assert t["value"] is not None or t["value_text"], t
            assert t["source"]

    def test_measurement_rows_are_well_formed(self) -> None:
        for m in all_measurements():
            assert m["unit"] or m["section"]
            assert m["value"] is not None
            assert m["source"]


class TestRectificationPlan:
    def test_header_and_inspection(self) -> None:
        doc = document(RECTIFICATION_PLAN)
        assert doc["document"]["kind"] == "RECTIFICATION_PLAN"
        inspection = doc["inspection"]
        assert inspection["inspector"] == "省第三生态环境保护督察组"
        assert str(inspection["on_site_from"]) == "2023-10-17"
        assert str(inspection["on_site_to"]) == "2023-11-16"
        assert str(inspection["feedback_on"]) == "2024-03-05"

    def test_17_rectifications_in_order(self) -> None:
        items = document(RECTIFICATION_PLAN)["rectifications"]
        assert [r["seq"] for r in items] == list(range(1, 18))
        assert [n for r in items for n in r["findings"]] == FINDING_NUMBERS
        for r in items:
            assert r["problem"]
            assert r["goal"]
            assert r["measures"]
            assert all(r["measures"])
            assert r["responsible_units"]
            assert r["responsible_persons"]
            assert r["deadline"]
            assert r["status"] == "NOT_STARTED"

    def test_findings_match_rectifications(self) -> None:
        doc = document(RECTIFICATION_PLAN)
        findings = {f["number"]: f for f in doc["findings"]}
        assert sorted(findings) == FINDING_NUMBERS
        for r in doc["rectifications"]:
            (number,) = r["findings"]
            assert findings[number]["text"] == r["problem"]
            assert findings[number]["section"]
            assert findings[number]["subsection"]

    def test_split_responsible_units(self) -> None:
        items = {r["seq"]: r for r in document(RECTIFICATION_PLAN)["rectifications"]}
        assert items[2]["responsible_units"] == [
            "北石店镇党委",
            "北石店镇政府",
            "各街道党工委",
            "各街道办事处",
            "区直相关单位",
        ]
        assert items[8]["responsible_units"] == ["西上庄街道办事处", "钟家庄街道办事处"]
        assert len(items[1]["measures"]) == 2
        assert len(items[14]["measures"]) == 2
        assert items[3]["deadline"] == "2024年6月底"


class TestProposalReply:
    def test_proposal(self) -> None:
        doc = document(PROPOSAL_REPLY)
        proposal = doc["proposal"]
        assert proposal["code"] == "TA0379"
        assert proposal["reply_category"] == "A"
        assert proposal["handling_unit"] == "晋城市生态环境局"
        assert "2025年，沁水县完成美丽乡村创建任务" in proposal["reply_text"]
        assert "**" not in proposal["reply_text"]

    def test_rural_sewage_targets(self) -> None:
        targets = {t["unit"]: t for t in document(PROPOSAL_REPLY)["targets"]}
        assert targets["沁水县"]["value"] == 65
        assert (targets["晋城市"]["value"], targets["晋城市"]["value_text"]) == (56, "56%以上")
        for t in targets.values():
            assert t["indicator"] == "RURAL_SEWAGE_TREATMENT_RATE"
            assert t["kind"] == "STRIVING"
            assert t["year"] == 2025


class TestCountyNews:
    def test_measurements(self) -> None:
        values = {
            (m["unit"], m["indicator"]): m["value"] for m in document(COUNTY_NEWS)["measurements"]
        }
        assert values == {
            ("阳城县", "PM25"): 38,
            ("阳城县", "GOOD_WATER_BODY_RATIO"): 100,
            ("沁水县", "SURFACE_WATER_SECTION_COMPLIANCE_RATE"): 100,
            ("沁水县", "DRINKING_WATER_SOURCE_COMPLIANCE_RATE"): 100,
            ("沁水县", "SOIL_SAFE_USE_RATE"): 100,
            ("沁水县", "BULK_INDUSTRIAL_SOLID_WASTE_UTILISATION_RATE"): 75,
            ("沁水县", "STRAW_UTILISATION_RATE"): 95,
            ("沁水县", "VILLAGE_REFUSE_TRANSFER_COVERAGE"): 100,
        }
        for m in document(COUNTY_NEWS)["measurements"]:
            assert m["year"] == 2024
            assert m["month"] is None

    def test_facts_are_recorded(self) -> None:
        facts = document(COUNTY_NEWS)["facts"]
        assert facts
        assert any("整改事项25项，已完成21项" in f["text"] for f in facts)
        for f in facts:
            assert f["unit"]
            assert f["year"]
            assert f["text"]
