"""Configuration from the environment (GOVGRAPH_*)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date

from models.rules import calendar
from models.rules.ledger import LedgerLimits

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///govgraph.db"


def normalize_database_url(url: str) -> str:
    """Accept plain `postgresql://` and `sqlite:///` URLs and pick the async drivers."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        return "postgresql+asyncpg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite:///"):
        return "sqlite+aiosqlite:///" + url.removeprefix("sqlite:///")
    return url


DEFAULT_RATE_LIMIT = "600/minute"
DEFAULT_RATE_LIMIT_HEAVY = "30/minute"


def _limit(name: str, default: str | None) -> str | None:
    """A rate limit from the environment: unset is the default, `off` (or `0`) none."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    return None if value.lower() in {"off", "0", "none", "false", "no"} else value


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def _ledger_limits() -> LedgerLimits:
    """GOVGRAPH_LEDGER_MAX_BYTES, _MAX_RATIO, _MAX_ROWS, _MAX_COLUMNS, _MAX_CELL_CHARS."""
    default = LedgerLimits()
    values = {
        name: int(os.environ.get(f"GOVGRAPH_LEDGER_{name.upper()}", getattr(default, name)))
        for name in ("max_bytes", "max_ratio", "max_rows", "max_columns", "max_cell_chars")
    }
    return LedgerLimits(**values)


@dataclass(frozen=True)
class Settings:
    """Process settings; read once at start-up."""

    database_url: str = DEFAULT_DATABASE_URL
    host: str = "127.0.0.1"
    port: int = 8000
    debug: bool = False
    # The day boundary of every date (models/rules/calendar.py): GOVGRAPH_TIMEZONE.
    timezone: str = calendar.DEFAULT_TIMEZONE
    secret: str | None = field(default=None, repr=False)
    # The read-only demo viewer for requests without credentials (`make run` turns it on).
    anonymous: bool = False
    statement_timeout_ms: int = 10_000
    max_depth: int = 15
    max_aliases: int = 30
    max_tokens: int = 5_000
    max_cost: int = 50_000
    max_body_bytes: int = 1_000_000
    max_upload_bytes: int = 20_000_000
    # What an imported 台账 file may be, checked before it is read in full (GOVGRAPH_LEDGER_*).
    ledger_limits: LedgerLimits = field(default_factory=LedgerLimits)
    introspection: bool = True
    # The compiled read path (PostgreSQL): compilable queries run as one SQL statement.
    compiled: bool = True
    # Row-level security (PostgreSQL): the database enforces the viewer's scope too, the
    # server's statements running as `rls_role` (migration 0006).
    rls: bool = False
    rls_role: str = "govgraph_app"
    # Rate limits (api/rate_limit.py), in the `limits` notation ("600/minute", "10/second;
    # 600/hour"); None: no limit. Off here, for code and tests that build Settings; the server
    # (from_env) turns them on with generous defaults.
    rate_limit: str | None = None
    rate_limit_key: str | None = None  # partner API keys (None: rate_limit)
    rate_limit_heavy: str | None = None  # imports (uploads) and exports, on top
    # Redis shared by every worker for the budgets (None: each process keeps its own).
    redis_url: str | None = field(default=None, repr=False)
    rate_limit_prefix: str = "govgraph"  # the budgets' Redis key prefix

    def today(self) -> date:
        """Today in the configured time zone."""
        return calendar.today()

    @classmethod
    def from_env(cls) -> Settings:
        """Settings from GOVGRAPH_DATABASE_URL, _HOST, _PORT, _DEBUG and _SECRET."""
        return cls(
            database_url=normalize_database_url(
                os.environ.get("GOVGRAPH_DATABASE_URL", DEFAULT_DATABASE_URL)
            ),
            host=os.environ.get("GOVGRAPH_HOST", "127.0.0.1"),
            port=int(os.environ.get("GOVGRAPH_PORT", "8000")),
            debug=_flag("GOVGRAPH_DEBUG"),
            timezone=os.environ.get("GOVGRAPH_TIMEZONE") or calendar.DEFAULT_TIMEZONE,
            secret=os.environ.get("GOVGRAPH_SECRET"),
            anonymous=os.environ.get("GOVGRAPH_ANONYMOUS", "").strip().lower()
            in {"1", "true", "yes", "on", "demo"},
            statement_timeout_ms=int(os.environ.get("GOVGRAPH_STATEMENT_TIMEOUT_MS", "10000")),
            max_depth=int(os.environ.get("GOVGRAPH_MAX_DEPTH", "15")),
            max_aliases=int(os.environ.get("GOVGRAPH_MAX_ALIASES", "30")),
            max_tokens=int(os.environ.get("GOVGRAPH_MAX_TOKENS", "5000")),
            max_cost=int(os.environ.get("GOVGRAPH_MAX_COST", "50000")),
            max_body_bytes=int(os.environ.get("GOVGRAPH_MAX_BODY_BYTES", "1000000")),
            ledger_limits=_ledger_limits(),
            introspection=not _flag("GOVGRAPH_DISABLE_INTROSPECTION"),
            rls=_flag("GOVGRAPH_RLS"),
            rls_role=os.environ.get("GOVGRAPH_RLS_ROLE", "govgraph_app"),
            compiled=os.environ.get("GOVGRAPH_COMPILED", "1").strip().lower()
            not in {"0", "false", "no", "off"},
            rate_limit=_limit("GOVGRAPH_RATE_LIMIT", DEFAULT_RATE_LIMIT),
            rate_limit_key=_limit("GOVGRAPH_RATE_LIMIT_KEY", None),
            rate_limit_heavy=_limit("GOVGRAPH_RATE_LIMIT_HEAVY", DEFAULT_RATE_LIMIT_HEAVY),
            redis_url=os.environ.get("GOVGRAPH_REDIS_URL") or None,
            rate_limit_prefix=os.environ.get("GOVGRAPH_RATE_LIMIT_PREFIX") or "govgraph",
        )
