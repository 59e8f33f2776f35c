"""A local start that works for tokens (`make run`, GOVGRAPH_ENV=development).

Without GOVGRAPH_SECRET no token verifies, so the dashboard's token box was useless until a
restart with a secret. In development mode `govgraph serve` generates a secret once, keeps it
in the git-ignored DEV_SECRET_FILE of the working directory (api/settings.py reads it there
when GOVGRAPH_SECRET is unset, and only in development mode), and prints a sample token per
role, so a token pasted into the dashboard verifies now and after restarts. Outside
development mode nothing here runs: a deployment sets GOVGRAPH_SECRET itself.
"""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Any, TextIO

import sqlalchemy as sa

from api.auth import DEFAULT_TTL, mint_token
from api.db import create_engine
from api.settings import DEV_SECRET_FILE, Settings, ensure_dev_secret
from models import OrgUnit
from models.enums import ViewerRole
from resolvers.org_unit.queries import name_match_statement

unit_t: sa.Table = OrgUnit.__table__  # type: ignore[attr-defined]

# Which unit the sample tokens are for: this name (or alias), else the top of the tree.
TOKEN_UNIT_ENV = "GOVGRAPH_DEV_TOKEN_UNIT"


async def _sample_unit(url: str, name: str | None) -> Any:
    statement = (
        name_match_statement(name)
        if name
        else sa.select(unit_t).order_by(unit_t.c.depth, unit_t.c.name, unit_t.c.id)
    )
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return (await conn.execute(statement.limit(1))).mappings().first()
    except sa.exc.DBAPIError:
        return None  # not migrated yet: no unit to mint for
    finally:
        await engine.dispose()


def sample_tokens(settings: Settings, out: TextIO) -> dict[ViewerRole, str]:
    """Print (and return) a token per role for the sample unit, signed with the settings'
    secret."""
    assert settings.secret is not None
    unit = asyncio.run(_sample_unit(settings.database_url, os.environ.get(TOKEN_UNIT_ENV)))
    if unit is None:
        print("no unit to mint sample tokens for (run `govgraph seed` first)", file=out)
        return {}
    hours = int(DEFAULT_TTL.total_seconds() // 3600)
    print(
        f"sample tokens for {unit['name']} (valid {hours} h; paste one into the "
        "dashboard's 访问令牌 box or send `Authorization: Bearer …`):",
        file=out,
    )
    tokens = {}
    for role in ViewerRole:
        tokens[role] = mint_token(settings.secret, unit_id=unit["id"], role=role)
        print(f"  {role.value:<12} {tokens[role]}", file=out)
    print(
        "  other units: GOVGRAPH_ENV=development govgraph token --unit NAME --role ROLE",
        file=out,
    )
    return tokens


def development_start(out: TextIO = sys.stdout) -> Settings:
    """Before serving in development mode: the secret generated once (unless GOVGRAPH_SECRET
    is set) and a sample token per role printed. The settings as the workers will read them."""
    settings = Settings.from_env()
    if not settings.development:
        return settings
    if settings.secret is None:
        ensure_dev_secret()
        print(f"development secret generated in {DEV_SECRET_FILE} (git-ignored)", file=out)
        settings = Settings.from_env()
    elif settings.secret_source == DEV_SECRET_FILE:
        print(f"development secret kept in {DEV_SECRET_FILE} (earlier tokens verify)", file=out)
    sample_tokens(settings, out)
    out.flush()
    return settings
