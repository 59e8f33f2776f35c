"""Configuration from the environment (GOVGRAPH_*)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

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


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    """Process settings; read once at start-up."""

    database_url: str = DEFAULT_DATABASE_URL
    host: str = "127.0.0.1"
    port: int = 8000
    debug: bool = False
    timezone: str = "Asia/Shanghai"
    secret: str | None = field(default=None, repr=False)

    def today(self) -> date:
        """Today in the configured time zone."""
        return datetime.now(ZoneInfo(self.timezone)).date()

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
            secret=os.environ.get("GOVGRAPH_SECRET"),
        )
