"""Unit names as documents write them: normalisation, splitting, group references, resolution.

Documents name units loosely: full- or half-width brackets, spaces from PDF extraction,
relative prefixes (区城管局 in a 城区 document), party and government halves of one town
(北石店镇党委、政府), shared suffixes (西上庄、钟家庄街道办事处) and whole groups
(各镇（街道）, 区直各相关单位). This module turns such text into unit ids of an in-memory
index, so the seed loader and ledger importers resolve names the same way.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from uuid import UUID

from models.enums import OrgUnitKind
from models.org_unit_tree import group_member, in_force

__all__ = [
    "TERRITORIAL_KINDS",
    "AmbiguousUnitError",
    "GroupReference",
    "GroupScope",
    "PastLink",
    "Resolution",
    "UnitIndex",
    "UnitRecord",
    "UnknownUnitError",
    "name_spellings",
    "normalize_doc_number",
    "normalize_name",
    "official_forms",
    "parse_group_reference",
    "short_name",
    "split_unit_list",
]

_WHITESPACE_RE = re.compile(r"\s+")
_OPENING = "（〔［[【("
_CLOSING = "）〕］]】)"
_TO_ASCII_BRACKETS = str.maketrans(_OPENING + _CLOSING, "((((((" + "))))))")

TERRITORIAL_KINDS = frozenset(
    {OrgUnitKind.PROVINCE, OrgUnitKind.CITY, OrgUnitKind.DISTRICT, OrgUnitKind.TOWN}
)


def normalize_name(text: str) -> str:
    """Comparable form of a unit name: NFKC, no whitespace, every bracket as ASCII ()."""
    # Twice: removing a space NFKC produced ("¨" → " ̈") can leave a pair NFKC composes, and
    # stored normalised names must come back unchanged when normalised again.
    return _compact(_compact(text)).translate(_TO_ASCII_BRACKETS)


def _compact(text: str) -> str:
    """NFKC without whitespace."""
    return _WHITESPACE_RE.sub("", unicodedata.normalize("NFKC", text))


_DOC_YEAR_RE = re.compile(r"[〔\[(（［【]([0-9]{4})[〕\])）］】]")


def normalize_doc_number(text: str) -> str:
    """Canonical 文号: NFKC, no whitespace, the year in 〔〕 (城政办发〔2023〕20号)."""
    return _DOC_YEAR_RE.sub(r"〔\1〕", _compact(text))


# ---------------------------------------------------------------------------
# Splitting a cell that lists units
# ---------------------------------------------------------------------------

_SEPARATORS = frozenset("、，,；;")
_LIST_PREFIX_RE = re.compile(r"^(?:责任单位|责任主体|牵头单位|配合单位)[:：]")
# Halves of a town or street government written after the first full name:
# "北石店镇党委、政府" means 北石店镇党委 and 北石店镇政府. Longest first.
_BARE_FRAGMENTS = ("人民政府", "党工委", "办事处", "政府", "党委")
# A part ending in one of these names a unit by itself; anything else is a bare stem waiting
# for the suffix of a later part ("西上庄、钟家庄街道办事处").
_UNIT_SUFFIXES = (
    "局",
    "分局",
    "中心",
    "办",
    "镇",
    "乡",
    "街道",
    "办事处",
    "公司",
    "厂",
    "矿",
    "委",
    "组",
    "政府",
    "院",
    "所",
    "站",
    "队",
    "单位",
    "部门",
    "会",
    "部",
    "处",
    "室",
    "厅",
    "省",
    "市",
    "县",
    "区",
    # No 村: 南村、金村 are stems of towns (南村镇), not villages, in these lists.
    "社区",
    "人大",
    "政协",
    "团",
    "馆",
    "校",
    "银行",
)
# Suffixes handed from a full name to the bare stems before it. Only town and street forms:
# documents do not abbreviate departments this way, and "区人大、区生态环境分局" must not
# become 区人大分局.
_SHARED_SUFFIXES = tuple(
    sorted(
        (
            "街道办事处",
            "街道党工委",
            "镇人民政府",
            "乡人民政府",
            "镇政府",
            "乡政府",
            "镇党委",
            "乡党委",
            "办事处",
            "街道",
            "镇",
            "乡",
        ),
        key=len,
        reverse=True,
    )
)
_TERRITORIAL_ENDINGS = ("镇", "乡", "街道", "区", "县", "市", "省")
_TRAILING_BRACKET_RE = re.compile(r"[（〔［\[【(][^（〔［\[【(]*[）〕］\]】)]$")


def _raw_parts(text: str) -> Iterator[str]:
    """Parts split on list separators and whitespace, never inside brackets."""
    depth = 0
    current: list[str] = []
    for char in text:
        if char in _OPENING:
            depth += 1
        elif char in _CLOSING:
            depth = max(depth - 1, 0)
        if depth == 0 and (char in _SEPARATORS or char.isspace()):
            yield "".join(current)
            current = []
            continue
        current.append(char)
    yield "".join(current)


def _has_unit_suffix(part: str) -> bool:
    """Whether a part names a unit by itself (各镇（街道） counts through 各镇)."""
    core = part
    while True:
        stripped = _TRAILING_BRACKET_RE.sub("", core)
        if stripped == core:
            break
        core = stripped
    return core.endswith(_UNIT_SUFFIXES)


def _stem_for_fragment(previous: str) -> str | None:
    """The unit a bare fragment (政府, 办事处 …) belongs to, from the part before it."""
    for fragment in _BARE_FRAGMENTS:
        if previous.endswith(fragment) and len(previous) > len(fragment):
            return previous[: -len(fragment)]
    if previous.endswith(_TERRITORIAL_ENDINGS):
        return previous
    return None


def split_unit_list(text: str) -> list[str]:
    """Split a cell listing units into unit names, completing 政府/办事处 and shared suffixes."""
    text = _LIST_PREFIX_RE.sub("", text.strip())
    parts: list[str] = []
    for raw in _raw_parts(text):
        part = _LIST_PREFIX_RE.sub("", _WHITESPACE_RE.sub("", raw))
        if not part:
            continue
        stem = _stem_for_fragment(parts[-1]) if parts and part in _BARE_FRAGMENTS else None
        parts.append(stem + part if stem is not None else part)
    # Hand a full name's suffix back to the bare stems right before it.
    suffix: str | None = None
    for index in range(len(parts) - 1, -1, -1):
        part = parts[index]
        if _has_unit_suffix(part):
            suffix = next((s for s in _SHARED_SUFFIXES if part.endswith(s)), None)
        elif suffix is not None:
            parts[index] = part + suffix
    return parts


# ---------------------------------------------------------------------------
# Group references
# ---------------------------------------------------------------------------


class GroupScope(StrEnum):
    """Which children of a government a group reference stands for."""

    ALL_TOWNS = "ALL_TOWNS"  # 各镇（街道）
    ALL_STREETS = "ALL_STREETS"  # 各街道
    ALL_DEPARTMENTS = "ALL_DEPARTMENTS"  # 区直各相关单位
    ALL_COUNTIES = "ALL_COUNTIES"  # 各县（市、区）


@dataclass(frozen=True, slots=True)
class GroupReference:
    """A name standing for a group of units, e.g. 各镇（街道）."""

    scope: GroupScope
    # The government level the group hangs off; None means the context government itself.
    level: OrgUnitKind | None
    relevant_only: bool  # 相关/有关: only the units concerned, which text alone cannot tell
    text: str

    @property
    def expands(self) -> bool:
        """Whether the group stands for every member (各镇（街道）).

        相关/有关 (区直相关单位, 相关镇（街道）) means only the units concerned, which the text
        does not name: such a reference stays as written (a task's or rectification's
        `responsibilityUnresolved`), never expanded to every unit.
        """
        return not self.relevant_only


_REL = r"(?P<rel>相关|有关)?"
_GROUP_PATTERNS: tuple[tuple[re.Pattern[str], GroupScope], ...] = (
    (
        re.compile(
            rf"^(?:各{_REL}|(?P<rel2>相关|有关))(?:乡镇|镇|乡)"
            r"(?:\((?:街道|街道办事处|办事处)\)|街道|街)?$"
        ),
        GroupScope.ALL_TOWNS,
    ),
    (
        re.compile(
            rf"^(?:各{_REL}|(?P<rel2>相关|有关))(?:街道办事处|街道党工委|街道办|街道|办事处)$"
        ),
        GroupScope.ALL_STREETS,
    ),
    (
        re.compile(rf"^各?(?P<level>区直|县直|市直)各?{_REL}(?:单位|部门)$"),
        GroupScope.ALL_DEPARTMENTS,
    ),
    (re.compile(rf"^各{_REL}部门$"), GroupScope.ALL_DEPARTMENTS),
    (re.compile(r"^各?(?P<rel2>相关|有关)(?:单位|部门)$"), GroupScope.ALL_DEPARTMENTS),
    (
        re.compile(rf"^各{_REL}县(?:\(市、?区\)|\(市\)区|\(区\)|\(市\)|市区|区|市)$"),
        GroupScope.ALL_COUNTIES,
    ),
)
_LEVELS = {"区直": OrgUnitKind.DISTRICT, "县直": OrgUnitKind.DISTRICT, "市直": OrgUnitKind.CITY}


def parse_group_reference(name: str) -> GroupReference | None:
    """The group a name stands for (各镇（街道）, 区直各相关单位 …), or None."""
    normalized = normalize_name(name)
    for pattern, scope in _GROUP_PATTERNS:
        match = pattern.match(normalized)
        if match is None:
            continue
        groups = match.groupdict()
        level: OrgUnitKind | None = None
        if scope is GroupScope.ALL_COUNTIES:
            level = OrgUnitKind.CITY
        elif groups.get("level"):
            level = _LEVELS[groups["level"]]
        relevant = bool(groups.get("rel") or groups.get("rel2"))
        return GroupReference(scope, level, relevant, name.strip())
    return None


# ---------------------------------------------------------------------------
# Resolution against an in-memory tree
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PastLink:
    """A parent link an org-unit event closed: the parent from valid_from to valid_to."""

    parent_id: UUID
    valid_from: date | None
    valid_to: date


@dataclass(frozen=True, slots=True)
class UnitRecord:
    """A unit as the resolver sees it, with its dates (models/org_unit_tree.py)."""

    id: UUID
    name: str
    kind: OrgUnitKind
    parent_id: UUID | None
    aliases: tuple[str, ...] = ()
    valid_from: date | None = None
    valid_to: date | None = None
    parent_since: date | None = None
    past_links: tuple[PastLink, ...] = ()
    attested: tuple[date, ...] = ()

    def in_force(self, on: date | None) -> bool:
        """In force on `on` (None: today, i.e. not ended)."""
        return self.valid_to is None if on is None else in_force(self.valid_from, self.valid_to, on)

    def parent_on(self, on: date | None) -> UUID | None:
        """The parent on `on` (None: the current parent)."""
        if on is None:
            return self.parent_id
        for link in self.past_links:
            if in_force(link.valid_from, link.valid_to, on):
                return link.parent_id
        if self.parent_since is None or self.parent_since <= on:
            return self.parent_id
        return None


@dataclass(frozen=True, slots=True)
class Resolution:
    """The units a name stands for; group is set when it was a group reference.

    An unresolved group (相关…, `group.expands` false) stands for no unit: unit_ids is empty.
    """

    text: str
    unit_ids: tuple[UUID, ...]
    group: GroupReference | None


class UnknownUnitError(ValueError):
    """No unit matches the name."""

    def __init__(self, name: str, detail: str = "") -> None:
        self.name = name
        super().__init__(f"unknown unit {name!r}" + (f": {detail}" if detail else ""))


class AmbiguousUnitError(ValueError):
    """Several units match the name and the context cannot choose."""

    def __init__(self, name: str, candidates: tuple[UUID, ...]) -> None:
        self.name = name
        self.candidates = candidates
        super().__init__(f"ambiguous unit {name!r}: {len(candidates)} candidates")


_RELATIVE_PREFIXES = {
    "区": OrgUnitKind.DISTRICT,
    "县": OrgUnitKind.DISTRICT,
    "市": OrgUnitKind.CITY,
    "省": OrgUnitKind.PROVINCE,
}
_LEADERSHIP_SUFFIXES = ("人民政府", "政府", "党工委", "党委")
_STREET_FORMS = ("街道办事处", "街道办", "街道", "办事处")


class UnitIndex:
    """Units by normalised name and alias, with the tree needed to pick among namesakes."""

    def __init__(self, units: Iterable[UnitRecord]) -> None:
        """Index the units; names and aliases are compared in normalize_name form."""
        self._units: dict[UUID, UnitRecord] = {}
        # Children by every parent a unit ever had (current and past links).
        self._children: dict[UUID, list[UnitRecord]] = {}
        self._by_name: dict[str, list[UUID]] = {}
        for unit in units:
            self._units[unit.id] = unit
        for unit in self._units.values():
            parents = {link.parent_id for link in unit.past_links}
            if unit.parent_id is not None:
                parents.add(unit.parent_id)
            for parent in parents:
                self._children.setdefault(parent, []).append(unit)
            for spelling in (unit.name, *unit.aliases):
                ids = self._by_name.setdefault(normalize_name(spelling), [])
                if unit.id not in ids:
                    ids.append(unit.id)

    # -- tree helpers ------------------------------------------------------

    def _lineage(self, unit_id: UUID) -> Iterator[UnitRecord]:
        """The unit and its ancestors, nearest first; stops on unknown ids or cycles."""
        seen: set[UUID] = set()
        current: UUID | None = unit_id
        while current is not None and current not in seen and current in self._units:
            seen.add(current)
            unit = self._units[current]
            yield unit
            current = unit.parent_id

    def _nearest(self, unit_id: UUID, kinds: frozenset[OrgUnitKind]) -> UnitRecord | None:
        """Nearest ancestor-or-self of one of the kinds."""
        return next((unit for unit in self._lineage(unit_id) if unit.kind in kinds), None)

    def _owner(self, unit_id: UUID) -> UUID | None:
        """Nearest territorial ancestor, excluding the unit itself."""
        unit = self._units[unit_id]
        if unit.parent_id is None:
            return None
        owner = self._nearest(unit.parent_id, TERRITORIAL_KINDS)
        return None if owner is None else owner.id

    def _within(self, unit_id: UUID, ancestor_id: UUID) -> bool:
        """Whether ancestor_id is the unit or one of its ancestors."""
        return any(unit.id == ancestor_id for unit in self._lineage(unit_id))

    def government_of(self, unit_id: UUID) -> UUID:
        """Nearest territorial (PROVINCE/CITY/DISTRICT/TOWN) ancestor-or-self of a unit."""
        if unit_id not in self._units:
            raise UnknownUnitError(str(unit_id), "id not in the index")
        government = self._nearest(unit_id, TERRITORIAL_KINDS)
        if government is None:
            raise UnknownUnitError(self._units[unit_id].name, "no territorial ancestor")
        return government.id

    # -- resolution --------------------------------------------------------

    def resolve(
        self, name: str, *, context: UUID | None = None, as_of: date | None = None
    ) -> Resolution:
        """The unit(s) a name stands for, read from the point of view of the context unit
        in a document dated `as_of` (None: today's tree). Groups expand to their members on
        that date; a name prefers the units in force then (models/org_unit_tree.py)."""
        text = name.strip()
        normalized = normalize_name(text)
        if not normalized:
            raise UnknownUnitError(text, "empty name")
        group = parse_group_reference(text)
        if group is not None:
            # 相关…: no unit until someone names the units concerned (GroupReference.expands).
            members = self._expand(group, context, as_of) if group.expands else ()
            return Resolution(text, members, group)
        government = None if context is None else self.government_of(context)

        # A relative prefix (区城管局) names a unit of the context's own district, city or
        # province: try the spelled-out name first and accept nothing outside that government,
        # so a 沁水县 ledger's 县生态环境分局 never lands on 泽州县's namesake.
        anchor = None if government is None else self._anchor(normalized, government)
        spellings: list[str] = []
        if anchor is not None:
            spellings.extend(_anchored_spellings(normalized, anchor))
        spellings.append(normalized)
        for spelling in list(spellings):
            spellings.extend(_suffix_variants(spelling))

        within = None if anchor is None else anchor.id
        # Rule 0: first the units in force on the date, under any spelling; then any unit
        # that ever bore one of them.
        for current_only in (True, False):
            found = self._first_exact(
                text, normalized, spellings, government, within, as_of, current_only
            )
            if found is not None:
                return Resolution(text, (found,), None)
        official = self._official(normalized, as_of)
        if official is not None:
            return Resolution(text, (official,), None)
        raise UnknownUnitError(text)

    def _first_exact(
        self,
        text: str,
        normalized: str,
        spellings: list[str],
        government: UUID | None,
        within: UUID | None,
        as_of: date | None,
        current_only: bool,
    ) -> UUID | None:
        """The first spelling's exact match; ambiguity raised when no spelling settles it."""
        ambiguity: AmbiguousUnitError | None = None
        for spelling in dict.fromkeys(spellings):
            try:
                found = self._exact(spelling, government, within, as_of, current_only)
            except AmbiguousUnitError as error:
                if spelling == normalized:
                    raise AmbiguousUnitError(text, error.candidates) from None
                ambiguity = ambiguity or AmbiguousUnitError(text, error.candidates)
                continue
            if found is not None:
                return found
        if ambiguity is not None:
            raise ambiguity
        return None

    def _official(self, normalized: str, as_of: date | None) -> UUID | None:
        """Rule 5: a full official name (晋城市城区人民政府): its unit under that government."""
        for government, rest in official_forms(normalized):
            for government_id in self._by_name.get(government, []):
                try:
                    found = self.resolve(rest, context=government_id, as_of=as_of).unit_ids
                except (UnknownUnitError, AmbiguousUnitError):
                    continue
                if len(found) == 1 and self._within(found[0], government_id):
                    return found[0]
        return None

    def resolve_many(
        self, names: Iterable[str], *, context: UUID | None = None, as_of: date | None = None
    ) -> list[Resolution]:
        """resolve() for each name, in order."""
        return [self.resolve(name, context=context, as_of=as_of) for name in names]

    def _exact(
        self,
        normalized: str,
        government: UUID | None,
        within: UUID | None,
        as_of: date | None = None,
        current_only: bool = False,
    ) -> UUID | None:
        """Rule 2: exact normalised match, namesakes settled by the context government.

        Rule 0: `current_only` keeps the units in force on `as_of` (an old name for an old
        document is the unit that bore it then); otherwise the units in force on it are
        preferred to those that ever bore the name."""
        ids = self._by_name.get(normalized, [])
        current = [unit_id for unit_id in ids if self._units[unit_id].in_force(as_of)]
        ids = current if current_only else (current or ids)
        if within is not None:
            ids = [unit_id for unit_id in ids if self._within(unit_id, within)]
        if len(ids) <= 1:
            return ids[0] if ids else None
        if government is None:
            raise AmbiguousUnitError(normalized, tuple(ids))
        inside = [unit_id for unit_id in ids if self._within(unit_id, government)]
        if len(inside) == 1:
            return inside[0]
        pool = inside or ids
        for ancestor in self._lineage(government):
            if ancestor.kind not in TERRITORIAL_KINDS:
                continue
            closest = [unit_id for unit_id in pool if self._owner(unit_id) == ancestor.id]
            if len(closest) == 1:
                return closest[0]
            if closest:
                break
        raise AmbiguousUnitError(normalized, tuple(pool))

    def _anchor(self, normalized: str, government: UUID) -> UnitRecord | None:
        """Rule 3: the government a relative prefix (区/县/市/省) refers to, if any."""
        kind = _RELATIVE_PREFIXES.get(normalized[:1])
        if kind is None or len(normalized) < 2:
            return None
        return self._nearest(government, frozenset({kind}))

    def _expand(
        self, group: GroupReference, context: UUID | None, as_of: date | None
    ) -> tuple[UUID, ...]:
        """Rule 1: the units of a group reference on `as_of`, sorted by name: the children
        linked to the government on that date that are members then (group_member)."""
        if context is None:
            raise UnknownUnitError(group.text, "a group reference needs a context unit")
        base: UnitRecord | None = self._units[self.government_of(context)]
        if group.level is not None:
            base = self._nearest(self.government_of(context), frozenset({group.level}))
        if group.scope is GroupScope.ALL_COUNTIES and base is not None:
            base = self._nearest(base.id, frozenset({OrgUnitKind.CITY}))
        if base is None:
            raise UnknownUnitError(group.text, "no government of that level above the context")
        siblings = self._children.get(base.id, [])
        children = [
            unit
            for unit in siblings
            if unit.parent_on(as_of) == base.id
            and group_member(
                unit.valid_from,
                unit.valid_to,
                unit.attested,
                as_of,
                rivals=[
                    on
                    for other in siblings
                    if other.id != unit.id and other.kind is unit.kind
                    for on in other.attested
                ],
            )
        ]
        if group.scope is GroupScope.ALL_TOWNS:
            members = [unit for unit in children if unit.kind is OrgUnitKind.TOWN]
        elif group.scope is GroupScope.ALL_STREETS:
            members = [
                unit
                for unit in children
                if unit.kind is OrgUnitKind.TOWN
                and ("街道" in unit.name or unit.name.endswith("办事处"))
            ]
        elif group.scope is GroupScope.ALL_DEPARTMENTS:
            members = [unit for unit in children if unit.kind is OrgUnitKind.DEPARTMENT]
        else:
            members = [unit for unit in children if unit.kind is OrgUnitKind.DISTRICT]
        if not members:
            raise UnknownUnitError(group.text, "the group has no members")
        return tuple(unit.id for unit in sorted(members, key=lambda unit: (unit.name, unit.id)))


def name_spellings(normalized: str) -> list[str]:
    """A normalised name and the forms it also goes by (北石店镇党委 → 北石店镇, 城区人民政府 →
    城区, 西上庄街道 ↔ 西上庄办事处), the name itself first."""
    return [normalized, *_suffix_variants(normalized)]


_OFFICIAL_PREFIX_RE = re.compile(r"(?<=[省市县区])")


def official_forms(normalized: str) -> list[tuple[str, str]]:
    """(government, rest) splits of a full official name, nearest government last-split first.

    Documents head themselves with the full form: 晋城市城区人民政府 is 城区人民政府 of 晋城市,
    山西省晋城市城区人民政府 the same with the province in front. Each split puts a name ending
    in 省/市/县/区 before the rest; the rest must still name a unit (at least two characters,
    not a bare 人民政府), and the government must be one of its ancestors — which the caller,
    holding the tree, checks.
    """
    forms: list[tuple[str, str]] = []
    for match in _OFFICIAL_PREFIX_RE.finditer(normalized):
        cut = match.start()
        government, rest = normalized[:cut], normalized[cut:]
        if len(government) < 2 or len(rest) < 2 or rest in _LEADERSHIP_SUFFIXES:
            continue
        # The nearest government: the part of the prefix after its own last 省/市/县/区 split.
        inner = [g for g in _OFFICIAL_PREFIX_RE.split(government) if g]
        forms.append((inner[-1] if len(inner[-1]) >= 2 else government, rest))
    return sorted(forms, key=lambda form: -len(form[1]))


_LEVEL_SUFFIXES = ("区", "县", "市", "省")


def short_name(name: str) -> str:
    """The short form of a government's name, as documents shorten it (labels use it:
    2023城区大气): normalised, without a leadership suffix (城区人民政府 → 城区) and without
    its level (晋城市 → 晋城, 阳城县 → 阳城, as `_anchored_spellings` reads 晋城生态环境局);
    a two-character name keeps its level (城区 stays 城区)."""
    core = normalize_name(name)
    for suffix in _LEADERSHIP_SUFFIXES:
        if core.endswith(suffix) and len(core) > len(suffix):
            core = core[: -len(suffix)]
            break
    if core.endswith(_LEVEL_SUFFIXES) and len(core) > 2:
        core = core[:-1]
    return core


def _anchored_spellings(normalized: str, anchor: UnitRecord) -> list[str]:
    """Rule 3: 区城管局 → 城区城管局, from the anchor's name and aliases."""
    rest = normalized[1:]
    spellings: list[str] = []
    for base in (anchor.name, *anchor.aliases):
        base = normalize_name(base)
        spellings.append(base + rest)
        # 晋城市 → 晋城生态环境局; a one-character remainder (城区 → 城) means nothing.
        if base.endswith(_LEVEL_SUFFIXES) and len(base) > 2:
            spellings.append(base[:-1] + rest)
    return spellings


def _suffix_variants(normalized: str) -> list[str]:
    """Rule 4: 北石店镇党委 → 北石店镇, 西上庄街道办事处 ↔ 西上庄街道 ↔ 西上庄办事处."""
    variants: list[str] = []
    core = normalized
    for suffix in _LEADERSHIP_SUFFIXES:
        if core.endswith(suffix) and len(core) > len(suffix):
            core = core[: -len(suffix)]
            variants.append(core)
            break
    for form in _STREET_FORMS:
        if core.endswith(form) and len(core) > len(form):
            stem = core[: -len(form)]
            variants.extend(stem + other for other in _STREET_FORMS if other != form)
            break
    else:
        # The tree may spell a town as 南村镇人民政府.
        if core.endswith(("镇", "乡")):
            variants.extend((core + "人民政府", core + "政府"))
    return [variant for variant in variants if variant != normalized]
