"""The dated tree's rules (models/org_unit_tree.py) and as-of resolution in the name index."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import NAMESPACE_URL, uuid5

import pytest

from models.enums import OrgUnitKind
from models.org_unit_tree import attested_on, group_member, in_force
from models.rules.names import PastLink, UnitIndex, UnitRecord


def _id(name: str):  # type: ignore[no-untyped-def]
    return uuid5(NAMESPACE_URL, name)


D23, D24 = date(2023, 5, 31), date(2024, 3, 5)
DISTRICT = UnitRecord(_id("城区"), "城区", OrgUnitKind.DISTRICT, None)
SOUTH = UnitRecord(
    _id("南村镇"), "南村镇", OrgUnitKind.TOWN, DISTRICT.id, ("南村镇人民政府",), attested=(D23,)
)
NORTH = UnitRecord(
    _id("北石店镇"), "北石店镇", OrgUnitKind.TOWN, DISTRICT.id, ("北石店镇党委",), attested=(D24,)
)
STREET = UnitRecord(_id("钟家庄街道"), "钟家庄街道", OrgUnitKind.TOWN, DISTRICT.id)
OLD = UnitRecord(
    _id("城区商务局"),
    "城区商务局",
    OrgUnitKind.DEPARTMENT,
    DISTRICT.id,
    ("区商务局",),
    valid_to=date(2025, 1, 1),
)
NEW = UnitRecord(
    _id("城区商务和投资促进局"),
    "城区商务和投资促进局",
    OrgUnitKind.DEPARTMENT,
    DISTRICT.id,
    ("区商务局",),
    valid_from=date(2025, 1, 1),
)
MOVED = UnitRecord(
    _id("新街道"),
    "新街道",
    OrgUnitKind.TOWN,
    _id("别区"),
    parent_since=date(2025, 1, 1),
    past_links=(PastLink(DISTRICT.id, None, date(2025, 1, 1)),),
)
OTHER = UnitRecord(_id("别区"), "别区", OrgUnitKind.DISTRICT, None)
INDEX = UnitIndex([DISTRICT, SOUTH, NORTH, STREET, OLD, NEW, MOVED, OTHER])


@pytest.mark.parametrize(
    ("bounds", "day", "expected"),
    [
        ((None, None), D23, True),  # unknown bounds read as open
        ((D23, None), D23, True),
        ((D24, None), D23, False),
        ((None, D24), D24, False),  # valid_to is exclusive
        ((None, D24), D23, True),
    ],
)
def test_in_force(bounds: tuple[date | None, date | None], day: date, expected: bool) -> None:
    assert in_force(*bounds, day) is expected


def test_attestations_bound_group_membership_only_where_bounds_are_unknown() -> None:
    assert attested_on((), D23)
    assert attested_on((D23,), D23)
    assert not attested_on((D23,), D24)
    assert group_member(None, None, (D23,), D23)
    # Alone, an attested unit's last known list stays in force both ways.
    assert group_member(None, None, (D23,), D24)
    assert group_member(None, None, (D24,), D23)
    # A rival's later attestation ends it; a rival attested earlier keeps it out before its own.
    assert not group_member(None, None, (D23,), D24, rivals=(D24,))
    assert group_member(None, None, (D23,), D24 - timedelta(days=1), rivals=(D24,))
    assert not group_member(None, None, (D24,), D23, rivals=(D23,))
    assert not group_member(None, None, (D24,), D24 - timedelta(days=1), rivals=(D23,))
    assert group_member(None, None, (D24,), date(2030, 1, 1), rivals=(D23,))
    assert group_member(None, None, (D23,), date(2020, 1, 1), rivals=(D24,))
    # A known bound wins over the attestations on its side.
    assert not group_member(None, None, (D24,), date(2021, 1, 1), rivals=(D23,))
    assert group_member(date(2020, 1, 1), None, (D24,), date(2021, 1, 1), rivals=(D23,))
    assert not group_member(date(2020, 1, 1), None, (D23,), date(2025, 1, 1), rivals=(D24,))
    assert group_member(date(2020, 1, 1), date(2030, 1, 1), (D23,), date(2025, 1, 1), (D24,))
    assert group_member(None, None, (D23, D24), date(2023, 12, 1))  # between two attestations
    # No date: today's tree.
    assert group_member(None, None, (D23,), None)
    assert not group_member(None, date(2025, 1, 1), (), None)


def _names(ids: tuple) -> list[str]:  # type: ignore[type-arg]
    by_id = {unit.id: unit.name for unit in (SOUTH, NORTH, STREET, MOVED)}
    return sorted(by_id[i] for i in ids)


def test_group_reference_expands_to_the_towns_of_the_documents_date() -> None:
    group = "各镇（街道）"
    assert _names(INDEX.resolve(group, context=DISTRICT.id, as_of=D23).unit_ids) == [
        "南村镇",
        "新街道",
        "钟家庄街道",
    ]
    assert _names(INDEX.resolve(group, context=DISTRICT.id, as_of=D24).unit_ids) == [
        "北石店镇",
        "新街道",
        "钟家庄街道",
    ]
    # After the move 新街道 belongs to 别区; 2024's list of towns stays in force.
    assert _names(INDEX.resolve(group, context=DISTRICT.id, as_of=date(2025, 6, 1)).unit_ids) == [
        "北石店镇",
        "钟家庄街道",
    ]
    # Between the two lists the earlier one holds; before both, the earliest.
    between = INDEX.resolve(group, context=DISTRICT.id, as_of=D24 - timedelta(days=1))
    assert _names(between.unit_ids) == ["南村镇", "新街道", "钟家庄街道"]
    before = INDEX.resolve(group, context=DISTRICT.id, as_of=date(2020, 1, 1))
    assert "南村镇" in _names(before.unit_ids)
    assert "北石店镇" not in _names(before.unit_ids)


def test_a_name_resolves_to_the_unit_that_bore_it_on_the_date() -> None:
    old = INDEX.resolve("区商务局", context=DISTRICT.id, as_of=date(2024, 6, 1))
    new = INDEX.resolve("区商务局", context=DISTRICT.id, as_of=date(2025, 6, 1))
    assert old.unit_ids == (OLD.id,)
    assert new.unit_ids == (NEW.id,)
    # Today's tree without a date; an ended unit's own name still finds it.
    assert INDEX.resolve("区商务局", context=DISTRICT.id).unit_ids == (NEW.id,)
    assert INDEX.resolve("城区商务局", as_of=date(2026, 1, 1)).unit_ids == (OLD.id,)
    # A named unit resolves whatever its attestations say (naming it attests it).
    assert INDEX.resolve("北石店镇党委", context=DISTRICT.id, as_of=D23).unit_ids == (NORTH.id,)
