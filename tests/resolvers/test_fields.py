"""The field-to-SQL registry (resolvers/fields.py) is the one definition both engines read."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from api.schema import schema
from models import Document as DocumentModel
from models import OrgUnit as OrgUnitModel
from models import Plan as PlanModel
from models import ProgressReport as ProgressReportModel
from models import Task as TaskModel
from resolvers import fields
from resolvers.common import Deadline
from resolvers.compiled.compiler import HANDLERS
from resolvers.document.types import Document, Plan
from resolvers.org_unit.types import OrgUnit
from resolvers.task.report import ProgressReport
from resolvers.task.types import Task

TYPES: dict[str, Any] = {
    "OrgUnit": OrgUnit,
    "Task": Task,
    "Deadline": Deadline,
    "Plan": Plan,
    "Document": Document,
    "ProgressReport": ProgressReport,
}
TABLES: dict[str, sa.Table] = {
    "OrgUnit": OrgUnitModel.__table__,  # type: ignore[attr-defined]
    "Task": TaskModel.__table__,  # type: ignore[attr-defined]
    "Deadline": TaskModel.__table__,  # type: ignore[attr-defined]
    "Plan": PlanModel.__table__,  # type: ignore[attr-defined]
    "Document": DocumentModel.__table__,  # type: ignore[attr-defined]
    "ProgressReport": ProgressReportModel.__table__,  # type: ignore[attr-defined]
}
# Plain fields that keep a rule of their own: a timestamp rendered as Python does, a JSON
# list the compiler has no rule for yet.
OWN_RULES = {
    ("ProgressReport", "reportedAt"),
    ("ProgressReport", "reviewedAt"),
    ("ProgressReport", "evidence"),
}


@pytest.mark.parametrize("type_name", sorted(fields.REGISTRY))
def test_every_registered_field_is_a_graphql_field_and_a_column(type_name: str) -> None:
    registry = fields.REGISTRY[type_name]
    graphql_type: Any = schema._schema.get_type(type_name)
    assert set(registry) <= set(graphql_type.fields)
    assert {c.column for c in registry.values()} <= set(TABLES[type_name].c.keys())


@pytest.mark.parametrize("type_name", sorted(fields.REGISTRY))
def test_the_compiler_reads_the_registered_column(type_name: str) -> None:
    """HANDLERS' rule of a registered field selects exactly the registry's column."""
    table = TABLES[type_name]
    for name, column in fields.REGISTRY[type_name].items():
        selected = HANDLERS[type_name][name](None, None, table)  # type: ignore[arg-type]
        assert selected is table.c[column.column], f"{type_name}.{name}"


@pytest.mark.parametrize("type_name", sorted(fields.REGISTRY))
def test_the_resolvers_read_the_registered_column(type_name: str) -> None:
    """from_row of the strawberry type takes each registered field from its column."""
    table = TABLES[type_name]
    row: dict[str, Any] = {c: None for c in table.c.keys()}
    row |= {"id": "00000000-0000-0000-0000-000000000001", "kind": "TOWN", "status": "COMPLETED"}
    row |= {"deadline_kind": "BY_DATE", "code": "c", "name": "n", "title": "t", "seq": 3}
    row |= {"field": "AIR", "evidence": []}
    if type_name in ("Plan", "Document"):
        row["kind"] = {"Plan": "ACTION_PLAN", "Document": "NOTICE"}[type_name]
    made = TYPES[type_name].from_row(row)
    for name, column in fields.REGISTRY[type_name].items():
        assert getattr(made, fields.python_name(name)) == column.value(row), name


def test_scalar_fields_of_registered_types_are_all_registered() -> None:
    """A new column-backed field goes into the registry, not into one engine: every field of
    these types that strawberry reads as a plain attribute (no resolver) is registered."""
    for type_name, cls in TYPES.items():
        definition = cls.__strawberry_definition__
        graphql_fields = set(schema._schema.get_type(type_name).fields)  # type: ignore[union-attr]
        plain = graphql_fields & {
            f.graphql_name or _camel(f.python_name)
            for f in definition.fields
            if f.base_resolver is None and f.python_name not in {"id", "deadline"}
        }
        own = {f for t, f in OWN_RULES if t == type_name}
        assert plain - own <= set(fields.REGISTRY[type_name]), type_name


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)
