"""The dated unit tree (区划/机构调整): validity, group membership and succession, one home.

DESIGN — how dates and unknown dates behave.

Validity. A unit is in force on day D when `valid_from <= D < valid_to`. Either bound may be
None, meaning *unknown*; an unknown bound is read as open (a unit nobody recorded a change
for is in force on every day), because the documents name most units without any date and
inventing one would be worse than reading them as always there. An event that ends a unit
(MERGE, RENAME, SPLIT, ABOLISH) sets its `valid_to` to the event's date; ESTABLISH, RENAME and
SPLIT create successors with `valid_from` = that date. Events are never dated in the future,
so "present" (today's tree, what every query answers without `asOf`) is `valid_to IS NULL`.

Parent links. `org_unit.parent_id` is the current parent since `parent_since` (None:
unknown, open); links an event closed are rows of org_unit_parent_link with their own
bounds. `children(asOf: D)` are the units in force on D whose link to the parent covers D.

Attestation, not invention. What the documents *do* say about a unit whose existence is in
question is that a document of date D names it among its addressees (城政办发〔2023〕20号 of
2023-05-31 is addressed to 南村镇人民政府; the 2024-03-05 inspection feedback to 北石店镇党委、
政府). Such units carry org_unit_attestation rows and no validity dates. For group references
(各镇（街道）) an attested unit with an unknown bound is a member between its first and last
attestation (inclusive); beyond them the last known addressee list stays in force. A *rival*
is a unit of the same kind under the same parent that carries attestations too: after its
last attestation a unit stays a member until a rival's later attestation (up to the day);
before its first it is a member only if no rival was attested earlier (the earliest list
reaches back). So each document's group expands to the addressees of the latest document
that lists them on or before its date (the earliest one for older documents): 2023's
各镇（街道） is 南村镇 and the streets, and so is one of 2024-03-01; 2024-03-05's and every
later one's is 北石店镇 and the streets (until a document names another town); one before
2023 南村镇 and the streets. Known bounds always win over attestations; units without attestations
(the streets, which nothing puts in question) are unaffected. No merge or rename is inferred
from two towns attested in different years: that would be a fact the documents do not state.

Names. A name resolves to the units *in force* on the document's date when any is (a unit
renamed later still answers to its old name for an old document, since the old unit keeps its
name and ends at the rename); when none is, the name still resolves to the unit that carried
it (a document naming a unit is itself evidence of it). Attestation bounds do not restrict
names: they only decide membership of groups.

Succession. A task keeps the unit it was assigned to. The rollup tree (org_unit_closure, the
one subtree every rollup, filter and scope reads) hangs each unit that ended by MERGE or
RENAME under its successor instead of its last parent (`rollup_parent`): the successor and
its ancestors count the predecessor's tasks, its former parent no longer does. A SPLIT or an
ABOLISH names no single heir, so the ended unit stays under its last parent and its tasks
count there.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa

from models.enums import OrgUnitEventKind, OrgUnitEventRole
from models.org_unit import (
    OrgUnit,
    OrgUnitAttestation,
    OrgUnitEvent,
    OrgUnitEventUnit,
    OrgUnitParentLink,
)

__all__ = [
    "ROLLS_INTO",
    "attested_on",
    "closure_select",
    "group_member",
    "group_member_at",
    "in_force",
    "in_force_at",
    "parent_links",
    "present",
    "rollup_parent",
]

unit_t: sa.Table = OrgUnit.__table__  # type: ignore[attr-defined]
attestation_t: sa.Table = OrgUnitAttestation.__table__  # type: ignore[attr-defined]
event_t: sa.Table = OrgUnitEvent.__table__  # type: ignore[attr-defined]
event_unit_t: sa.Table = OrgUnitEventUnit.__table__  # type: ignore[attr-defined]
link_t: sa.Table = OrgUnitParentLink.__table__  # type: ignore[attr-defined]

# Events whose predecessors' tasks roll up into their (single) successor.
ROLLS_INTO = (OrgUnitEventKind.MERGE, OrgUnitEventKind.RENAME)
# A guard against a cycle in the rollup tree (the event service refuses cycles first).
MAX_DEPTH = 64


# -- validity ---------------------------------------------------------------------------------


def in_force(valid_from: date | None, valid_to: date | None, on: date) -> bool:
    """Whether bounds (None: unknown, open) cover the day `on`."""
    return (valid_from is None or valid_from <= on) and (valid_to is None or on < valid_to)


def in_force_at(table: sa.FromClause, on: date) -> sa.ColumnElement[bool]:
    """`in_force` of a table with valid_from / valid_to columns, in SQL."""
    c = table.c
    return sa.and_(
        sa.or_(c.valid_from.is_(None), c.valid_from <= on),
        sa.or_(c.valid_to.is_(None), c.valid_to > on),
    )


def present(table: sa.FromClause) -> sa.ColumnElement[bool]:
    """In today's tree: not ended (events are never dated after today)."""
    return table.c.valid_to.is_(None)


def attested_on(attested: Sequence[date], on: date) -> bool:
    """Whether attestations (none: nothing in question) reach the day `on`."""
    return not attested or min(attested) <= on <= max(attested)


def group_member(
    valid_from: date | None,
    valid_to: date | None,
    attested: Sequence[date],
    on: date | None,
    rivals: Sequence[date] = (),
) -> bool:
    """Whether a unit counts as a member of a group reference of a document dated `on`.

    Known bounds decide; an unknown bound of an attested unit ends at the nearest rival
    attestation beyond its own (`rivals`: the attestation dates of the other attested units
    of its kind under its parent; module docstring). `on` None (an undated document): every
    unit not ended today, as before dates existed.
    """
    if on is None:
        return valid_to is None
    if not in_force(valid_from, valid_to, on):
        return False
    if not attested:
        return True
    first, last = min(attested), max(attested)
    low_ok = valid_from is not None or first <= on or not any(r < first for r in rivals)
    high_ok = valid_to is not None or on <= last or not any(last < r <= on for r in rivals)
    return low_ok and high_ok


def group_member_at(units: sa.FromClause, on: date | None) -> sa.ColumnElement[bool]:
    """`group_member` of `units` rows in SQL (one statement; rivals found by the attestation
    index and the units' parent and kind)."""
    if on is None:
        return present(units)
    c = units.c
    own = attestation_t.alias("own")
    # correlate_except: inside the rivals' EXISTS too, `units` is the outer row.
    first = (
        sa.select(sa.func.min(own.c.attested_on))
        .where(own.c.org_unit_id == c.id)
        .correlate_except(own)
    )
    last = (
        sa.select(sa.func.max(own.c.attested_on))
        .where(own.c.org_unit_id == c.id)
        .correlate_except(own)
    )
    first_on = first.scalar_subquery()
    last_on = last.scalar_subquery()
    rival_att = attestation_t.alias("rival_att")
    rival = unit_t.alias("rival")

    def rival_between(*bounds: sa.ColumnElement[bool]) -> sa.Exists:
        return sa.exists(
            sa.select(rival_att.c.id)
            .select_from(rival_att.join(rival, rival.c.id == rival_att.c.org_unit_id))
            .where(
                rival.c.parent_id == c.parent_id,
                rival.c.kind == c.kind,
                rival.c.id != c.id,
                *bounds,
            )
        )

    # Each side separately: a known bound overrides the attestations on its side.
    return sa.and_(
        in_force_at(units, on),
        sa.or_(
            c.valid_from.is_not(None),
            first_on.is_(None),
            first_on <= on,
            sa.not_(rival_between(rival_att.c.attested_on < first_on)),
        ),
        sa.or_(
            c.valid_to.is_not(None),
            last_on.is_(None),
            last_on >= on,
            sa.not_(
                rival_between(rival_att.c.attested_on > last_on, rival_att.c.attested_on <= on)
            ),
        ),
    )


# -- parent links -----------------------------------------------------------------------------


def parent_links() -> sa.Subquery:
    """Every parent link with its bounds: the current one (org_unit.parent_id since
    parent_since, open) and the past ones (org_unit_parent_link).

    Columns: org_unit_id, parent_id, valid_from, valid_to.
    """
    current = sa.select(
        unit_t.c.id.label("org_unit_id"),
        unit_t.c.parent_id.label("parent_id"),
        unit_t.c.parent_since.label("valid_from"),
        sa.cast(sa.null(), sa.Date()).label("valid_to"),
    ).where(unit_t.c.parent_id.is_not(None))
    past = sa.select(
        link_t.c.org_unit_id, link_t.c.parent_id, link_t.c.valid_from, link_t.c.valid_to
    )
    return sa.union_all(current, past).subquery("parent_link")


# -- succession and the rollup tree -----------------------------------------------------------


def rollup_parent(units: sa.FromClause) -> sa.ColumnElement[Any]:
    """The parent of a `units` row in the rollup tree: the MERGE/RENAME successor of a unit
    that ended so, else its parent (module docstring, "Succession"). Indexed lookups only
    (ix_org_unit_event_unit_unit), so a walk up the tree joins org_unit by primary key."""
    pred = event_unit_t.alias("pred")
    succ = event_unit_t.alias("succ")
    successor = (
        sa.select(succ.c.org_unit_id)
        .select_from(
            pred.join(event_t, event_t.c.id == pred.c.event_id).join(
                succ, succ.c.event_id == pred.c.event_id
            )
        )
        .where(
            pred.c.org_unit_id == units.c.id,
            pred.c.role == OrgUnitEventRole.PREDECESSOR.value,
            succ.c.role == OrgUnitEventRole.SUCCESSOR.value,
            event_t.c.kind.in_([kind.value for kind in ROLLS_INTO]),
        )
        .order_by(event_t.c.occurred_on.desc(), succ.c.position)
        .limit(1)
        .scalar_subquery()
    )
    return sa.func.coalesce(successor, units.c.parent_id)


def closure_select() -> sa.Select[Any]:
    """Every (ancestor_id, descendant_id, depth) row of the rollup tree, (unit, unit, 0)
    included: what org_unit_closure holds. One recursive statement (both dialects): each
    step looks the current ancestor up by primary key and moves to its rollup parent."""
    walk = sa.select(
        unit_t.c.id.label("ancestor_id"),
        unit_t.c.id.label("descendant_id"),
        sa.literal(0).label("depth"),
    ).cte("walk", recursive=True)
    up = unit_t.alias("up")
    parent = rollup_parent(up)
    step = (
        sa.select(parent, walk.c.descendant_id, (walk.c.depth + 1).label("depth"))
        .select_from(walk.join(up, up.c.id == walk.c.ancestor_id))
        .where(parent.is_not(None), walk.c.depth < MAX_DEPTH)
    )
    walk = walk.union_all(step)
    return sa.select(walk.c.ancestor_id, walk.c.descendant_id, walk.c.depth)
