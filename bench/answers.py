"""Answer equality: the same question asked of govgraph, PostGraphile and the floor must get
the same answer, or the timing measures nothing.

Each response is brought to govgraph's shape (PostGraphile's `rowId`, `nodes`, flat deadline
columns and assignment lists mapped onto govgraph's fields), then normalised: global ids
decoded to the row's uuid, numbers compared to 6 decimal places, timestamps in UTC, unit
lists (lead / cooperating units) sorted by id. `compare` returns "" when every peer's
normalised answer equals govgraph's, else where the first difference is.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime
from typing import Any

UNIT_LISTS = ("leadUnits", "cooperatingUnits")


def _units(assignments: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"id": a["orgUnitByOrgUnitId"]["rowId"], "name": a["orgUnitByOrgUnitId"]["name"]}
        for a in assignments["nodes"]
    ]


def _edges(nodes: list[Any]) -> list[dict[str, Any]]:
    return [{"node": n} for n in nodes]


def _unit_head(o: dict[str, Any]) -> dict[str, Any]:
    return {"id": o["rowId"], "name": o["name"], "taskRollup": o["taskRollup"]}


def from_postgraphile(query: str, data: dict[str, Any]) -> dict[str, Any]:
    """PostGraphile's answer to `query` (bench/queries.py) in govgraph's shape."""
    o = data["orgUnitByRowId"]
    if query in ("Q3", "Q3past"):
        return {"orgUnit": None if o is None else _unit_head(o)}
    if query == "Q1":
        overdue = o["overdueTasks"]
        return {
            "orgUnit": {
                **_unit_head(o),
                "children": [
                    {
                        "id": c["rowId"],
                        "name": c["name"],
                        "kind": c["kind"],
                        "taskRollup": c["taskRollup"],
                    }
                    for c in o["orgUnitsByParentId"]["nodes"]
                ],
                "tasks": {
                    "totalCount": overdue["totalCount"],
                    "edges": _edges(
                        [
                            {
                                "id": t["rowId"],
                                "code": t["code"],
                                "title": t["title"],
                                "status": t["status"],
                                "progress": t["progress"],
                                "deadline": {"end": t["deadlineEnd"], "text": t["deadlineText"]},
                                "leadUnits": _units(t["assignmentsByTaskId"]),
                            }
                            for t in overdue["nodes"]
                        ]
                    ),
                },
            }
        }
    if query == "Q2":
        tasks = o["subtreeTasks"]
        return {
            "orgUnit": {
                "tasks": {
                    "totalCount": tasks["totalCount"],
                    "edges": _edges(
                        [
                            {
                                "id": t["rowId"],
                                "code": t["code"],
                                "seq": t["seq"],
                                "category": t["category"],
                                "title": t["title"],
                                "status": t["status"],
                                "progress": t["progress"],
                                "deadline": {
                                    "kind": t["deadlineKind"],
                                    "end": t["deadlineEnd"],
                                    "text": t["deadlineText"],
                                },
                                "leadUnits": _units(t["leads"]),
                                "cooperatingUnits": _units(t["cooperating"]),
                                "reports": {
                                    "edges": _edges(
                                        [t["latestReport"]] if t["latestReport"] else []
                                    )
                                },
                            }
                            for t in tasks["nodes"]
                        ]
                    ),
                }
            }
        }
    if query == "Q4":
        towns = [] if o is None else o["descendants"]["nodes"]
        return {
            "orgUnits": {
                "edges": _edges(
                    [
                        {
                            "id": w["rowId"],
                            "name": w["name"],
                            "tasks": {
                                "totalCount": w["ledTasks"]["totalCount"],
                                "edges": _edges(
                                    [
                                        {
                                            "id": t["rowId"],
                                            "code": t["code"],
                                            "title": t["title"],
                                            "status": t["status"],
                                            "progress": t["progress"],
                                            "deadline": {"end": t["deadlineEnd"]},
                                        }
                                        for t in w["ledTasks"]["nodes"]
                                    ]
                                ),
                            },
                        }
                        for w in towns
                    ]
                )
            }
        }
    raise ValueError(f"no PostGraphile mapping for {query}")


def _global_id(value: str) -> str:
    """The row id of a relay global id (base64 'Type:id'); other strings as they are."""
    try:
        decoded = base64.b64decode(value, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return value
    type_name, sep, row_id = decoded.partition(":")
    return row_id if sep and type_name.isidentifier() else value


def _timestamp(value: str) -> str:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    return moment.astimezone(UTC).isoformat() if moment.tzinfo is not None else value


def normalise(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: normalise(v, k) for k, v in value.items()}
    if isinstance(value, list):
        items = [normalise(v) for v in value]
        if key in UNIT_LISTS:
            items.sort(key=lambda u: json.dumps(u, sort_keys=True))
        return items
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return round(float(value), 6)
    if isinstance(value, str):
        if key == "id":
            return _global_id(value)
        if len(value) >= 19 and value[4:5] == "-" and value[10:11] in ("T", " "):
            return _timestamp(value.replace(" ", "T", 1))
    return value


def first_difference(a: Any, b: Any, path: str = "") -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return f"{path}.{k}: present in only one"
            found = first_difference(a[k], b[k], f"{path}.{k}")
            if found:
                return found
        return ""
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} vs {len(b)} items"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            found = first_difference(x, y, f"{path}[{i}]")
            if found:
                return found
        return ""
    return "" if a == b else f"{path}: {a!r} vs {b!r}"


def compare(query: str, bodies: dict[str, bytes]) -> str:
    """'' when every peer's answer equals govgraph's, else the first difference."""
    answers: dict[str, Any] = {}
    for peer, body in bodies.items():
        try:
            response = json.loads(body)
        except ValueError:
            return f"{peer}: not JSON: {body[:200]!r}"
        if response.get("errors") or response.get("data") is None:
            return f"{peer}: errors {json.dumps(response.get('errors'))[:300]}"
        data = response["data"]
        if peer == "postgraphile":
            data = from_postgraphile(query, data)
        answers[peer] = normalise(data)
    ours = answers.pop("govgraph")
    for peer, theirs in answers.items():
        found = first_difference(ours, theirs)
        if found:
            return f"govgraph vs {peer} at {found}"
    return ""
