"""The field-to-SQL registry: each GraphQL type's scalar fields as the columns they read.

Both read engines take a field from here, so it is written once: the compiled path
(resolvers/compiled/compiler.py HANDLERS) selects the column into its JSON, the resolvers'
types build their objects from the loaders' rows with `from_row(REGISTRY, row)`. A field
that is more than a column (a relation, a rollup, a disclosure rule) keeps a rule of its own
in each engine, checked equal by tests/compiled.

Keys are GraphQL field names; `decode` turns the stored value into the Python value the
strawberry type holds (enums), the compiled path writing the stored text as is (enum values
are their names).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from models import enums


@dataclass(frozen=True, slots=True)
class Column:
    """A scalar field read from one column of its type's row."""

    column: str
    decode: Callable[[Any], Any] | None = None

    def value(self, row: Mapping[Any, Any]) -> Any:
        """The field's Python value from a row."""
        raw = row[self.column]
        return raw if self.decode is None or raw is None else self.decode(raw)


Registry = dict[str, Column]

ORG_UNIT: Registry = {
    "code": Column("code"),
    "name": Column("name"),
    "kind": Column("kind", enums.OrgUnitKind),
    "depth": Column("depth"),
    "remarks": Column("remarks"),
    "validFrom": Column("valid_from"),
    "validTo": Column("valid_to"),
}

TASK: Registry = {
    "code": Column("code"),
    "seq": Column("seq"),
    "category": Column("category"),
    "title": Column("title"),
    "description": Column("description"),
    "remarks": Column("remarks"),
    "responsibilityText": Column("responsibility_text"),
    "responsibilityUnresolved": Column("responsibility_unresolved", list),
    "status": Column("status", enums.TaskStatus),
    "progress": Column("progress"),
    "weight": Column("weight"),
    "version": Column("version"),
}

# Task.deadline: an object read from the task's own row.
DEADLINE: Registry = {
    "kind": Column("deadline_kind", enums.DeadlineKind),
    "start": Column("deadline_start"),
    "end": Column("deadline_end"),
    "text": Column("deadline_text"),
}

PLAN: Registry = {
    "title": Column("title"),
    "kind": Column("kind", enums.PlanKind),
    "field": Column("field", enums.PlanField),
    "year": Column("year"),
    "labelStem": Column("label_stem"),
    "objectives": Column("objectives"),
    "source": Column("source"),
    "reportReview": Column("report_review", enums.ReportReviewPolicy),
    "healthTolerance": Column("health_tolerance"),
    "signWithinDays": Column("sign_within_days"),
    "version": Column("version"),
}

DOCUMENT: Registry = {
    "docNumber": Column("doc_number"),
    "title": Column("title"),
    "kind": Column("kind", enums.DocumentKind),
    "issuedOn": Column("issued_on"),
    "basedOn": Column("based_on"),
    "summary": Column("summary"),
    "remarks": Column("remarks"),
}

# reportedAt (a timestamp rendered as Python does), evidence and reportedBy (disclosure)
# keep rules of their own.
PROGRESS_REPORT: Registry = {
    "period": Column("period"),
    "percent": Column("percent"),
    "status": Column("status", enums.TaskStatus),
    "narrative": Column("narrative"),
    "reviewState": Column("review_state", enums.ReportReviewState),
    "reviewReason": Column("review_reason"),
    "version": Column("version"),
}

REGISTRY: dict[str, Registry] = {
    "OrgUnit": ORG_UNIT,
    "Task": TASK,
    "Deadline": DEADLINE,
    "Plan": PLAN,
    "Document": DOCUMENT,
    "ProgressReport": PROGRESS_REPORT,
}


def python_name(field: str) -> str:
    """The strawberry attribute of a GraphQL field name (responsibilityText →
    responsibility_text)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", field).lower()


def from_row(registry: Registry, row: Mapping[Any, Any]) -> dict[str, Any]:
    """The registry's fields of a row as keyword arguments of the strawberry type."""
    return {python_name(name): column.value(row) for name, column in registry.items()}


def columns(registry: Registry) -> list[str]:
    """The columns a SELECT list needs for the registry's fields."""
    return list(dict.fromkeys(c.column for c in registry.values()))
