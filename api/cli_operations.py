"""`govgraph operations register` / `govgraph operations list`: the trusted-documents list.

With GOVGRAPH_PERSISTED_QUERIES=trusted only registered operations run (api/persisted.py).
`register` without files registers what this project's own clients send: the dashboard's
queries (api/static/dashboard/queries/*.graphql) and the docs' examples (docs/examples/*.graphql,
when the checkout has them). Every file must parse and validate against the schema, or
nothing is written (exit status 2). Registering again is harmless (already registered
operations are counted, not duplicated).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from graphql import GraphQLError, OperationDefinitionNode, parse, validate

from api.cli_ledger import _url
from api.db import create_engine
from api.persisted import register, sha256_of, trusted_t

ROOT = Path(__file__).resolve().parents[1]
OWN_OPERATIONS = (
    ROOT / "api" / "static" / "dashboard" / "queries",
    ROOT / "docs" / "examples",
)


class OperationError(Exception):
    """A file that is not a valid operation of the schema."""


# A docs example that shows a broken query (docs/examples/09-top-level-error.graphql).
BROKEN_ON_PURPOSE = "# expect: top-level-errors"


def own_operation_files() -> list[Path]:
    """The dashboard's and the docs' .graphql files (the docs' only in a checkout), less the
    examples that are wrong on purpose."""
    files = [
        path
        for folder in OWN_OPERATIONS
        if folder.is_dir()
        for path in sorted(folder.glob("*.graphql"))
    ]
    return [path for path in files if BROKEN_ON_PURPOSE not in path.read_text(encoding="utf-8")]


def validated(text: str, where: str) -> tuple[str, str | None, str]:
    """(text, operation name, where) once the text parses and validates against the schema."""
    from api.schema import schema  # the whole schema: imported only by this command

    try:
        document = parse(text)
    except GraphQLError as exc:
        raise OperationError(f"{where}: {exc.message}") from exc
    problems = validate(schema._schema, document)
    if problems:
        raise OperationError(f"{where}: {problems[0].message}")
    names = [
        d.name.value
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode) and d.name is not None
    ]
    return text, (names[0] if names else None), where


def read_operation(path: Path) -> tuple[str, str | None, str]:
    """(text, operation name, source) of a .graphql file, validated against the schema."""
    try:
        source = str(path.resolve().relative_to(ROOT))
    except ValueError:
        source = path.name
    return validated(path.read_text(encoding="utf-8"), source)


async def _register(url: str, files: list[Path], manifests: list[Path]) -> tuple[int, int]:
    # All valid, or nothing written.
    operations = [read_operation(path) for path in files]
    operations += [op for path in manifests for op in read_manifest(path)]
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            return await register(conn, operations)
    finally:
        await engine.dispose()


async def _list(url: str) -> list[dict[str, Any]]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                sa.select(trusted_t.c.sha256, trusted_t.c.name, trusted_t.c.source).order_by(
                    trusted_t.c.source, trusted_t.c.sha256
                )
            )
            return [dict(row) for row in rows.mappings()]
    finally:
        await engine.dispose()


MANIFEST_FORMAT = "apollo-persisted-query-manifest"


def read_manifest(path: Path) -> list[tuple[str, str | None, str]]:
    """The operations of a persisted-query manifest (Apollo's format, as
    @apollo/generate-persisted-query-manifest writes it: the texts as the client prints
    them), each validated like a file; an id that is not its body's SHA-256 is refused."""
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise OperationError(f"{path}: not JSON ({exc})") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise OperationError(f"{path}: not an {MANIFEST_FORMAT} (format, version, operations)")
    operations = []
    for index, entry in enumerate(manifest.get("operations") or []):
        body = entry.get("body") if isinstance(entry, dict) else None
        if not isinstance(body, str):
            raise OperationError(f"{path}: operation {index} has no body")
        if entry.get("id") not in (None, sha256_of(body)):
            raise OperationError(f"{path}: operation {index}: id is not the body's SHA-256")
        text, name, _ = validated(body, f"{path} operation {index}")
        operations.append((text, entry.get("name") or name, f"{path.name}#{index}"))
    return operations


def cmd_operations(args: argparse.Namespace) -> int:
    url = _url(args)
    if args.action == "list":
        for row in asyncio.run(_list(url)):
            sys.stdout.write(f"{row['sha256']}  {row['name'] or '-'}  {row['source']}\n")
        return 0
    manifests = [Path(m) for m in args.manifest]
    files = [Path(f) for f in args.files] or ([] if manifests else own_operation_files())
    try:
        new, known = asyncio.run(_register(url, files, manifests))
    except (OperationError, OSError) as exc:
        sys.stderr.write(f"operations register: {exc}; nothing registered\n")
        return 2
    sys.stdout.write(
        f"registered {new} operation(s), {known} already registered, "
        f"from {len(files) + len(manifests)} file(s)\n"
    )
    for path in files:
        sys.stdout.write(f"  {sha256_of(path.read_text(encoding='utf-8'))}  {path}\n")
    return 0


def add_operation_commands(sub: Any) -> None:
    """Register `operations register` and `operations list`."""
    operations = sub.add_parser(
        "operations", help="trusted operations (GOVGRAPH_PERSISTED_QUERIES=trusted)"
    )
    actions = operations.add_subparsers(dest="action", required=True)
    register_cmd = actions.add_parser(
        "register", help="register .graphql files (default: the dashboard's and the docs')"
    )
    register_cmd.add_argument("files", nargs="*", help=".graphql files, one operation each")
    register_cmd.add_argument(
        "--manifest",
        action="append",
        default=[],
        help="an Apollo persisted-query manifest (JSON; repeatable)",
    )
    register_cmd.add_argument("--database-url", default=None)
    register_cmd.set_defaults(func=cmd_operations)
    listing = actions.add_parser("list", help="the registered operations: hash, name, source")
    listing.add_argument("--database-url", default=None)
    listing.set_defaults(func=cmd_operations)
