"""Unit names: normalisation, 文号, splitting cells, group references and resolution."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.enums import OrgUnitKind
from models.rules.names import (
    AmbiguousUnitError,
    GroupReference,
    GroupScope,
    Resolution,
    UnitIndex,
    UnitRecord,
    UnknownUnitError,
    name_spellings,
    normalize_doc_number,
    normalize_name,
    official_forms,
    parse_group_reference,
    split_unit_list,
)

# ---------------------------------------------------------------------------
# normalize_name / normalize_doc_number
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("区发改（能源）局", "区发改(能源)局"),
        ("区发改〔能源〕局", "区发改(能源)局"),
        ("区发改［能源］局", "区发改[能源]局"),
        ("区发改【能源】局", "区发改(能源)局"),
        ("区 发改 （能源） 局", "区发改(能源)局"),
        ("区发改\n(能源)\u3000局", "区发改（能源）局"),
        ("ＡＢＣ公司", "ABC公司"),
    ],
)
def test_normalize_name_equates_spellings(left: str, right: str) -> None:
    assert normalize_name(left) == normalize_name(right)


def test_normalize_name_form() -> None:
    assert normalize_name(" 区发改（能源）局 ") == "区发改(能源)局"


@given(st.text())
def test_normalize_name_is_idempotent(text: str) -> None:
    assert normalize_name(normalize_name(text)) == normalize_name(text)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("城政办发[2023]20号", "城政办发〔2023〕20号"),
        ("城政办发（2023）20号", "城政办发〔2023〕20号"),
        ("城政办发(2023)20号", "城政办发〔2023〕20号"),
        ("城政办发〔2023〕20号", "城政办发〔2023〕20号"),
        ("城政办发［2023］20号", "城政办发〔2023〕20号"),
        ("城政办发【2023】20号", "城政办发〔2023〕20号"),
        ("城政办发 〔2023〕 20 号", "城政办发〔2023〕20号"),
        ("城政办发〔２０２３〕２０号", "城政办发〔2023〕20号"),
        ("晋市办发〔2024〕5号", "晋市办发〔2024〕5号"),
        ("晋市办发[2024]5号", "晋市办发〔2024〕5号"),
        ("晋市办发（2024）5号", "晋市办发〔2024〕5号"),
    ],
)
def test_normalize_doc_number(raw: str, expected: str) -> None:
    assert normalize_doc_number(raw) == expected


# ---------------------------------------------------------------------------
# split_unit_list
# ---------------------------------------------------------------------------

# Every cell or list of the seed documents that names several units, copied as written.
SEED_UNIT_LISTS: list[tuple[str, list[str]]] = [
    # 城政办发〔2023〕20号: addressees of the notice.
    (
        "南村镇人民政府、各街道办事处，区直各相关单位",
        ["南村镇人民政府", "各街道办事处", "区直各相关单位"],
    ),
    # Air plan ledger (附件 2), 牵头单位 column (half-width brackets as written there).
    (
        "区发改(能源)局、区工信局、区民营经济局、区行政审批局、区生态环境分局",
        ["区发改(能源)局", "区工信局", "区民营经济局", "区行政审批局", "区生态环境分局"],
    ),
    ("区生态环境分局、南村镇", ["区生态环境分局", "南村镇"]),
    (
        "区工信局、区民营经济局、区生态环境分局",
        ["区工信局", "区民营经济局", "区生态环境分局"],
    ),
    ("区市场监管局、各镇（街道）", ["区市场监管局", "各镇（街道）"]),
    ("区市容环卫中心、各镇（街道）", ["区市容环卫中心", "各镇（街道）"]),
    ("区住建局、各镇（街道）", ["区住建局", "各镇（街道）"]),
    (
        "区住建局、区城市管理局、区市容环卫中心、各镇（街道）",
        ["区住建局", "区城市管理局", "区市容环卫中心", "各镇（街道）"],
    ),
    (
        "南村镇、西上庄街道办事处、钟家庄街道办事处、开发区街道办事处",
        ["南村镇", "西上庄街道办事处", "钟家庄街道办事处", "开发区街道办事处"],
    ),
    # Air plan 责任单位 brackets (after "责任单位：").
    (
        "责任单位：区发改（能源）局、区工信局、区民营经济局、区行政审批局、区生态环境分局",
        ["区发改（能源）局", "区工信局", "区民营经济局", "区行政审批局", "区生态环境分局"],
    ),
    (
        "区发改（能源）局、区工信局、区民营经济局、区生态环境分局、各镇（街道）",
        ["区发改（能源）局", "区工信局", "区民营经济局", "区生态环境分局", "各镇（街道）"],
    ),
    (
        "区发改（能源）局、区市场监管局、各镇（街道）",
        ["区发改（能源）局", "区市场监管局", "各镇（街道）"],
    ),
    ("区发改（能源）局、区交通局", ["区发改（能源）局", "区交通局"]),
    (
        "区住建局、区城管局、区市容环卫中心、各镇（街道）",
        ["区住建局", "区城管局", "区市容环卫中心", "各镇（街道）"],
    ),
    (
        "区农业农村局、区生态环境分局、各相关镇（街道）",
        ["区农业农村局", "区生态环境分局", "各相关镇（街道）"],
    ),
    (
        "区商务局、区生态环境分局、各镇（街道）",
        ["区商务局", "区生态环境分局", "各镇（街道）"],
    ),
    # Water plan 责任单位 brackets (lead side) and the one list without 牵头.
    (
        "区水务局、晋城市凤禹排水有限责任公司",
        ["区水务局", "晋城市凤禹排水有限责任公司"],
    ),
    (
        "区发改局、区水务局、区生态环境分局",
        ["区发改局", "区水务局", "区生态环境分局"],
    ),
    ("区农业农村局、区畜牧兽医中心", ["区农业农村局", "区畜牧兽医中心"]),
    (
        "区住建局、区农业农村局、区水务局、区城管局、区生态环境分局、各镇（街道）",
        ["区住建局", "区农业农村局", "区水务局", "区城管局", "区生态环境分局", "各镇（街道）"],
    ),
    # Water plan key projects (附件 2), 责任主体 column: units separated by spaces.
    (
        "区生态环境分局 晋城市凤禹排水有限公司 相关镇（街道）",
        ["区生态环境分局", "晋城市凤禹排水有限公司", "相关镇（街道）"],
    ),
    # Soil plan 责任单位 brackets (lead side).
    (
        "区农业农村局、区自然资源局、区公安分局、区生态环境分局",
        ["区农业农村局", "区自然资源局", "区公安分局", "区生态环境分局"],
    ),
    (
        "区自然资源局、区行政审批局、区生态环境分局",
        ["区自然资源局", "区行政审批局", "区生态环境分局"],
    ),
    # Rectification plan 责任单位 lines.
    (
        "责任单位：区生态环境分局，区发改（能源）局，区直相关单位",
        ["区生态环境分局", "区发改（能源）局", "区直相关单位"],
    ),
    (
        "责任单位：北石店镇党委、政府，各街道党工委、办事处，区直相关单位",
        ["北石店镇党委", "北石店镇政府", "各街道党工委", "各街道办事处", "区直相关单位"],
    ),
    ("责任单位：区民营经济局、区行政审批局", ["区民营经济局", "区行政审批局"]),
    ("责任单位：西上庄、钟家庄街道办事处", ["西上庄街道办事处", "钟家庄街道办事处"]),
    ("责任单位：区发改（能源）局、各镇（街道）", ["区发改（能源）局", "各镇（街道）"]),
    ("责任单位：各镇（街道）、区住建局", ["各镇（街道）", "区住建局"]),
    ("责任单位：区农业农村局、各镇（街道）", ["区农业农村局", "各镇（街道）"]),
    ("责任单位：区自然资源局、区财政局", ["区自然资源局", "区财政局"]),
    # Rectification plan body: members of the leading group.
    (
        "北石店镇党委、政府，各街道党工委、办事处",
        ["北石店镇党委", "北石店镇政府", "各街道党工委", "各街道办事处"],
    ),
]

OTHER_UNIT_LISTS: list[tuple[str, list[str]]] = [
    ("", []),
    ("、，；", []),
    ("区水务局", ["区水务局"]),
    ("区水务局;区住建局；区城管局,区财政局", ["区水务局", "区住建局", "区城管局", "区财政局"]),
    ("区水务局\u3000\u3000区住建局", ["区水务局", "区住建局"]),
    ("责任主体：区水务局", ["区水务局"]),
    ("各县（市、区）、市直各相关单位", ["各县（市、区）", "市直各相关单位"]),
    ("各县(市、区)、市直各相关单位", ["各县(市、区)", "市直各相关单位"]),
    ("北石店镇党委、人民政府", ["北石店镇党委", "北石店镇人民政府"]),
    ("北石店镇、政府", ["北石店镇", "北石店镇政府"]),
    ("区水务局、政府", ["区水务局", "政府"]),
    ("南村、北石店镇", ["南村镇", "北石店镇"]),
    (
        "西上庄、钟家庄、开发区街道办事处",
        ["西上庄街道办事处", "钟家庄街道办事处", "开发区街道办事处"],
    ),
    ("区人大、区生态环境分局", ["区人大", "区生态环境分局"]),
    ("相关镇（街道 办事处）", ["相关镇（街道办事处）"]),
]


@pytest.mark.parametrize(("text", "expected"), SEED_UNIT_LISTS + OTHER_UNIT_LISTS)
def test_split_unit_list(text: str, expected: list[str]) -> None:
    assert split_unit_list(text) == expected


@given(st.text())
def test_split_unit_list_never_raises(text: str) -> None:
    assert all(part for part in split_unit_list(text))


# ---------------------------------------------------------------------------
# parse_group_reference
# ---------------------------------------------------------------------------

TOWNS = GroupScope.ALL_TOWNS
STREETS = GroupScope.ALL_STREETS
DEPARTMENTS = GroupScope.ALL_DEPARTMENTS
COUNTIES = GroupScope.ALL_COUNTIES
DISTRICT = OrgUnitKind.DISTRICT
CITY = OrgUnitKind.CITY


@pytest.mark.parametrize(
    ("text", "scope", "level", "relevant_only"),
    [
        ("各镇（街道）", TOWNS, None, False),
        ("各镇(街道)", TOWNS, None, False),
        ("各乡镇（街道）", TOWNS, None, False),
        ("各乡镇", TOWNS, None, False),
        ("各镇街", TOWNS, None, False),
        ("各镇", TOWNS, None, False),
        ("各相关镇（街道）", TOWNS, None, True),
        ("相关镇（街道）", TOWNS, None, True),
        ("各有关镇（街道）", TOWNS, None, True),
        ("各 镇 （街道）", TOWNS, None, False),
        ("各街道", STREETS, None, False),
        ("各街道办事处", STREETS, None, False),
        ("各街道党工委", STREETS, None, False),
        ("各办事处", STREETS, None, False),
        ("区直各相关单位", DEPARTMENTS, DISTRICT, True),
        ("区直相关单位", DEPARTMENTS, DISTRICT, True),
        ("区直各有关单位", DEPARTMENTS, DISTRICT, True),
        ("区直各单位", DEPARTMENTS, DISTRICT, False),
        ("区直相关部门", DEPARTMENTS, DISTRICT, True),
        ("各区直相关单位", DEPARTMENTS, DISTRICT, True),
        ("县直各相关单位", DEPARTMENTS, DISTRICT, True),
        ("市直各相关单位", DEPARTMENTS, CITY, True),
        ("市直相关单位", DEPARTMENTS, CITY, True),
        ("各相关部门", DEPARTMENTS, None, True),
        ("相关单位", DEPARTMENTS, None, True),
        ("有关单位", DEPARTMENTS, None, True),
        ("相关部门", DEPARTMENTS, None, True),
        ("各县（市、区）", COUNTIES, CITY, False),
        ("各县(市、区)", COUNTIES, CITY, False),
        ("各县市区", COUNTIES, CITY, False),
    ],
)
def test_parse_group_reference(
    text: str, scope: GroupScope, level: OrgUnitKind | None, relevant_only: bool
) -> None:
    assert parse_group_reference(text) == GroupReference(scope, level, relevant_only, text)


@pytest.mark.parametrize(
    "text",
    [
        "区生态环境分局",
        "南村镇",
        "钟家庄街道",
        "镇",
        "街道",
        "办事处",
        "各",
        "",
        "区直",
    ],
)
def test_not_a_group_reference(text: str) -> None:
    assert parse_group_reference(text) is None


# ---------------------------------------------------------------------------
# UnitIndex
# ---------------------------------------------------------------------------


def _id(name: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"test-unit:{name}")


def _unit(name: str, kind: OrgUnitKind, parent: str | None, *aliases: str) -> UnitRecord:
    return UnitRecord(_id(name), name, kind, None if parent is None else _id(parent), aliases)


P, C, DI, T, DE = (
    OrgUnitKind.PROVINCE,
    OrgUnitKind.CITY,
    OrgUnitKind.DISTRICT,
    OrgUnitKind.TOWN,
    OrgUnitKind.DEPARTMENT,
)
UNITS = [
    _unit("山西省", P, None),
    _unit("山西省生态环境厅", DE, "山西省", "生态环境部门"),
    _unit("晋城市", C, "山西省"),
    _unit("晋城市生态环境局", DE, "晋城市", "市生态环境局", "生态环境部门"),
    _unit("城区", DI, "晋城市", "晋城市城区"),
    _unit("泽州县", DI, "晋城市"),
    _unit("沁水县", DI, "晋城市"),
    _unit("南村镇", T, "城区"),
    _unit("北石店镇", T, "城区"),
    _unit("钟家庄街道", T, "城区"),
    _unit("西上庄街道", T, "城区"),
    _unit("开发区街道", T, "城区"),
    _unit("城区生态环境分局", DE, "城区", "区生态环境分局", "环保部门"),
    _unit("城区发改（能源）局", DE, "城区", "区发改（能源）局", "区发改局"),
    _unit("城区城市管理局", DE, "城区", "区城管局", "区城市管理局", "环保部门"),
    _unit("城区人民政府办公室", DE, "城区"),
    _unit("泽州县生态环境分局", DE, "泽州县", "县生态环境分局"),
    _unit("泽州县南村镇", T, "泽州县", "南村镇"),
    _unit("泽州县水务局", DE, "泽州县"),
]
ISSUER = _id("城区人民政府办公室")


@pytest.fixture(scope="module")
def index() -> UnitIndex:
    return UnitIndex(UNITS)


def _one(index: UnitIndex, name: str, context: UUID | None = None) -> str:
    resolution = index.resolve(name, context=context)
    assert resolution.group is None
    assert resolution.text == name.strip()
    (unit_id,) = resolution.unit_ids
    return next(unit.name for unit in UNITS if unit.id == unit_id)


@pytest.mark.parametrize(
    ("unit", "government"),
    [
        ("城区人民政府办公室", "城区"),
        ("城区生态环境分局", "城区"),
        ("城区", "城区"),
        ("北石店镇", "北石店镇"),
        ("晋城市生态环境局", "晋城市"),
        ("山西省生态环境厅", "山西省"),
        ("山西省", "山西省"),
    ],
)
def test_government_of(index: UnitIndex, unit: str, government: str) -> None:
    assert index.government_of(_id(unit)) == _id(government)


def test_government_of_unknown_id(index: UnitIndex) -> None:
    with pytest.raises(UnknownUnitError):
        index.government_of(_id("nowhere"))


def test_government_of_without_territorial_ancestor() -> None:
    lonely = UnitIndex([_unit("孤立部门", DE, None)])
    with pytest.raises(UnknownUnitError) as raised:
        lonely.government_of(_id("孤立部门"))
    assert raised.value.name == "孤立部门"


# Rule 2: exact normalised match on name or alias.
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("城区生态环境分局", "城区生态环境分局"),
        ("区生态环境分局", "城区生态环境分局"),
        ("区发改（能源）局", "城区发改（能源）局"),
        ("区发改(能源)局", "城区发改（能源）局"),
        ("区发改〔能源〕局", "城区发改（能源）局"),
        ("区发改 （能源） 局", "城区发改（能源）局"),
        ("城区发改(能源)局", "城区发改（能源）局"),
        ("区发改局", "城区发改（能源）局"),
        ("区城管局", "城区城市管理局"),
        ("区城市管理局", "城区城市管理局"),
        ("市生态环境局", "晋城市生态环境局"),
        ("晋城市城区", "城区"),
        (" 北石店镇 ", "北石店镇"),
    ],
)
def test_exact_match(index: UnitIndex, name: str, expected: str) -> None:
    assert _one(index, name) == expected
    assert _one(index, name, ISSUER) == expected


def test_namesake_inside_context_subtree_wins(index: UnitIndex) -> None:
    assert _one(index, "南村镇", ISSUER) == "南村镇"
    assert _one(index, "南村镇", _id("泽州县")) == "泽州县南村镇"
    assert _one(index, "南村镇", _id("泽州县水务局")) == "泽州县南村镇"


def test_namesake_closest_to_context_wins(index: UnitIndex) -> None:
    # Neither namesake lies under 城区: the city bureau is closer than the provincial one.
    assert _one(index, "生态环境部门", ISSUER) == "晋城市生态环境局"
    assert _one(index, "生态环境部门", _id("北石店镇")) == "晋城市生态环境局"
    # Both lie under the province; the one it owns directly is closest.
    assert _one(index, "生态环境部门", _id("山西省")) == "山西省生态环境厅"


def test_namesakes_without_context_are_ambiguous(index: UnitIndex) -> None:
    with pytest.raises(AmbiguousUnitError) as raised:
        index.resolve("南村镇")
    assert raised.value.name == "南村镇"
    assert set(raised.value.candidates) == {_id("南村镇"), _id("泽州县南村镇")}


def test_namesakes_tied_under_context_are_ambiguous(index: UnitIndex) -> None:
    with pytest.raises(AmbiguousUnitError) as raised:
        index.resolve("环保部门", context=ISSUER)
    assert set(raised.value.candidates) == {_id("城区生态环境分局"), _id("城区城市管理局")}


# Rule 3: relative prefixes read from the context government.
@pytest.mark.parametrize(
    ("name", "context", "expected"),
    [
        ("区人民政府办公室", "城区生态环境分局", "城区人民政府办公室"),
        ("县水务局", "泽州县生态环境分局", "泽州县水务局"),
        ("区水务局", "泽州县", "泽州县水务局"),
        ("县水务局", "泽州县南村镇", "泽州县水务局"),
        ("市生态环境局", "泽州县", "晋城市生态环境局"),
        ("省生态环境厅", "城区人民政府办公室", "山西省生态环境厅"),
        # The district's own department beats another district's alias.
        ("区生态环境分局", "泽州县水务局", "泽州县生态环境分局"),
        ("县生态环境分局", "城区人民政府办公室", "城区生态环境分局"),
    ],
)
def test_relative_prefix(index: UnitIndex, name: str, context: str, expected: str) -> None:
    assert _one(index, name, _id(context)) == expected


def test_relative_prefix_never_lands_in_another_district(index: UnitIndex) -> None:
    # 沁水县 has no 生态环境分局 of its own; 泽州县's alias must not be taken.
    with pytest.raises(UnknownUnitError):
        index.resolve("县生态环境分局", context=_id("沁水县"))


def test_relative_prefix_without_context(index: UnitIndex) -> None:
    with pytest.raises(UnknownUnitError):
        index.resolve("区人民政府办公室")


def test_city_name_without_its_suffix() -> None:
    units = [
        _unit("晋城市", C, None),
        _unit("晋城水务局", DE, "晋城市"),
        _unit("晋城市城区", DI, "晋城市"),
    ]
    assert UnitIndex(units).resolve("市水务局", context=_id("晋城市城区")).unit_ids == (
        _id("晋城水务局"),
    )


# Rule 4: suffix variants.
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("北石店镇党委", "北石店镇"),
        ("北石店镇政府", "北石店镇"),
        ("北石店镇人民政府", "北石店镇"),
        ("南村镇人民政府", "南村镇"),
        ("西上庄街道办事处", "西上庄街道"),
        ("西上庄办事处", "西上庄街道"),
        ("西上庄街道党工委", "西上庄街道"),
        ("钟家庄街道办", "钟家庄街道"),
        ("开发区街道办事处", "开发区街道"),
    ],
)
def test_suffix_variants(index: UnitIndex, name: str, expected: str) -> None:
    assert _one(index, name, ISSUER) == expected


def test_suffix_variant_to_town_with_government_name() -> None:
    units = [_unit("城区", DI, None), _unit("南村镇人民政府", T, "城区")]
    assert UnitIndex(units).resolve("南村镇").unit_ids == (_id("南村镇人民政府"),)


@pytest.mark.parametrize("name", ["区教育局", "不存在的单位", "", "   ", "区"])
def test_unknown(index: UnitIndex, name: str) -> None:
    with pytest.raises(UnknownUnitError) as raised:
        index.resolve(name, context=ISSUER)
    assert raised.value.name == name.strip()


# Rule 1: group references.
def _names(ids: tuple[UUID, ...]) -> list[str]:
    return [next(unit.name for unit in UNITS if unit.id == unit_id) for unit_id in ids]


CITY_TOWNS = sorted(["南村镇", "北石店镇", "钟家庄街道", "西上庄街道", "开发区街道"])
CITY_STREETS = sorted(["钟家庄街道", "西上庄街道", "开发区街道"])
DISTRICT_DEPARTMENTS = sorted(
    ["城区生态环境分局", "城区发改（能源）局", "城区城市管理局", "城区人民政府办公室"]
)


@pytest.mark.parametrize(
    ("name", "context", "expected"),
    [
        ("各镇（街道）", "城区人民政府办公室", CITY_TOWNS),
        ("各镇(街道)", "城区", CITY_TOWNS),
        ("各乡镇（街道）", "城区生态环境分局", CITY_TOWNS),
        ("各镇街", "城区人民政府办公室", CITY_TOWNS),
        ("各乡镇", "泽州县", ["泽州县南村镇"]),
        ("各街道", "城区人民政府办公室", CITY_STREETS),
        ("各街道办事处", "城区人民政府办公室", CITY_STREETS),
        ("各街道党工委", "城区人民政府办公室", CITY_STREETS),
        ("各办事处", "城区人民政府办公室", CITY_STREETS),
        ("区直各单位", "城区人民政府办公室", DISTRICT_DEPARTMENTS),
        ("各县（市、区）", "城区人民政府办公室", sorted(["城区", "泽州县", "沁水县"])),
        ("各县(市、区)", "晋城市生态环境局", sorted(["城区", "泽州县", "沁水县"])),
        ("各县市区", "北石店镇", sorted(["城区", "泽州县", "沁水县"])),
    ],
)
def test_group_expansion(index: UnitIndex, name: str, context: str, expected: list[str]) -> None:
    resolution = index.resolve(name, context=_id(context))
    assert resolution.group == parse_group_reference(name)
    assert resolution.text == name
    assert _names(resolution.unit_ids) == expected
    assert list(resolution.unit_ids) == sorted(
        resolution.unit_ids, key=lambda unit_id: (_names((unit_id,))[0], unit_id)
    )


@pytest.mark.parametrize(
    ("name", "context"),
    [
        ("各相关镇（街道）", "城区人民政府办公室"),
        ("相关镇（街道）", "城区"),
        ("区直各相关单位", "城区人民政府办公室"),
        ("区直相关单位", "北石店镇"),
        ("区直各有关单位", "城区"),
        ("县直各相关单位", "泽州县南村镇"),
        ("市直相关单位", "北石店镇"),
        ("有关单位", "城区"),
    ],
)
def test_relevant_group_stays_unresolved(index: UnitIndex, name: str, context: str) -> None:
    """相关/有关 means the units concerned, which the text does not name: no unit at all."""
    resolution = index.resolve(name, context=_id(context))
    assert resolution.group == parse_group_reference(name)
    assert resolution.group is not None
    assert not resolution.group.expands
    assert resolution.unit_ids == ()


def test_group_relevant_only_flag(index: UnitIndex) -> None:
    relevant = index.resolve("各相关镇（街道）", context=ISSUER).group
    every = index.resolve("各镇（街道）", context=ISSUER).group
    assert relevant is not None
    assert every is not None
    assert relevant.relevant_only
    assert not every.relevant_only


@pytest.mark.parametrize(
    ("name", "context"),
    [
        ("各镇（街道）", "北石店镇"),  # a town has no towns
        ("各镇（街道）", "沁水县"),
        ("区直各单位", "沁水县"),
        ("各街道", "泽州县"),
        ("区直各单位", "晋城市生态环境局"),  # no district above the city
    ],
)
def test_empty_group_is_unknown(index: UnitIndex, name: str, context: str) -> None:
    with pytest.raises(UnknownUnitError):
        index.resolve(name, context=_id(context))


def test_group_without_context_is_unknown(index: UnitIndex) -> None:
    with pytest.raises(UnknownUnitError):
        index.resolve("各镇（街道）")


def test_resolve_many(index: UnitIndex) -> None:
    names = split_unit_list("区生态环境分局、区城管局、各街道、南村镇")
    resolutions = index.resolve_many(names, context=ISSUER)
    assert resolutions[:2] == [
        Resolution("区生态环境分局", (_id("城区生态环境分局"),), None),
        Resolution("区城管局", (_id("城区城市管理局"),), None),
    ]
    assert _names(resolutions[2].unit_ids) == CITY_STREETS
    assert resolutions[3].unit_ids == (_id("南村镇"),)


def test_every_seed_unit_list_of_chengqu_resolves(index: UnitIndex) -> None:
    # The units the test tree knows, as the rectification plan lists them.
    names = split_unit_list("北石店镇党委、政府，各街道党工委、办事处，区直相关单位")
    resolutions = index.resolve_many(names, context=ISSUER)
    assert [r.unit_ids for r in resolutions[:2]] == [(_id("北石店镇"),), (_id("北石店镇"),)]
    assert _names(resolutions[2].unit_ids) == CITY_STREETS
    assert _names(resolutions[3].unit_ids) == CITY_STREETS
    # 区直相关单位: the departments concerned, which the list does not name (issue 16).
    assert resolutions[4].unit_ids == ()
    assert resolutions[4].group is not None
    assert not resolutions[4].group.expands
    streets = index.resolve_many(split_unit_list("西上庄、钟家庄街道办事处"), context=ISSUER)
    assert [r.unit_ids for r in streets] == [(_id("西上庄街道"),), (_id("钟家庄街道"),)]


def test_unit_index_survives_a_parent_cycle() -> None:
    looping = UnitIndex(
        [
            UnitRecord(_id("甲"), "甲局", DE, _id("乙")),
            UnitRecord(_id("乙"), "乙局", DE, _id("甲")),
        ]
    )
    with pytest.raises(UnknownUnitError):
        looping.government_of(_id("甲"))
    assert looping.resolve("甲局").unit_ids == (_id("甲"),)


# ---------------------------------------------------------------------------
# Full official names (issue 16)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("晋城市城区人民政府", "城区"),  # the 2023 notice's own header
        ("山西省晋城市城区人民政府", "城区"),
        ("晋城市泽州县生态环境分局", "泽州县生态环境分局"),
        ("晋城市城区生态环境分局", "城区生态环境分局"),
        ("城区人民政府", "城区"),
    ],
)
def test_full_official_name_resolves(index: UnitIndex, name: str, expected: str) -> None:
    assert _names(index.resolve(name).unit_ids) == [expected]


@pytest.mark.parametrize("name", ["太原市城区人民政府", "晋城市不存在局", "山西省人民政府办公室"])
def test_official_form_needs_the_government_above_the_unit(index: UnitIndex, name: str) -> None:
    with pytest.raises(UnknownUnitError):
        index.resolve(name)


def test_official_forms_split_after_a_government() -> None:
    assert official_forms("晋城市城区人民政府") == [("晋城市", "城区人民政府")]
    assert ("晋城市", "城区人民政府") in official_forms("山西省晋城市城区人民政府")
    assert official_forms("城区人民政府") == []  # 城区 + a bare 人民政府 is no split
    assert name_spellings("城区人民政府")[0] == "城区人民政府"
    assert "城区" in name_spellings("城区人民政府")
