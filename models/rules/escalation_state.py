"""The 督办 inbox: an escalation's states, its legal moves and who makes them.

ISSUED (已下发) → ACKNOWLEDGED (已签收) → REPLIED (已回复: 情况说明 or 整改承诺; further replies
keep it REPLIED) → CLOSED (已办结). The addressed unit signs for and replies (a reply to an
ISSUED escalation signs for it too); the issuing unit, or a unit above it, closes it from any
open state. CLOSED is final. The state is a column of `escalation`, moved by one conditional
UPDATE per write (`WHERE status IN (<the states the move starts from>)`), so two concurrent
acknowledges apply once: the second finds the row already ACKNOWLEDGED and changes nothing.
"""

from __future__ import annotations

from enum import StrEnum

from models.enums import EscalationStatus as S


class Party(StrEnum):
    """Who may make a move."""

    ADDRESSEE = "ADDRESSEE"  # the unit the escalation is addressed to
    ISSUER = "ISSUER"  # the issuing unit, or a unit above it


class Move(StrEnum):
    """The writes of the inbox."""

    ACKNOWLEDGE = "ACKNOWLEDGE"
    REPLY = "REPLY"
    CLOSE = "CLOSE"


# move -> (the states it starts from, the state it ends in, who makes it)
MOVES: dict[Move, tuple[frozenset[S], S, Party]] = {
    Move.ACKNOWLEDGE: (frozenset({S.ISSUED}), S.ACKNOWLEDGED, Party.ADDRESSEE),
    Move.REPLY: (frozenset({S.ISSUED, S.ACKNOWLEDGED, S.REPLIED}), S.REPLIED, Party.ADDRESSEE),
    Move.CLOSE: (frozenset({S.ISSUED, S.ACKNOWLEDGED, S.REPLIED}), S.CLOSED, Party.ISSUER),
}

OPEN_STATES = frozenset({S.ISSUED, S.ACKNOWLEDGED, S.REPLIED})


def allowed(move: Move, current: S) -> bool:
    """Whether `move` may start from `current`."""
    return S(current) in MOVES[move][0]


def target(move: Move) -> S:
    """The state `move` ends in."""
    return MOVES[move][1]


def party(move: Move) -> Party:
    """Who makes `move`."""
    return MOVES[move][2]


def already_done(move: Move, current: S) -> bool:
    """An acknowledge of an escalation already signed for (or answered): nothing to do, not an
    error (a retry, or the loser of two concurrent acknowledges)."""
    return move is Move.ACKNOWLEDGE and S(current) in (S.ACKNOWLEDGED, S.REPLIED)
