"""The 督办 inbox: an escalation's states, its legal moves, who makes them, and its state on a
past day (`status_on`, SQL twin `status_as_of`).

ISSUED (已下发) → ACKNOWLEDGED (已签收) → REPLIED (已回复: 情况说明 or 整改承诺; further replies
keep it REPLIED) → CLOSED (已办结). The addressed unit signs for and replies (a reply to an
ISSUED escalation signs for it too); the issuing unit, or a unit above it, closes it from any
open state. CLOSED is final. The state is a column of `escalation`, moved by one conditional
UPDATE per write (`WHERE status IN (<the states the move starts from>)`), so two concurrent
acknowledges apply once: the second finds the row already ACKNOWLEDGED and changes nothing.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa

from models.enums import EscalationStatus as S
from models.escalation import Escalation, EscalationReply

escalation_t: sa.Table = Escalation.__table__  # type: ignore[attr-defined]
reply_t: sa.Table = EscalationReply.__table__  # type: ignore[attr-defined]


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


# -- as of a day --------------------------------------------------------------------------------
# The moves leave their times on the row (acknowledged_at, closed_at) and in the replies
# (replied_at), so the state on a past day is the furthest move made before that day's end
# (models/rules/calendar.py end_of_day): CLOSED, else REPLIED, else ACKNOWLEDGED, else ISSUED;
# none (null) for an escalation issued after the day. `cutoff` None: the present state.


def status_on(
    issued_on: date,
    day: date,
    cutoff: datetime | None,
    status: S | str,
    acknowledged_at: datetime | None,
    first_reply_at: datetime | None,
    closed_at: datetime | None,
) -> S | None:
    """The state as of `day` (end of day `cutoff`; None for today or later)."""
    if issued_on > day:
        return None
    if cutoff is None:
        return S(status)
    if closed_at is not None and closed_at < cutoff:
        return S.CLOSED
    if first_reply_at is not None and first_reply_at < cutoff:
        return S.REPLIED
    if acknowledged_at is not None and acknowledged_at < cutoff:
        return S.ACKNOWLEDGED
    return S.ISSUED


def status_as_of(cutoff: datetime | None, esc: Any = escalation_t) -> sa.ColumnElement[Any]:
    """`status_on` in SQL for `escalation` rows (the day test is `issued_by(day)`)."""
    if cutoff is None:
        return esc.c.status  # type: ignore[no-any-return]
    replied = sa.exists().where(reply_t.c.escalation_id == esc.c.id, reply_t.c.replied_at < cutoff)
    return sa.case(
        (sa.and_(esc.c.closed_at.is_not(None), esc.c.closed_at < cutoff), S.CLOSED.value),
        (replied, S.REPLIED.value),
        (
            sa.and_(esc.c.acknowledged_at.is_not(None), esc.c.acknowledged_at < cutoff),
            S.ACKNOWLEDGED.value,
        ),
        else_=S.ISSUED.value,
    )


def issued_by(day: date, esc: Any = escalation_t) -> sa.ColumnElement[bool]:
    """The escalation existed on `day` (issued on or before it)."""
    return esc.c.issued_on <= day  # type: ignore[no-any-return]
