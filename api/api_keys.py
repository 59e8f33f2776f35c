"""API keys of sharing partners: `gg_<prefix>_<secret>`, stored as sha256, revocable.

A key reads (never writes) one unit's subtree at a disclosure tier: SHARED hides
responsible persons and other internal fields; INTERNAL is for another government system.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from api.auth import AuthenticationError
from models import ApiKey
from models.enums import ViewerRole
from models.messages import message
from models.viewer import Viewer

api_key_t: sa.Table = ApiKey.__table__  # type: ignore[attr-defined]
PREFIX_LENGTH = 10
DISCLOSURES = ("SHARED", "INTERNAL")


@dataclass(frozen=True)
class IssuedKey:
    """A new key: the secret is shown once and never stored."""

    id: uuid.UUID
    prefix: str
    secret: str


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


async def create_key(
    conn: AsyncConnection,
    *,
    name: str,
    unit_id: uuid.UUID,
    disclosure: str = "SHARED",
    expires_at: datetime | None = None,
    rate_limit: str | None = None,
) -> IssuedKey:
    """Store a new key's hash; return the key itself (once)."""
    if disclosure not in DISCLOSURES:
        raise ValueError(f"disclosure is one of {', '.join(DISCLOSURES)}")
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    key = f"gg_{prefix}_{secrets.token_urlsafe(32)}"
    key_id = uuid.uuid4()
    await conn.execute(
        api_key_t.insert().values(
            id=key_id,
            name=name,
            prefix=prefix,
            key_hash=_hash(key),
            org_unit_id=unit_id,
            disclosure=disclosure,
            created_at=datetime.now(UTC),
            expires_at=expires_at,
            rate_limit=rate_limit,
        )
    )
    return IssuedKey(key_id, prefix, key)


async def revoke_key(conn: AsyncConnection, prefix: str) -> bool:
    """Revoke a key by its prefix; False when there is no such live key."""
    result = await conn.execute(
        api_key_t.update()
        .where(api_key_t.c.prefix == prefix, api_key_t.c.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )
    return bool(result.rowcount)


@dataclass(frozen=True)
class KeyBudget:
    """Whose rate-limit budget a key's request spends: the key's id, and its own limit."""

    id: uuid.UUID
    rate_limit: str | None


async def key_budget(engine: AsyncEngine, key: str) -> KeyBudget | None:
    """The budget of the key whose secret this is (revoked and expired ones too), else None:
    whose budget a request spends (api/rate_limit.py), not whether it may read."""
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != "gg" or len(parts[1]) != PREFIX_LENGTH:
        return None
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                sa.select(api_key_t.c.id, api_key_t.c.key_hash, api_key_t.c.rate_limit).where(
                    api_key_t.c.prefix == parts[1]
                )
            )
        ).first()
    if row is None or not hmac.compare_digest(row.key_hash, _hash(key)):
        return None
    return KeyBudget(row.id, row.rate_limit)


@dataclass(frozen=True)
class VerifiedKey:
    """A valid key: its partner viewer, and what an open connection keeps checking."""

    viewer: Viewer
    id: uuid.UUID
    expires_at: datetime | None


async def viewer_for_key(engine: AsyncEngine, key: str) -> Viewer:
    """The read-only partner viewer of a key; AuthenticationError when it is not valid."""
    return (await verify_key(engine, key)).viewer


async def verify_key(engine: AsyncEngine, key: str) -> VerifiedKey:
    """The key's viewer, id and expiry; AuthenticationError when it is not valid (unknown,
    revoked or expired)."""
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != "gg" or len(parts[1]) != PREFIX_LENGTH:
        raise AuthenticationError(message("API_KEY_MALFORMED"))
    async with engine.connect() as conn:
        row = (
            (await conn.execute(sa.select(api_key_t).where(api_key_t.c.prefix == parts[1])))
            .mappings()
            .first()
        )
    # Compare digests in constant time; an unknown prefix fails the same way.
    expected = row["key_hash"] if row else _hash("")
    if not hmac.compare_digest(expected, _hash(key)) or row is None:
        raise AuthenticationError(message("API_KEY_UNKNOWN"))
    now = datetime.now(UTC)
    if row["revoked_at"] is not None:
        raise AuthenticationError(message("API_KEY_REVOKED"))
    expires = row["expires_at"]
    if expires is not None and expires.tzinfo is None:
        expires = expires.replace(tzinfo=UTC)  # SQLite keeps no zone
    if expires is not None and expires < now:
        raise AuthenticationError(message("API_KEY_EXPIRED"))
    viewer = Viewer(
        subject=f"key:{row['name']}",
        unit_id=row["org_unit_id"],
        role=ViewerRole.VIEWER,
        partner=row["disclosure"] == "SHARED",
        key_id=row["id"],
    )
    return VerifiedKey(viewer, row["id"], expires)
