"""The rectification close-out workflow (整改销号): legal transitions and who may make them.

NOT_STARTED → IN_PROGRESS → COMPLETED → VERIFIED → CLOSED, and REOPENED from COMPLETED,
VERIFIED or CLOSED, then REOPENED → IN_PROGRESS. The responsible unit starts, completes and
resumes its work; only a supervising unit (a superior of a responsible unit, or the
inspection team) verifies, closes (销号) and reopens.
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
