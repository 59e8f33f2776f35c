"""Configuration from the environment (GOVGRAPH_*)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from models.rules import calendar
from models.rules.evidence import DEFAULT_MAX_BYTES as EVIDENCE_MAX_BYTES
from models.rules.ledger import LedgerLimits
from resolvers.storage import DEFAULT_STORAGE_URL

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


# Bearer tokens are HS256: a key shorter than the hash (32 bytes) weakens every token.
MIN_SECRET_BYTES = 32
# `make run` (GOVGRAPH_ENV=development) keeps its generated secret here, in the working
# directory (git-ignored), so tokens minted for the dashboard survive restarts.
DEV_SECRET_FILE = ".govgraph-dev-secret"
DEVELOPMENT = {"development", "dev"}


def development_mode() -> bool:
    """GOVGRAPH_ENV=development (as `make run` sets it): the local conveniences are on."""
    return os.environ.get("GOVGRAPH_ENV", "").strip().lower() in DEVELOPMENT


def short_secret(secret: str) -> str | None:
    """Why `secret` may not sign tokens (shorter than MIN_SECRET_BYTES in UTF-8), or None."""
    size = len(secret.encode())
    if size >= MIN_SECRET_BYTES:
        return None
    return (
        f"GOVGRAPH_SECRET is {size} bytes; it must be at least {MIN_SECRET_BYTES} "
        "(e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(48))')"
    )


def read_dev_secret(path: Path | None = None) -> str | None:
    """The development secret `ensure_dev_secret` wrote, or None when there is none."""
    try:
        text = (path or Path(DEV_SECRET_FILE)).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return text or None


def ensure_dev_secret(path: Path | None = None) -> tuple[str, bool]:
    """The development secret, generated once (owner-only file); (secret, created now)."""
    path = path or Path(DEV_SECRET_FILE)
    existing = read_dev_secret(path)
    if existing is not None:
        return existing, False
    secret = secrets.token_urlsafe(48)  # 64 characters
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another start wrote it first: use theirs
        found = read_dev_secret(path)
        if found is None:
            raise
        return found, False
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(secret + "\n")
    return secret, True


def _secret(development: bool) -> tuple[str | None, str | None]:
    """(secret, where it came from): GOVGRAPH_SECRET, else in development the local file."""
    secret = os.environ.get("GOVGRAPH_SECRET")
    if secret:
        return secret, "GOVGRAPH_SECRET"
    if development:
        found = read_dev_secret()
        if found is not None:
            return found, DEV_SECRET_FILE
    return None, None


def parse_cors_origins(text: str) -> tuple[str, ...]:
    """GOVGRAPH_CORS_ORIGINS: origins separated by commas or spaces, each `scheme://host[:port]`
    as a browser sends it (no path, no trailing slash), or `*` alone; empty: no CORS."""
    origins = tuple(dict.fromkeys(part for part in text.replace(",", " ").split() if part))
    if origins == ("*",):
        return origins
    for origin in origins:
        scheme, _, rest = origin.partition("://")
        if scheme not in {"http", "https"} or not rest or any(c in rest for c in "/?#*@"):
            raise ValueError(
                f"GOVGRAPH_CORS_ORIGINS: {origin!r} is not an origin such as "
                "http://localhost:5173 (scheme://host[:port], no path; or * alone)"
            )
    return origins


def parse_urls(text: str) -> tuple[str, ...]:
    """GOVGRAPH_READ_DATABASE_URLS: URLs separated by commas or spaces, duplicates once."""
    return tuple(dict.fromkeys(part for part in text.replace(",", " ").split() if part))


PERSISTED_MODES = ("apq", "trusted", "off")


def parse_persisted_mode(text: str) -> str:
    """GOVGRAPH_PERSISTED_QUERIES: apq (the default), trusted or off; anything else stops
    start-up (a typo must not leave a production server open to any operation)."""
    mode = text.strip().lower() or "apq"
    if mode not in PERSISTED_MODES:
        raise ValueError(
            f"GOVGRAPH_PERSISTED_QUERIES must be one of {', '.join(PERSISTED_MODES)}: {text!r}"
        )
    return mode


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
    # Where the secret came from: "GOVGRAPH_SECRET", DEV_SECRET_FILE, or None (no secret).
    secret_source: str | None = None
    # GOVGRAPH_ENV=development: the secret may come from DEV_SECRET_FILE (`make run`).
    development: bool = False
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
    # Evidence files (resolvers/storage.py): where their bytes live (GOVGRAPH_STORAGE_URL:
    # file:///path or a path, s3://bucket/prefix?endpoint=…) and how big one may be.
    storage_url: str = DEFAULT_STORAGE_URL
    evidence_max_bytes: int = EVIDENCE_MAX_BYTES
    # GOVGRAPH_DELIVER=1: `govgraph serve` runs the outbox's delivery worker in each worker
    # process (resolvers/delivery/worker.py; its own settings: DeliveryConfig.from_env).
    deliver: bool = False
    introspection: bool = True
    # The compiled read path (PostgreSQL): compilable queries run as one SQL statement.
    compiled: bool = True
    # GOVGRAPH_GENERIC_PLANS=0: every compiled statement planned afresh, the key reads too
    # (a second, small pool of connections serves those otherwise: api/app.py).
    generic_plans: bool = True
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
    # Browser origins allowed to call the API cross-origin (CORS); empty: no CORS headers.
    cors_origins: tuple[str, ...] = ()
    # Redis shared by every worker for the budgets (None: each process keeps its own).
    redis_url: str | None = field(default=None, repr=False)
    rate_limit_prefix: str = "govgraph"  # the budgets' Redis key prefix
    # Persisted operations (api/persisted.py): "apq" (Apollo's automatic persisted queries),
    # "trusted" (only operations registered with `govgraph operations register`) or "off".
    persisted_queries: str = "apq"
    apq_cache_size: int = 2_000  # APQ texts kept per worker (least recently used out)
    # Cache-Control max-age of the anonymous demo viewer's GET reads (seconds).
    public_max_age: int = 60
    # Read replicas (api/replicas.py; PostgreSQL hot standbys, ignored on SQLite): their URLs
    # (GOVGRAPH_READ_DATABASE_URLS, comma-separated), how long a read carrying a write's token
    # waits for a standby to replay it before reading the primary, how far behind a standby
    # may be for reads without a token, and when a failed one is tried again.
    read_database_urls: tuple[str, ...] = ()
    read_wait_ms: int = 200
    read_max_lag_seconds: float = 30.0
    replica_retry_seconds: float = 5.0
    replica_check_seconds: float = 1.0  # how often each standby's health and lag are read

    def today(self) -> date:
        """Today in the configured time zone."""
        return calendar.today()

    @classmethod
    def from_env(cls) -> Settings:
        """Settings from GOVGRAPH_DATABASE_URL, _HOST, _PORT, _DEBUG, _SECRET, _ENV …"""
        development = development_mode()
        secret, secret_source = _secret(development)
        return cls(
            database_url=normalize_database_url(
                os.environ.get("GOVGRAPH_DATABASE_URL", DEFAULT_DATABASE_URL)
            ),
            host=os.environ.get("GOVGRAPH_HOST", "127.0.0.1"),
            port=int(os.environ.get("GOVGRAPH_PORT", "8000")),
            debug=_flag("GOVGRAPH_DEBUG"),
            timezone=os.environ.get("GOVGRAPH_TIMEZONE") or calendar.DEFAULT_TIMEZONE,
            secret=secret,
            secret_source=secret_source,
            development=development,
            anonymous=os.environ.get("GOVGRAPH_ANONYMOUS", "").strip().lower()
            in {"1", "true", "yes", "on", "demo"},
            statement_timeout_ms=int(os.environ.get("GOVGRAPH_STATEMENT_TIMEOUT_MS", "10000")),
            max_depth=int(os.environ.get("GOVGRAPH_MAX_DEPTH", "15")),
            max_aliases=int(os.environ.get("GOVGRAPH_MAX_ALIASES", "30")),
            max_tokens=int(os.environ.get("GOVGRAPH_MAX_TOKENS", "5000")),
            max_cost=int(os.environ.get("GOVGRAPH_MAX_COST", "50000")),
            max_body_bytes=int(os.environ.get("GOVGRAPH_MAX_BODY_BYTES", "1000000")),
            ledger_limits=_ledger_limits(),
            storage_url=os.environ.get("GOVGRAPH_STORAGE_URL") or DEFAULT_STORAGE_URL,
            evidence_max_bytes=int(
                os.environ.get("GOVGRAPH_EVIDENCE_MAX_BYTES", str(EVIDENCE_MAX_BYTES))
            ),
            deliver=_flag("GOVGRAPH_DELIVER"),
            introspection=not _flag("GOVGRAPH_DISABLE_INTROSPECTION"),
            rls=_flag("GOVGRAPH_RLS"),
            rls_role=os.environ.get("GOVGRAPH_RLS_ROLE", "govgraph_app"),
            compiled=os.environ.get("GOVGRAPH_COMPILED", "1").strip().lower()
            not in {"0", "false", "no", "off"},
            generic_plans=os.environ.get("GOVGRAPH_GENERIC_PLANS", "1").strip().lower()
            not in {"0", "false", "no", "off"},
            rate_limit=_limit("GOVGRAPH_RATE_LIMIT", DEFAULT_RATE_LIMIT),
            rate_limit_key=_limit("GOVGRAPH_RATE_LIMIT_KEY", None),
            rate_limit_heavy=_limit("GOVGRAPH_RATE_LIMIT_HEAVY", DEFAULT_RATE_LIMIT_HEAVY),
            redis_url=os.environ.get("GOVGRAPH_REDIS_URL") or None,
            rate_limit_prefix=os.environ.get("GOVGRAPH_RATE_LIMIT_PREFIX") or "govgraph",
            cors_origins=parse_cors_origins(os.environ.get("GOVGRAPH_CORS_ORIGINS", "")),
            persisted_queries=parse_persisted_mode(
                os.environ.get("GOVGRAPH_PERSISTED_QUERIES", "apq")
            ),
            apq_cache_size=int(os.environ.get("GOVGRAPH_APQ_CACHE_SIZE", "2000")),
            public_max_age=int(os.environ.get("GOVGRAPH_PUBLIC_MAX_AGE", "60")),
            read_database_urls=tuple(
                normalize_database_url(url)
                for url in parse_urls(os.environ.get("GOVGRAPH_READ_DATABASE_URLS", ""))
            ),
            read_wait_ms=int(os.environ.get("GOVGRAPH_READ_WAIT_MS", "200")),
            read_max_lag_seconds=float(os.environ.get("GOVGRAPH_READ_MAX_LAG_SECONDS", "30")),
            replica_retry_seconds=float(os.environ.get("GOVGRAPH_REPLICA_RETRY_SECONDS", "5")),
            replica_check_seconds=float(os.environ.get("GOVGRAPH_REPLICA_CHECK_SECONDS", "1")),
        )
