"""The rectification close-out workflow (整改销号): legal transitions and who may make them.

NOT_STARTED → IN_PROGRESS → COMPLETED → VERIFIED → CLOSED, and REOPENED from COMPLETED,
VERIFIED or CLOSED, then REOPENED → IN_PROGRESS. The table applies to each responsible unit's
share of an item (issue 17, point 5) and to the item as a whole.

Who acts on a share: its own unit starts, completes and resumes it (RESPONSIBLE); the
supervising side verifies (验收), closes (销号) and reopens it (SUPERVISING, COORDINATOR or
higher): the inspection team, a unit designated supervisor of the inspection
(models/supervision.py, e.g. 区环委办), or a unit strictly above the share's unit — never the
share's own unit. ADMIN may act as either side.

Which share a move is of (transitionRectification's optional `unit`): the named unit's; by
default the viewer's unit's own share when it holds one; otherwise the item as a whole. A
move of the item as a whole is a supervising move (VERIFIED, CLOSED, REOPENED) by a unit that
supervises every share; every share must be able to make it (SHARES_DIFFER otherwise: move
them one by one), and it moves them all, as one event of the item; ADMIN may make any move
as a whole, on the same condition. The item's state is then derived from the
shares (models/rules/rectification_state.py). An item with no resolved responsible unit has
no share and moves as a whole, as before shares.
"""

from __future__ import annotations

from enum import StrEnum

from models.enums import RectificationStatus as S


class Actor(StrEnum):
    """Who may make a transition."""

    RESPONSIBLE = "RESPONSIBLE"
    SUPERVISING = "SUPERVISING"


TRANSITIONS: dict[tuple[S, S], Actor] = {
    (S.NOT_STARTED, S.IN_PROGRESS): Actor.RESPONSIBLE,
    (S.IN_PROGRESS, S.COMPLETED): Actor.RESPONSIBLE,
    (S.COMPLETED, S.VERIFIED): Actor.SUPERVISING,
    (S.VERIFIED, S.CLOSED): Actor.SUPERVISING,
    (S.COMPLETED, S.REOPENED): Actor.SUPERVISING,
    (S.VERIFIED, S.REOPENED): Actor.SUPERVISING,
    (S.CLOSED, S.REOPENED): Actor.SUPERVISING,
    (S.REOPENED, S.IN_PROGRESS): Actor.RESPONSIBLE,
}


def actor_for(current: S, target: S) -> Actor | None:
    """Who may move an item from `current` to `target`; None when the move is illegal."""
    return TRANSITIONS.get((current, target))


def next_states(current: S) -> list[S]:
    """The states reachable from `current` in one step."""
    return [to for (frm, to) in TRANSITIONS if frm is current]
