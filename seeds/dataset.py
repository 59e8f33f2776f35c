"""Builds the seed dataset's rows from the reviewed YAML files in seeds/data/.

Pure: reads files, resolves unit names, parses deadlines and returns rows per table with
deterministic ids (`stable_id`), so loading twice yields the same database.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import yaml

from models import stable_id
from models.enums import (
    AssessmentLevel,
    AssignmentRole,
    DeadlineKind,
    DocumentKind,
    IndicatorDirection,
    IndicatorKind,
    OrgUnitKind,
    PlanField,
    PlanKind,
    RectificationStatus,
    ReplyCategory,
    TargetKind,
    TaskStatus,
)
from models.rules.deadline import ParsedDeadline, parse_deadline
from models.rules.labels import seq_path
from models.rules.ledger import title_from_measure
from models.rules.names import (
    AmbiguousUnitError,
    UnitIndex,
    UnitRecord,
    UnknownUnitError,
    normalize_doc_number,
    normalize_name,
)
from models.rules.responsibility import Assignments, assign_responsibility

E = TypeVar("E", bound=StrEnum)
DATA_DIR = Path(__file__).resolve().parent / "data"
SHANGHAI = ZoneInfo("Asia/Shanghai")
FIXED_STAMP = datetime(2023, 1, 1, tzinfo=UTC)


class SeedDataError(ValueError):
    """The seed files are inconsistent (unknown unit names, duplicate keys …)."""


@dataclass
class Dataset:
    """Rows per table name, in insertion order."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))

    def add(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        """Append a row to a table."""
        self.rows[table].append(row)
        return row


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that records each mapping's line as `__line__`, for error messages."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep=deep)
        mapping[LINE] = node.start_mark.line + 1
        return mapping


LINE = "__line__"


def read_yaml(path: Path) -> Any:
    """A YAML file's content; every mapping carries its line number under `__line__`."""
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_LineLoader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise SeedDataError(f"{path.name}: not valid YAML: {exc}") from exc


def start_of_day(day: date | None) -> datetime:
    """Midnight of `day` in Asia/Shanghai, as UTC."""
    day = day or date(2000, 1, 1)
    return datetime.combine(day, time(0, 0), SHANGHAI).astimezone(UTC)


def deadline_columns(parsed: ParsedDeadline) -> dict[str, Any]:
    """The four deadline columns of a parsed deadline."""
    return {
        "deadline_kind": parsed.kind.value,
        "deadline_start": parsed.start,
        "deadline_end": parsed.end,
        "deadline_text": parsed.text,
    }


class Builder:
    """Turns the YAML files into rows."""

    def __init__(self, data_dir: Path = DATA_DIR) -> None:
        self.data_dir = data_dir
        self.out = Dataset()
        self.units: dict[str, dict[str, Any]] = {}  # by canonical name
        self.index: UnitIndex | None = None
        self.indicators: dict[str, uuid.UUID] = {}
        self.errors: list[str] = []
        self.file = ""
        self.current: dict[str, Any] | None = None  # the mapping being built, for errors
        # The document being built's date: names and group references resolve as of it.
        self.doc_date: date | None = None
        # Attestations of org_units.yaml by document label: (unit row, YAML item, date).
        self.attestations: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = {}
        self.now = FIXED_STAMP  # fixed: re-seeding writes identical rows

    def at(self, item: dict[str, Any] | None) -> str:
        """`file:line` of a YAML mapping."""
        line = item.get(LINE) if isinstance(item, dict) else None
        return f"{self.file}:{line}" if line else self.file

    def error(self, item: dict[str, Any] | None, message: str) -> None:
        """Record a problem at an item's file and line; building goes on to find the rest."""
        self.errors.append(f"{self.at(item)}: {message}")

    def enum(self, enum: type[E], item: dict[str, Any], key: str, default: E | None = None) -> E:
        """A valid enum member from `item[key]`, or an error naming the allowed values."""
        value = item.get(key)
        if value is None and default is not None:
            return default
        try:
            return enum(str(value))
        except ValueError:
            allowed = ", ".join(m.value for m in enum)
            self.error(item, f"{key}: {value!r} is not one of {allowed}")
            return next(iter(enum))

    def deadline(self, item: dict[str, Any], default_year: int | None) -> ParsedDeadline:
        """The parsed 完成时限; an optional `deadline_kind` pins the kind the parser must find."""
        parsed = parse_deadline(item.get("deadline"), default_year=default_year)
        if item.get("deadline_kind") is not None:
            pinned = self.enum(DeadlineKind, item, "deadline_kind")
            if pinned is not parsed.kind and pinned.value == item.get("deadline_kind"):
                self.error(
                    item,
                    f"deadline {parsed.text!r} parses as {parsed.kind.value}, "
                    f"but deadline_kind says {pinned.value}",
                )
        return parsed

    # -- org units -------------------------------------------------------------------------
    def build_org_units(self) -> None:
        """org_unit, org_unit_alias and org_unit_closure rows."""
        self.file = "org_units.yaml"
        spec = read_yaml(self.data_dir / self.file)
        records: list[UnitRecord] = []
        for order, item in enumerate(spec["units"]):
            name = item["name"]
            if name in self.units:
                self.error(item, f"duplicate unit name {name}")
                continue
            unit_id = stable_id("org_unit", item["code"])
            kind = self.enum(OrgUnitKind, item, "kind")
            parent = self.units.get(item["parent"]) if item.get("parent") else None
            if item.get("parent") and parent is None:
                self.error(item, f"{name}: parent {item['parent']} must be listed earlier")
            row = self.out.add(
                "org_unit",
                {
                    "id": unit_id,
                    "code": str(item["code"]),
                    "name": name,
                    "kind": kind.value,
                    "parent_id": parent["id"] if parent else None,
                    "line_parent_id": None,
                    "path": (parent["path"] if parent else "/") + unit_id.hex + "/",
                    "depth": parent["depth"] + 1 if parent else 0,
                    "sort_order": order,
                    "remarks": item.get("remarks"),
                    "valid_from": item.get("valid_from"),
                    "valid_to": item.get("valid_to"),
                    "parent_since": None,
                    "created_at": self.now,
                    "updated_at": self.now,
                    "version": 1,
                },
            )
            self.units[name] = row
            attested: list[date] = []
            for attestation in item.get("attested") or []:
                if not isinstance(attestation.get("on"), date) or not attestation.get("document"):
                    self.error(attestation, f"{name}: an attestation needs `document` and `on`")
                    continue
                attested.append(attestation["on"])
                label = str(attestation["document"])
                self.attestations.setdefault(label, []).append((row, attestation))
            aliases = tuple(dict.fromkeys(str(a) for a in item.get("aliases") or []))
            seen: set[str] = set()
            for alias in aliases:
                normalized = normalize_name(alias)
                if normalized in seen:
                    continue
                seen.add(normalized)
                self.out.add(
                    "org_unit_alias",
                    {
                        "id": stable_id("org_unit_alias", unit_id, normalized),
                        "org_unit_id": unit_id,
                        "alias": alias,
                        "normalized": normalized,
                    },
                )
            records.append(
                UnitRecord(
                    id=unit_id,
                    name=name,
                    kind=kind,
                    parent_id=row["parent_id"],
                    aliases=aliases,
                    valid_from=row["valid_from"],
                    valid_to=row["valid_to"],
                    attested=tuple(attested),
                )
            )
        for item in spec["units"]:
            if item.get("line_parent"):
                line_parent = self.units.get(item["line_parent"])
                if line_parent is None or item["name"] not in self.units:
                    self.error(item, f"unknown line_parent {item['line_parent']}")
                    continue
                self.units[item["name"]]["line_parent_id"] = line_parent["id"]
        by_id = {row["id"]: row for row in self.units.values()}
        for row in self.units.values():
            depth = 0
            current: dict[str, Any] | None = row
            while current is not None:
                self.out.add(
                    "org_unit_closure",
                    {"ancestor_id": current["id"], "descendant_id": row["id"], "depth": depth},
                )
                current = by_id.get(current["parent_id"]) if current["parent_id"] else None
                depth += 1
        self.index = UnitIndex(records)

    def resolve(self, name: str, context: uuid.UUID | None) -> tuple[list[uuid.UUID], str | None]:
        """Unit ids for a name as written, and the group text when it was a group reference."""
        assert self.index is not None
        try:
            resolution = self.index.resolve(name, context=context, as_of=self.doc_date)
        except (UnknownUnitError, AmbiguousUnitError) as exc:
            self.error(self.current, f"unit {name!r}: {exc}")
            return [], None
        group = name if resolution.group is not None else None
        return list(resolution.unit_ids), group

    def assign(
        self, leads: list[Any], cooperating: list[Any], context: uuid.UUID | None
    ) -> Assignments:
        """Ordered shares and unresolved group text (models/rules/responsibility.py)."""
        assert self.index is not None
        index = self.index
        known = True
        for name in (*leads, *cooperating):
            # Name by name, so every unknown name is reported and building goes on.
            try:
                index.resolve(str(name), context=context, as_of=self.doc_date)
            except (UnknownUnitError, AmbiguousUnitError) as exc:
                self.error(self.current, f"unit {name!r}: {exc}")
                known = False
        if not known:
            return Assignments([], [])
        return assign_responsibility(
            index,
            [str(n) for n in leads],
            [str(n) for n in cooperating],
            context=context,
            as_of=self.doc_date,
        )

    def unit_id(self, name: str | None, context: uuid.UUID | None) -> uuid.UUID | None:
        """The single unit a name stands for (None for a null name)."""
        if not name:
            return None
        ids, group = self.resolve(name, context)
        if group is not None or len(ids) > 1:
            self.error(self.current, f"{name!r}: a single unit is required here")
            return None
        return ids[0] if ids else None

    # -- indicators ------------------------------------------------------------------------
    def build_indicators(self) -> None:
        """indicator rows."""
        self.file = "indicators.yaml"
        for item in read_yaml(self.data_dir / self.file)["indicators"]:
            ind_id = stable_id("indicator", item["code"])
            self.indicators[item["code"]] = ind_id
            self.out.add(
                "indicator",
                {
                    "id": ind_id,
                    "code": item["code"],
                    "name": item["name"],
                    "unit": item.get("unit"),
                    "direction": self.enum(IndicatorDirection, item, "direction").value,
                    "kind": self.enum(IndicatorKind, item, "kind").value,
                    "description": item.get("description"),
                },
            )

    # -- documents -------------------------------------------------------------------------
    def build_document(self, spec: dict[str, Any]) -> tuple[uuid.UUID, uuid.UUID | None, str]:
        """The document row; returns (id, context government id, label for codes).

        Rows of a document are stamped as created on its date (or its inspection's feedback
        date), so "state as of" a past date sees them from then on.
        """
        doc = spec["document"]
        dated = doc.get("issued_on") or (spec.get("inspection") or {}).get("feedback_on")
        self.now = start_of_day(dated) if dated else FIXED_STAMP
        # Names and groups resolve as of the document's date (models/org_unit_tree.py).
        self.doc_date = dated
        self.current = doc
        context = self.unit_id(doc.get("context"), None)
        issuer = self.unit_id(doc.get("issuer"), context)
        doc_number = doc.get("doc_number")
        label = doc_number or doc.get("code") or doc["title"]
        doc_id = stable_id("document", label)
        known = {
            "doc_number",
            "title",
            "kind",
            "issuer",
            "context",
            "issued_on",
            "based_on",
            "summary",
            "remarks",
            "body",
        }
        self.out.add(
            "document",
            {
                "id": doc_id,
                "doc_number": doc_number,
                "doc_number_normalized": normalize_doc_number(doc_number) if doc_number else None,
                "title": doc["title"],
                "kind": self.enum(DocumentKind, doc, "kind").value,
                "issuer_id": issuer,
                "issued_on": doc.get("issued_on"),
                "based_on": doc.get("based_on"),
                "summary": doc.get("summary"),
                "body": doc.get("body"),
                "attributes": _json_safe({k: v for k, v in doc.items() if k not in known}),
                "remarks": doc.get("remarks"),
                "created_at": self.now,
                "updated_at": self.now,
                "version": 1,
            },
        )
        self.build_attestations(label, doc_id, dated)
        return doc_id, context, label

    def build_attestations(self, label: str, doc_id: uuid.UUID, dated: date | None) -> None:
        """org_unit_attestation rows of org_units.yaml's `attested` entries for a document:
        its date must be the one the entry states."""
        for row, item in self.attestations.pop(label, []):
            if item["on"] != dated:
                self.error(item, f"{row['name']}: {label} is dated {dated}, not {item['on']}")
                continue
            self.out.add(
                "org_unit_attestation",
                {
                    "id": stable_id("org_unit_attestation", row["id"], doc_id),
                    "org_unit_id": row["id"],
                    "document_id": doc_id,
                    "attested_on": item["on"],
                    "text": item.get("text"),
                },
            )

    def build_plans(
        self, spec: dict[str, Any], doc_id: uuid.UUID, context: uuid.UUID | None, label: str
    ) -> None:
        """plan, task, assignment and initial status-event rows."""
        issued_on = spec["document"].get("issued_on")
        plan_ids: dict[str, uuid.UUID] = {}
        for seq, plan in enumerate(spec.get("plans") or [], start=1):
            self.current = plan
            plan_id = stable_id("plan", doc_id, plan["key"])
            plan_ids[plan["key"]] = plan_id
            self.out.add(
                "plan",
                {
                    "id": plan_id,
                    "document_id": doc_id,
                    "parent_id": plan_ids.get(plan.get("parent") or ""),
                    "key": plan["key"],
                    "title": plan["title"],
                    "kind": self.enum(PlanKind, plan, "kind").value,
                    "field": self.enum(PlanField, plan, "field").value,
                    "year": plan.get("year"),
                    "seq": seq,
                    "objectives": plan.get("objectives"),
                    "source": plan.get("source"),
                    "narrative": _json_safe(plan.get("narrative_measures") or []),
                    "created_at": self.now,
                    "updated_at": self.now,
                    "version": 1,
                },
            )
            for task in plan.get("tasks") or []:
                self.build_task(task, plan, plan_id, doc_id, context, label, issued_on)
            for measure in plan.get("narrative_measures") or []:
                self.build_measure(measure, plan_id, context)

    def build_measure(
        self, measure: dict[str, Any], plan_id: uuid.UUID, context: uuid.UUID | None
    ) -> None:
        """A narrative measure of the plan text with its responsible units (not a task)."""
        self.current = measure
        measure_id = stable_id("plan_measure", plan_id, measure["seq"])
        assigned = self.assign(
            measure.get("leads") or [], measure.get("cooperating") or [], context
        )
        self.out.add(
            "plan_measure",
            {
                "id": measure_id,
                "plan_id": plan_id,
                "seq": int(measure["seq"]),
                "heading": measure.get("heading"),
                "title": measure.get("title"),
                "text": measure["text"],
                "responsibility_text": measure.get("responsibility"),
                "responsibility_unresolved": assigned.unresolved,
                "created_at": self.now,
            },
        )
        for share in assigned.units:
            self.out.add(
                "plan_measure_unit",
                {
                    "id": stable_id("plan_measure_unit", measure_id, share.unit_id),
                    "measure_id": measure_id,
                    "plan_id": plan_id,
                    "org_unit_id": share.unit_id,
                    "role": share.role.value,
                    "via_group": share.via_group,
                    "position": share.position,
                },
            )

    def build_task(
        self,
        task: dict[str, Any],
        plan: dict[str, Any],
        plan_id: uuid.UUID,
        doc_id: uuid.UUID,
        context: uuid.UUID | None,
        label: str,
        issued_on: date | None,
    ) -> None:
        """One task with its assignments."""
        self.current = task
        task_id = stable_id("task", plan_id, task["seq"])
        measure = str(task.get("measure") or "").strip()
        title = task.get("title") or title_from_measure(measure)
        parsed = self.deadline(task, plan.get("year"))
        row = self.out.add(
            "task",
            {
                "id": task_id,
                "code": f"{label}/{plan['key']}/{int(task['seq']):03d}",
                "plan_id": plan_id,
                "document_id": doc_id,
                "parent_id": None,
                "seq": int(task["seq"]),
                "seq_path": seq_path(None, int(task["seq"])),
                "category": task.get("category"),
                "title": title,
                "description": measure or None,
                "remarks": task.get("remarks"),
                "responsibility_text": task.get("responsibility"),
                **deadline_columns(parsed),
                "weight": float(task.get("weight") or 1.0),
                "status": TaskStatus.NOT_STARTED.value,
                "progress": 0.0,
                "created_at": self.now,
                "updated_at": self.now,
                "version": 1,
            },
        )
        assigned = self.assign(task.get("leads") or [], task.get("cooperating") or [], context)
        row["responsibility_unresolved"] = assigned.unresolved
        for share in assigned.units:
            assignment_id = stable_id("assignment", task_id, share.unit_id, share.role.value)
            self.out.add(
                "assignment",
                {
                    "id": assignment_id,
                    "task_id": task_id,
                    "org_unit_id": share.unit_id,
                    "role": share.role.value,
                    "via_group": share.via_group,
                    "position": share.position,
                    "status": TaskStatus.NOT_STARTED.value,
                    "progress": 0.0,
                    "last_reported_at": None,
                    "created_at": self.now,
                    "updated_at": self.now,
                    "version": 1,
                },
            )
            self.out.add(
                "assignment_status_event",
                {
                    "id": stable_id("assignment_status_event", assignment_id, 0),
                    "assignment_id": assignment_id,
                    "report_id": None,
                    "effective_at": start_of_day(issued_on),
                    "status": TaskStatus.NOT_STARTED.value,
                    "progress": 0.0,
                },
            )
        leads = assigned.leads
        if not leads:
            self.error(task, f"task {plan['key']}/{task['seq']}: no lead unit")

    # -- targets, measurements, sections ----------------------------------------------------
    def build_indicator_data(
        self, spec: dict[str, Any], doc_id: uuid.UUID, context: uuid.UUID | None
    ) -> None:
        """monitoring_section, target and measurement rows of a document."""
        sections: dict[str, uuid.UUID] = {}
        for item in spec.get("monitoring_sections") or []:
            self.current = item
            unit = self.unit_id(item["unit"], context)
            section_id = stable_id("monitoring_section", unit, item["name"])
            sections[item["name"]] = section_id
            self.out.add(
                "monitoring_section",
                {
                    "id": section_id,
                    "name": item["name"],
                    "org_unit_id": unit,
                    "river": item.get("river"),
                    "assessment_level": self.enum(AssessmentLevel, item, "assessment_level").value,
                    "target_text": item.get("target_text"),
                    "remarks": item.get("remarks"),
                    "created_at": self.now,
                    "updated_at": self.now,
                    "version": 1,
                },
            )
        for item in spec.get("targets") or []:
            self.current = item
            unit = self.unit_id(item.get("unit"), context)
            section = sections.get(item["section"]) if item.get("section") else None
            if item.get("section") and section is None:
                self.error(item, f"unknown section {item['section']}")
            indicator = self._indicator(item["indicator"])
            self.out.add(
                "target",
                {
                    "id": stable_id(
                        "target",
                        indicator,
                        unit,
                        section,
                        item["year"],
                        item.get("month"),
                        item.get("kind"),
                    ),
                    "indicator_id": indicator,
                    "org_unit_id": unit,
                    "section_id": section,
                    "year": item["year"],
                    "month": item.get("month"),
                    "kind": self.enum(TargetKind, item, "kind").value,
                    "value": _float(item.get("value")),
                    "value_text": _str(item.get("value_text")),
                    "baseline": _float(item.get("baseline")),
                    "baseline_year": item.get("baseline_year"),
                    "document_id": doc_id,
                    "source": item.get("source"),
                    "remarks": item.get("remarks"),
                    "created_at": self.now,
                    "updated_at": self.now,
                    "version": 1,
                },
            )
        for item in spec.get("measurements") or []:
            self.current = item
            unit = self.unit_id(item.get("unit"), context)
            section = sections.get(item["section"]) if item.get("section") else None
            indicator = self._indicator(item["indicator"])
            self.out.add(
                "measurement",
                {
                    "id": stable_id(
                        "measurement",
                        indicator,
                        unit,
                        section,
                        item["year"],
                        item.get("month"),
                        item.get("source"),
                    ),
                    "indicator_id": indicator,
                    "org_unit_id": unit,
                    "section_id": section,
                    "year": item["year"],
                    "month": item.get("month"),
                    "value": float(item["value"]),
                    "value_text": _str(item.get("value_text")),
                    "source": item.get("source"),
                    "document_id": doc_id,
                    "remarks": item.get("remarks"),
                    "recorded_at": self.now,
                },
            )

    def _indicator(self, code: str) -> uuid.UUID | None:
        indicator = self.indicators.get(code)
        if indicator is None:
            self.error(self.current, f"unknown indicator {code}")
        return indicator

    # -- inspections -----------------------------------------------------------------------
    def build_inspection(
        self, spec: dict[str, Any], doc_id: uuid.UUID, context: uuid.UUID | None
    ) -> None:
        """inspection, finding, rectification and responsibility rows."""
        item = spec.get("inspection")
        if not item:
            return
        self.current = item
        inspection_id = stable_id("inspection", item["name"])
        self.out.add(
            "inspection",
            {
                "id": inspection_id,
                "name": item["name"],
                "inspector_id": self.unit_id(item.get("inspector"), context),
                "subject_unit_id": self.unit_id(item.get("subject_unit"), context),
                "sunk_unit_ids": [
                    str(self.unit_id(name, context)) for name in item.get("sunk_units") or []
                ],
                "on_site_from": item.get("on_site_from"),
                "on_site_to": item.get("on_site_to"),
                "feedback_on": item.get("feedback_on"),
                "document_id": doc_id,
                "remarks": item.get("remarks"),
                "created_at": self.now,
                "updated_at": self.now,
                "version": 1,
            },
        )
        findings: dict[int, uuid.UUID] = {}
        for finding in spec.get("findings") or []:
            finding_id = stable_id("finding", inspection_id, finding["number"])
            findings[int(finding["number"])] = finding_id
            self.out.add(
                "finding",
                {
                    "id": finding_id,
                    "inspection_id": inspection_id,
                    "number": int(finding["number"]),
                    "section": finding.get("section"),
                    "subsection": finding.get("subsection"),
                    "text": finding["text"],
                },
            )
        year = (item.get("feedback_on") or date(2024, 1, 1)).year
        for rect in spec.get("rectifications") or []:
            self.current = rect
            rect_id = stable_id("rectification", doc_id, rect["seq"])
            parsed = self.deadline(rect, year)
            self.out.add(
                "rectification",
                {
                    "id": rect_id,
                    "inspection_id": inspection_id,
                    "document_id": doc_id,
                    "seq": int(rect["seq"]),
                    "category": rect.get("category"),
                    "problem": rect["problem"],
                    "goal": rect.get("goal"),
                    "measures": _json_safe(list(rect.get("measures") or [])),
                    "responsibility_text": rect.get("responsibility"),
                    "responsible_persons": rect.get("responsible_persons"),
                    **deadline_columns(parsed),
                    "status": self.enum(
                        RectificationStatus, rect, "status", RectificationStatus.NOT_STARTED
                    ).value,
                    "created_at": self.now,
                    "updated_at": self.now,
                    "version": 1,
                },
            )
            status = RectificationStatus(self.out.rows["rectification"][-1]["status"])
            if status is not RectificationStatus.NOT_STARTED:
                # The document states a state: record it as history so as-of queries see it.
                self.out.add(
                    "rectification_event",
                    {
                        "id": stable_id("rectification_event", rect_id, 0),
                        "rectification_id": rect_id,
                        "assignment_id": None,  # the item as a whole: every share
                        "from_status": None,
                        "to_status": status.value,
                        "actor_unit_id": None,
                        "actor": "seed",
                        "occurred_at": self.now,
                        "evidence": [],
                        "comment": self.file,
                    },
                )
            for number in rect.get("findings") or []:
                linked = findings.get(int(number))
                if linked is None:
                    self.error(rect, f"unknown finding {number}")
                    continue
                self.out.add(
                    "rectification_finding",
                    {"rectification_id": rect_id, "finding_id": linked},
                )
            assigned = self.assign(rect.get("responsible_units") or [], [], context)
            self.out.rows["rectification"][-1]["responsibility_unresolved"] = assigned.unresolved
            for share in assigned.units:
                self.out.add(
                    "rectification_assignment",
                    {
                        "id": stable_id("rectification_assignment", rect_id, share.unit_id),
                        "rectification_id": rect_id,
                        "org_unit_id": share.unit_id,
                        "role": AssignmentRole.LEAD.value,
                        "via_group": share.via_group,
                        "position": share.position,
                        # Each share starts where the document puts the item.
                        "status": status.value,
                        "version": 1,
                        "assigned_at": self.now,  # 签收 counts from the document
                    },
                )

    # -- reported facts (news) ---------------------------------------------------------------
    def build_facts(
        self, spec: dict[str, Any], doc_id: uuid.UUID, context: uuid.UUID | None
    ) -> None:
        """reported_fact rows: a document's sentences about a unit, with their figures."""
        for seq, item in enumerate(spec.get("facts") or [], start=1):
            self.current = item
            unit = self.unit_id(item.get("unit"), context)
            if unit is None:
                self.error(item, "a fact needs its unit")
                continue
            figures = []
            for figure in item.get("figures") or []:
                if figure.get("value") is None or not figure.get("label"):
                    self.error(item, f"figure {figure!r}: label and value are required")
                    continue
                figures.append(
                    {
                        "label": str(figure["label"]),
                        "value": float(figure["value"]),
                        "unitOfMeasure": _str(figure.get("unit_of_measure")),
                    }
                )
            self.out.add(
                "reported_fact",
                {
                    "id": stable_id("reported_fact", doc_id, seq),
                    "document_id": doc_id,
                    "seq": seq,
                    "org_unit_id": unit,
                    "year": item.get("year"),
                    "as_of": item.get("as_of"),
                    "text": str(item["text"]),
                    "source": item.get("source"),
                    "remarks": item.get("remarks"),
                    "figures": figures,
                    "created_at": self.now,
                },
            )

    # -- proposals -------------------------------------------------------------------------
    def build_proposal(
        self, spec: dict[str, Any], doc_id: uuid.UUID, context: uuid.UUID | None
    ) -> None:
        """proposal row."""
        item = spec.get("proposal")
        if not item:
            return
        self.current = item
        self.out.add(
            "proposal",
            {
                "id": stable_id("proposal", item["code"]),
                "code": item["code"],
                "session": item.get("session"),
                "title": item["title"],
                "proposer": item.get("proposer"),
                "handling_unit_id": self.unit_id(item.get("handling_unit"), context),
                "year": item.get("year"),
                "reply_category": (
                    self.enum(ReplyCategory, item, "reply_category").value
                    if item.get("reply_category")
                    else None
                ),
                "reply_document_id": doc_id,
                "reply_text": item.get("reply_text"),
                "replied_on": item.get("replied_on"),
                "created_at": self.now,
                "updated_at": self.now,
                "version": 1,
            },
        )

    def build(self) -> Dataset:
        """Every table's rows; SeedDataError listing every problem found."""
        self.build_org_units()
        self.build_indicators()
        for path in sorted((self.data_dir / "documents").glob("*.yaml")):
            self.file = f"documents/{path.name}"
            spec = read_yaml(path)
            doc_id, context, label = self.build_document(spec)
            self.build_plans(spec, doc_id, context, label)
            self.build_indicator_data(spec, doc_id, context)
            self.build_inspection(spec, doc_id, context)
            self.build_proposal(spec, doc_id, context)
            self.build_facts(spec, doc_id, context)
        for label, pending in self.attestations.items():
            for row, item in pending:
                self.file = "org_units.yaml"
                self.error(item, f"{row['name']}: attested by {label}, which is no seed document")
        if self.errors:
            raise SeedDataError("seed data problems:\n  " + "\n  ".join(self.errors))
        return self.out


def _json_safe(value: Any) -> Any:
    """YAML dates become ISO strings in JSON columns."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items() if k != LINE}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    return value


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def build_dataset(data_dir: Path = DATA_DIR) -> Dataset:
    """The whole seed dataset."""
    return Builder(data_dir).build()
