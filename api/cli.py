"""The `govgraph` command line."""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import sys
from collections.abc import Sequence

from api import migrate
from api.cli_deliver import add_delivery_commands
from api.cli_dev import development_start
from api.cli_document import add_document_commands
from api.cli_ledger import add_ledger_commands
from api.cli_operations import add_operation_commands
from api.cli_ops import add_commands
from api.cli_partitions import add_partition_commands
from api.cli_seed import add_seed_command
from api.db import create_engine
from api.idempotency import purge_expired
from api.settings import Settings, normalize_database_url, short_secret
from models.rules import calendar
from resolvers import cursors


def _database_url(args: argparse.Namespace) -> str:
    url: str | None = getattr(args, "database_url", None)
    return normalize_database_url(url) if url else Settings.from_env().database_url


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve GraphQL with uvicorn."""
    # Lazy: only `serve` needs uvicorn and the server protocol.
    import uvicorn

    from api.server import NoDelayHttpToolsProtocol

    settings = development_start()  # GOVGRAPH_ENV=development: a secret, sample tokens
    if settings.secret and (refusal := short_secret(settings.secret)) is not None:
        print(f"govgraph serve: {refusal}", file=sys.stderr)
        return 2
    if not settings.secret:
        # Workers sign cursors with one key (resolvers/cursors.py); a secret would derive it.
        os.environ.setdefault(cursors.KEY_ENV, secrets.token_hex(32))
    uvicorn.run(
        "api.main:app",
        host=args.host or settings.host,
        port=args.port or settings.port,
        workers=args.workers,
        log_level=args.log_level,
        access_log=not args.no_access_log,
        proxy_headers=False,
        # httptools' C parser instead of h11 (pure Python): less CPU per request on the
        # cached-plan path (bench/PROFILE.md). asyncio's loop, named: uvloop, were it
        # installed, starves the workers' health-check thread under load (uvicorn kills them).
        http=NoDelayHttpToolsProtocol,
        loop="asyncio",
        # uvicorn kills a worker that does not answer its supervisor's ping within this many
        # seconds (default 5): on a loaded machine (2 cores, load average 18) busy workers
        # were killed and respawned every few seconds, losing their requests.
        timeout_worker_healthcheck=30,
    )
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    """Migrate the database."""
    url = _database_url(args)
    if args.action == "upgrade":
        migrate.upgrade(url, args.revision or "head")
    elif args.action == "downgrade":
        migrate.downgrade(url, args.revision or "base")
    print(f"database {args.action}d: {_redact(url)}")
    return 0


def cmd_idempotency(args: argparse.Namespace) -> int:
    """Maintain stored Idempotency-Key responses."""

    async def purge() -> int:
        engine = create_engine(_database_url(args))
        try:
            return await purge_expired(engine)
        finally:
            await engine.dispose()

    deleted = asyncio.run(purge())
    print(f"deleted {deleted} expired idempotency keys")
    return 0


def _redact(url: str) -> str:
    """The URL without a password, for printing."""
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}@{host}"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every sub-command."""
    parser = argparse.ArgumentParser(prog="govgraph", description="govgraph (协同督办) backend")
    sub = parser.add_subparsers(dest="command", required=True)
    add_commands(sub)
    add_ledger_commands(sub)
    add_document_commands(sub)
    add_operation_commands(sub)
    add_delivery_commands(sub)
    add_partition_commands(sub)

    serve = sub.add_parser("serve", help="serve GraphQL on GOVGRAPH_HOST:GOVGRAPH_PORT")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"]
    )
    serve.add_argument("--no-access-log", action="store_true", help="no line per request")
    serve.set_defaults(func=cmd_serve)

    db = sub.add_parser("db", help="database migrations")
    db.add_argument("action", choices=["upgrade", "downgrade"])
    db.add_argument("revision", nargs="?", default=None)
    db.add_argument("--database-url", default=None, help="default: GOVGRAPH_DATABASE_URL")
    db.set_defaults(func=cmd_db)

    add_seed_command(sub)

    keys = sub.add_parser("idempotency", help="stored Idempotency-Key responses")
    keys.add_argument("action", choices=["purge"], help="purge: delete expired keys")
    keys.add_argument("--database-url", default=None, help="default: GOVGRAPH_DATABASE_URL")
    keys.set_defaults(func=cmd_idempotency)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `govgraph` console script."""
    args = build_parser().parse_args(argv)
    calendar.configure(Settings.from_env().timezone)  # GOVGRAPH_TIMEZONE: one day boundary
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
