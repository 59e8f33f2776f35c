"""Extension requests (延期申请): their states, legal moves and who makes them.

PENDING (待审批) → APPROVED (已批准) | REJECTED (未批准) by the approver: the plan's issuer
(the task document's issuer, or for a subtask the unit whose share it splits) or a unit above
it, or a unit above the requesting lead unit in the tree (COORDINATOR or higher,
models/rules/scope.py can_decide_extension); PENDING → WITHDRAWN (已撤回) by the requesting
lead unit (REPORTER or higher of it). Every end state is final. The state is a column of
`extension_request`, moved by one conditional UPDATE per write (`WHERE status = 'PENDING'`),
so of two concurrent decisions one applies and the other finds the request decided. A task
has at most one PENDING request at a time: a partial unique index holds it.

An approval moves the task's deadline end to the requested date, keeping its kind (BY_DATE, or
PERIOD with its start): a dated deadline change (resolvers/task/deadlines.py), so as-of views
before the approval keep the old deadline. Only a deadline with an end (BY_DATE, PERIOD) can be
extended, and only to a later day.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from models.enums import DeadlineKind
from models.enums import ExtensionStatus as S


class Party(StrEnum):
    """Who may make a move."""

    REQUESTER = "REQUESTER"  # the requesting lead unit
    APPROVER = "APPROVER"  # the plan's issuer or a unit above it, or a unit above the lead


class Move(StrEnum):
    """The writes on a request after it is made."""

    APPROVE = "APPROVE"
    REJECT = "REJECT"
    WITHDRAW = "WITHDRAW"


# move -> (the state it ends in, who makes it); every move starts from PENDING.
MOVES: dict[Move, tuple[S, Party]] = {
    Move.APPROVE: (S.APPROVED, Party.APPROVER),
    Move.REJECT: (S.REJECTED, Party.APPROVER),
    Move.WITHDRAW: (S.WITHDRAWN, Party.REQUESTER),
}

OPEN = S.PENDING
# The deadline kinds an extension can move (those with an end date).
EXTENDABLE = frozenset({DeadlineKind.BY_DATE, DeadlineKind.PERIOD})


def allowed(current: S) -> bool:
    """Whether any move may start from `current` (only a PENDING request moves)."""
    return S(current) is OPEN


def target(move: Move) -> S:
    """The state `move` ends in."""
    return MOVES[move][0]


def party(move: Move) -> Party:
    """Who makes `move`."""
    return MOVES[move][1]


def extendable(kind: DeadlineKind | str, end: date | None) -> bool:
    """Whether a deadline of this kind and end can be extended."""
    return DeadlineKind(kind) in EXTENDABLE and end is not None


def extended_text(new_end: date) -> str:
    """The 完成时限 text of an extended deadline."""
    return f"延期至{new_end.year}年{new_end.month}月{new_end.day}日"
