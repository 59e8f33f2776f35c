"""parse_responsibility: every 责任单位 bracket and line of the seed documents."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.enums import AssignmentRole
from models.rules.names import UnitIndex, split_unit_list
from models.rules.responsibility import (
    Responsibility,
    assign_responsibility,
    parse_responsibility,
)
from tests.models.rules.test_names import ISSUER, UNITS, _id

ECO = "区生态环境分局"
NDRC = "区发改（能源）局"
TOWNS = "各镇（街道）"
WATER = "区水务局"
FENGYU = "晋城市凤禹排水有限责任公司"
AGRI = "区农业农村局"
LAND = "区自然资源局"
APPROVAL = "区行政审批局"
MARKET = "区市场监管局"

Case = tuple[str, list[str], list[str]]

# 城政办发〔2023〕20号, air plan: the 17 brackets, in document order.
AIR_PLAN: list[Case] = [
    (
        "〔责任单位：区发改（能源）局、区工信局、区民营经济局、区行政审批局、区生态环境分局〕",
        [NDRC, "区工信局", "区民营经济局", APPROVAL, ECO],
        [],
    ),
    ("〔责任单位：区生态环境分局、南村镇〕", [ECO, "南村镇"], []),
    ("〔责任单位：区生态环境分局〕", [ECO], []),
    ("〔责任单位：区生态环境分局〕", [ECO], []),
    ("〔责任单位：区生态环境分局〕", [ECO], []),
    ("〔责任单位：区生态环境分局〕", [ECO], []),
    (
        "〔责任单位：区发改（能源）局、区工信局、区民营经济局、区生态环境分局、各镇（街道）〕",
        [NDRC, "区工信局", "区民营经济局", ECO, TOWNS],
        [],
    ),
    ("〔责任单位：区发改（能源）局、区市场监管局、各镇（街道）〕", [NDRC, MARKET, TOWNS], []),
    ("〔责任单位：区发改（能源）局、区交通局〕", [NDRC, "区交通局"], []),
    ("〔责任单位：区市容环卫中心〕", ["区市容环卫中心"], []),
    ("〔责任单位：区生态环境分局〕", [ECO], []),
    ("〔责任单位：区生态环境分局〕", [ECO], []),
    (
        "〔责任单位：区住建局、区城管局、区市容环卫中心、各镇（街道）〕",
        ["区住建局", "区城管局", "区市容环卫中心", TOWNS],
        [],
    ),
    (
        "〔责任单位：区农业农村局、区生态环境分局、各相关镇（街道）〕",
        [AGRI, ECO, "各相关镇（街道）"],
        [],
    ),
    ("〔责任单位：区生态环境分局〕", [ECO], []),
    ("〔责任单位：区商务局、区生态环境分局、各镇（街道）〕", ["区商务局", ECO, TOWNS], []),
    ("〔责任单位：区生态环境分局〕", [ECO], []),
]

# Water plan: the 14 brackets (the first is broken over lines and closed by "]").
WATER_PLAN: list[Case] = [
    ("〔责任\n\n单位：区水务局牵头，各镇（街道）配合]", [WATER], [TOWNS]),
    (
        "〔责任单位：区水务局、晋城市凤禹排水有限责任公司牵头，各镇（街道）配合〕",
        [WATER, FENGYU],
        [TOWNS],
    ),
    (
        "〔责任单位：区发改局、区水务局、区生态环境分局牵头，各镇（街道）配合〕",
        ["区发改局", WATER, ECO],
        [TOWNS],
    ),
    ("〔责任单位：区生态环境分局牵头，各镇（街道）配合〕", [ECO], [TOWNS]),
    ("〔责任单位：区生态环境分局牵头，区行政审批局配合〕", [ECO], [APPROVAL]),
    ("〔责任单位：区生态环境分局牵头，各镇（街道）配合〕", [ECO], [TOWNS]),
    ("〔责任单位：区住建局牵头，各镇（街道）配合〕", ["区住建局"], [TOWNS]),
    (
        "〔责任单位：区农业农村局、区畜牧兽医中心牵头，各镇（街道）配合〕",
        [AGRI, "区畜牧兽医中心"],
        [TOWNS],
    ),
    ("〔责任单位：区水务局、区生态环境分局牵头，各镇（街道）配合〕", [WATER, ECO], [TOWNS]),
    (
        "〔责任单位：区住建局、区农业农村局、区水务局、区城管局、区生态环境分局、各镇（街道）〕",
        ["区住建局", AGRI, WATER, "区城管局", ECO, TOWNS],
        [],
    ),
    ("〔责任单位：区生态环境分局牵头，各镇（街道）配合〕", [ECO], [TOWNS]),
    ("〔责任单位：区生态环境分局牵头，各镇（街道）配合〕", [ECO], [TOWNS]),
    ("〔责任单位：区水务局牵头，各镇（街道）配合〕", [WATER], [TOWNS]),
    (
        "〔责任单位：区生态环境分局、晋城市凤禹排水有限责任公司牵头，各镇（街道）配合〕",
        [ECO, FENGYU],
        [TOWNS],
    ),
]

# Soil plan: the 14 brackets; 按职责分工牵头 is followed by "，" or "、".
SOIL_PLAN: list[Case] = [
    ("〔责任单位：区生态环境分局牵头，各镇（街道）配合〕", [ECO], [TOWNS]),
    ("〔责任单位：区生态环境分局牵头，各镇（街道）配合〕", [ECO], [TOWNS]),
    (
        "〔责任单位：区农业农村局、区自然资源局、区市场监管局、区生态环境分局按职责分工牵头、"
        "各镇（街道）配合〕",
        [AGRI, LAND, MARKET, ECO],
        [TOWNS],
    ),
    (
        "〔责任单位：区发改（能源）局、区农业农村局、区市场监管局、区生态环境分局按职责分工牵头，"
        "各镇（街道）配合〕",
        [NDRC, AGRI, MARKET, ECO],
        [TOWNS],
    ),
    (
        "〔责任单位：区农业农村局、区自然资源局、区生态环境分局按职责分工牵头，各镇（街道）配合〕",
        [AGRI, LAND, ECO],
        [TOWNS],
    ),
    (
        "〔责任单位：区自然资源局、区生态环境分局按职责分工牵头，各镇（街道）配合〕",
        [LAND, ECO],
        [TOWNS],
    ),
    (
        "〔责任单位：区自然资源局、区行政审批局、区生态环境分局按职责分工牵头，各镇（街道）配合〕",
        [LAND, APPROVAL, ECO],
        [TOWNS],
    ),
    (
        "〔责任单位：区自然资源局、区生态环境分局按职责分工牵头，各镇（街道）配合〕",
        [LAND, ECO],
        [TOWNS],
    ),
    (
        "〔责任单位：区自然资源局、区行政审批局、区生态环境分局按职责分工牵头、各镇（街道）配合〕",
        [LAND, APPROVAL, ECO],
        [TOWNS],
    ),
    (
        "〔责任单位：区自然资源局、区生态环境分局按职责分工牵头，各镇（街道）配合〕",
        [LAND, ECO],
        [TOWNS],
    ),
    (
        "〔责任单位：区农业农村局、区生态环境分局按职责分工牵头，各镇（街道）配合〕",
        [AGRI, ECO],
        [TOWNS],
    ),
    (
        "〔责任单位：区农业农村局、区自然资源局、区公安分局、区生态环境分局按职责分工牵头，"
        "各镇（街道）配合〕",
        [AGRI, LAND, "区公安分局", ECO],
        [TOWNS],
    ),
    (
        "〔责任单位：区自然资源局、区行政审批局、区生态环境分局按职责分工牵头，各镇（街道）配合〕",
        [LAND, APPROVAL, ECO],
        [TOWNS],
    ),
    (
        "〔责任单位：区自然资源局、区生态环境分局按职责分工牵头，各镇（街道）配合〕",
        [LAND, ECO],
        [TOWNS],
    ),
]

_LEADERSHIP = ["北石店镇党委", "北石店镇政府", "各街道党工委", "各街道办事处", "区直相关单位"]

# Rectification plan (省督察反馈意见整改方案): the 17 责任单位 lines, in document order.
RECTIFICATION_PLAN: list[Case] = [
    (
        "责任单位：区生态环境分局，区发改（能源）局，区直相关单位",
        [ECO, NDRC, "区直相关单位"],
        [],
    ),
    ("责任单位：北石店镇党委、政府，各街道党工委、办事处，区直相关单位", _LEADERSHIP, []),
    ("责任单位：区生态环境分局", [ECO], []),
    ("责任单位：北石店镇党委、政府，各街道党工委、办事处，区直相关单位", _LEADERSHIP, []),
    ("责任单位：区民营经济局、区行政审批局", ["区民营经济局", APPROVAL], []),
    ("责任单位：区水务局", [WATER], []),
    ("责任单位：区住建局", ["区住建局"], []),
    ("责任单位：西上庄、钟家庄街道办事处", ["西上庄街道办事处", "钟家庄街道办事处"], []),
    ("责任单位：区发改（能源）局", [NDRC], []),
    ("责任单位：区发改（能源）局、各镇（街道）", [NDRC, TOWNS], []),
    ("责任单位：各镇（街道）、区住建局", [TOWNS, "区住建局"], []),
    ("责任单位：区农业农村局、各镇（街道）", [AGRI, TOWNS], []),
    ("责任单位：区自然资源局", [LAND], []),
    ("责任单位：区自然资源局、区财政局", [LAND, "区财政局"], []),
    ("责任单位：区自然资源局", [LAND], []),
    ("责任单位：区自然资源局", [LAND], []),
    ("责任单位：区自然资源局", [LAND], []),
]

OTHER_CASES: list[Case] = [
    # The brief's examples without the 责任单位 prefix.
    ("区水务局牵头，各镇（街道）配合", [WATER], [TOWNS]),
    ("区生态环境分局牵头，区行政审批局配合", [ECO], [APPROVAL]),
    (
        "区农业农村局、区自然资源局、区市场监管局、区生态环境分局按职责分工牵头、各镇（街道）配合",
        [AGRI, LAND, MARKET, ECO],
        [TOWNS],
    ),
    ("北石店镇党委、政府，各街道党工委、办事处，区直相关单位", _LEADERSHIP, []),
    # Water key projects, 责任主体 cell: spaces separate the units.
    (
        "区生态环境分局 晋城市凤禹排水有限公司 相关镇（街道）",
        [ECO, "晋城市凤禹排水有限公司", "相关镇（街道）"],
        [],
    ),
    # Other bracket and prefix spellings.
    ("[责任单位：区水务局牵头，各镇（街道）配合]", [WATER], [TOWNS]),
    ("［责任单位:区水务局］", [WATER], []),
    ("【责任主体：区水务局、区住建局】", [WATER, "区住建局"], []),
    ("〔责任单位：各镇（街道）〕", [TOWNS], []),
    ("区水务局牵头", [WATER], []),
    ("区水务局牵头；区住建局、各镇（街道）配合", [WATER], ["区住建局", TOWNS]),
    ("区水务局、区住建局分别牵头，各镇（街道）配合", [WATER, "区住建局"], [TOWNS]),
    ("各镇（街道）配合", [], [TOWNS]),
    ("", [], []),
    ("〔〕", [], []),
]


@pytest.mark.parametrize(
    ("text", "leads", "cooperating"),
    AIR_PLAN + WATER_PLAN + SOIL_PLAN + RECTIFICATION_PLAN + OTHER_CASES,
)
def test_parse_responsibility(text: str, leads: list[str], cooperating: list[str]) -> None:
    assert parse_responsibility(text) == Responsibility(leads, cooperating, text.strip())


def test_seed_bracket_counts() -> None:
    assert (len(AIR_PLAN), len(WATER_PLAN), len(SOIL_PLAN), len(RECTIFICATION_PLAN)) == (
        17,
        14,
        14,
        17,
    )


@given(st.text())
def test_never_raises(text: str) -> None:
    result = parse_responsibility(text)
    assert all(result.leads)
    assert all(result.cooperating)


# ---------------------------------------------------------------------------
# assign_responsibility: ordered shares, 相关 groups kept as text (issue 16)
# ---------------------------------------------------------------------------


def test_first_named_unit_leads_and_relevant_groups_stay_text() -> None:
    index = UnitIndex(UNITS)
    leads = split_unit_list("区生态环境分局，区发改（能源）局，区直相关单位")
    assigned = assign_responsibility(index, leads, ["各街道", "区生态环境分局"], context=ISSUER)
    assert assigned.unresolved == ["区直相关单位"]
    assert assigned.leads == [_id("城区生态环境分局"), _id("城区发改（能源）局")]
    assert [unit.position for unit in assigned.units] == list(range(len(assigned.units)))
    cooperating = [u for u in assigned.units if u.role is AssignmentRole.COOPERATING]
    # 各街道 expands; 区生态环境分局 already leads and stays a lead only.
    assert {u.unit_id for u in cooperating} == {
        _id("钟家庄街道"),
        _id("西上庄街道"),
        _id("开发区街道"),
    }
    assert all(u.via_group == "各街道" for u in cooperating)
