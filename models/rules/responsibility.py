"""Responsibility text (责任单位) split into lead (牵头) and cooperating (配合) unit names."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from uuid import UUID

import sqlalchemy as sa

from models.enums import AssignmentRole
from models.rules.names import UnitIndex, split_unit_list

__all__ = [
    "AssignedUnit",
    "Assignments",
    "Responsibility",
    "assign_responsibility",
    "parse_responsibility",
    "written_order",
]


def written_order(position: sa.ColumnElement[int | None]) -> sa.ColumnElement[int]:
    """Sort key of shares as the text names them (the first-named unit is the first lead);
    shares written without a position (mutations) come after, in the tree order that follows.
    Both read engines (loaders, the compiled path) order units by it."""
    return sa.func.coalesce(position, 2_147_483_647)


@dataclass(frozen=True, slots=True)
class Responsibility:
    """Lead and cooperating unit names of one task, as written (not yet resolved)."""

    leads: list[str]
    cooperating: list[str]
    text: str


_LINE_BREAK_RE = re.compile(r"[^\S\r\n]*[\r\n]+[^\S\r\n]*")
_WRAP_OPENING = "〔[［【"
_WRAP_CLOSING = "〕]］】"
_OPENING = "（〔［[【("
_CLOSING = "）〕］]】)"
_PREFIX_RE = re.compile(r"^(?:责任单位|责任主体)[:：]")
# "A、B按职责分工牵头，C配合": the lead side may carry how the leads share the work.
_LEAD_RE = re.compile(r"(?:按职责分工|按职责|分别)?牵头")
_COOPERATE_RE = re.compile(r"配合$")
_EDGE_SEPARATORS = "、，,；; \u3000"


def parse_responsibility(text: str) -> Responsibility:
    """Split a 责任单位 cell or bracket into lead and cooperating unit names."""
    # Line breaks are PDF extraction artefacts ("〔责任\n单位：…") and go; spaces stay, as
    # table cells separate units by them ("区生态环境分局 晋城市凤禹排水有限公司").
    body = _unwrap(_LINE_BREAK_RE.sub("", text).strip())
    body = _PREFIX_RE.sub("", body)
    lead_match = _LEAD_RE.search(body)
    if lead_match is None:
        # Without 牵头 every unit leads, except a bare "… 配合" list, which only cooperates.
        if _COOPERATE_RE.search(body):
            return Responsibility([], split_unit_list(_COOPERATE_RE.sub("", body)), text.strip())
        return Responsibility(split_unit_list(body), [], text.strip())
    leads = body[: lead_match.start()].strip()
    rest = body[lead_match.end() :].strip().strip(_EDGE_SEPARATORS)
    cooperating = _COOPERATE_RE.sub("", rest)
    return Responsibility(split_unit_list(leads), split_unit_list(cooperating), text.strip())


def _unwrap(body: str) -> str:
    """Drop a wrapping 〔…〕 (or […], mixed pairs included) around the whole text."""
    if body[:1] in _WRAP_OPENING:
        body = body[1:]
    if body[-1:] in _WRAP_CLOSING and _balance(body) < 0:
        body = body[:-1]
    return body


def _balance(text: str) -> int:
    """Opening minus closing brackets of any kind."""
    return sum(char in _OPENING for char in text) - sum(char in _CLOSING for char in text)


@dataclass(frozen=True, slots=True)
class AssignedUnit:
    """One unit's share, in the order the text names it (position 0 is the first lead)."""

    unit_id: UUID
    role: AssignmentRole
    via_group: str | None
    position: int


@dataclass(frozen=True, slots=True)
class Assignments:
    """The units a responsibility names, and the group references left as written."""

    units: list[AssignedUnit]
    unresolved: list[str]

    @property
    def leads(self) -> list[UUID]:
        """Lead unit ids, first-named first."""
        return [unit.unit_id for unit in self.units if unit.role is AssignmentRole.LEAD]


def assign_responsibility(
    index: UnitIndex,
    leads: Iterable[str],
    cooperating: Iterable[str],
    *,
    context: UUID | None,
    as_of: date | None = None,
) -> Assignments:
    """Resolve lead and cooperating names into ordered shares (seeds and importers alike).

    `as_of` is the document's date: group references (各镇（街道）) expand to their members on
    that date and names prefer the units in force then (models/org_unit_tree.py: 2023's
    各镇（街道） is 南村镇 and the streets, 2024's 北石店镇 and the streets).

    Leads first, in written order, so the first-named unit is the first lead; a unit named
    twice keeps its first share, and a lead that a group also names as cooperating stays a
    lead. A group of 相关/有关 units (区直相关单位) names no unit: its text goes to
    `unresolved`, never expanded to every unit (GroupReference.expands). Raises the index's
    UnknownUnitError / AmbiguousUnitError for a name it cannot resolve.
    """
    units: list[AssignedUnit] = []
    unresolved: list[str] = []
    seen: set[UUID] = set()
    for role, names in ((AssignmentRole.LEAD, leads), (AssignmentRole.COOPERATING, cooperating)):
        for name in names:
            resolution = index.resolve(name, context=context, as_of=as_of)
            if resolution.group is not None and not resolution.group.expands:
                if resolution.text not in unresolved:
                    unresolved.append(resolution.text)
                continue
            via = resolution.text if resolution.group is not None else None
            for unit_id in resolution.unit_ids:
                if unit_id in seen:
                    continue
                seen.add(unit_id)
                units.append(AssignedUnit(unit_id, role, via, len(units)))
    return Assignments(units, unresolved)
