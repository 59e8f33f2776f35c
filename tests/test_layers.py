"""The layer contracts of pyproject.toml hold (issue 13): api > seeds > resolvers > models,
services free of strawberry, graphql, api and the GraphQL modules, seeds free of api.

`make lint` runs `lint-imports` too; this keeps a bare `pytest` run honest about them.
"""

from __future__ import annotations

from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_are_kept() -> None:
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0
