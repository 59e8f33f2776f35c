"""schema.graphql is the printed schema: a change to the contract shows up in review."""

from __future__ import annotations

from pathlib import Path

from api.print_schema import schema_sdl

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "schema.graphql"


def test_committed_schema_matches_the_code() -> None:
    committed = SCHEMA_FILE.read_text(encoding="utf-8")
    assert committed == schema_sdl(), "schema.graphql is stale: run `make schema`"


def test_contract_names_are_present() -> None:
    sdl = schema_sdl()
    for name in (
        'node(\n    """The ID of the object."""\n    id: ID!\n  ): Node',
        "orgUnit(id: ID = null, name: String = null, asOf: Date = null): OrgUnit",
        "type Deadline",
        "type TaskConnection",
        "totalCount: Int!",
        "input TaskFilter",
        "type Rectification implements Node",
        "type Target implements Node",
    ):
        assert name in sdl, name
