"""What a ledger import did, or with a dry run would do: outcomes per row, problems."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from enum import StrEnum

from models.rules.ledger import RowProblem
from resolvers.ledger.plans import PlanInfo


class Outcome(StrEnum):
    """What an import does (or would do) with a row."""

    CREATED = "CREATED"
    UPDATED = "UPDATED"
    UNCHANGED = "UNCHANGED"


@dataclass(frozen=True)
class RowResult:
    """One row's outcome; `changed` names the fields an update changes."""

    row: int
    seq: str
    plan_id: uuid.UUID
    outcome: Outcome
    task_id: uuid.UUID | None
    changed: tuple[str, ...] = ()


@dataclass
class ImportReport:
    """What an import did, or with --dry-run would do."""

    dry_run: bool
    written: bool = False
    plans: list[PlanInfo] = field(default_factory=list)
    rows: list[RowResult] = field(default_factory=list)
    errors: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    not_in_file: int = 0  # tasks of the plans the file does not list (kept as they are)

    def count(self, outcome: Outcome) -> int:
        """Rows with this outcome."""
        return sum(1 for row in self.rows if row.outcome is outcome)
