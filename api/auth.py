"""Authentication: signed bearer tokens (JWT, HS256) carrying a unit and a role.

`govgraph token --unit NAME --role ROLE` mints one. Without GOVGRAPH_SECRET no token can be
verified and every request is the anonymous read-only demo viewer (`make run`).
"""

from __future__ import annotations

import time
import uuid
from collections import OrderedDict
from datetime import UTC, datetime, timedelta

import jwt

from models.enums import ViewerRole
from models.viewer import ANONYMOUS, Viewer

ISSUER = "govgraph"
ALGORITHM = "HS256"
DEFAULT_TTL = timedelta(hours=12)


class AuthenticationError(ValueError):
    """A bearer token that is malformed, badly signed, expired or from another issuer."""


def mint_token(
    secret: str,
    *,
    unit_id: uuid.UUID,
    role: ViewerRole,
    subject: str | None = None,
    ttl: timedelta = DEFAULT_TTL,
    now: datetime | None = None,
) -> str:
    """A signed token for a unit and a role."""
    issued = now or datetime.now(UTC)
    claims = {
        "iss": ISSUER,
        "sub": subject or f"{role.value.lower()}@{unit_id}",
        "unit": str(unit_id),
        "role": role.value,
        "iat": int(issued.timestamp()),
        "exp": int((issued + ttl).timestamp()),
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


_VERIFIED: OrderedDict[tuple[str, str], tuple[Viewer, int]] = OrderedDict()
VERIFIED_CACHE_SIZE = 1024


def verify_token(secret: str, token: str) -> Viewer:
    """The viewer a token stands for; AuthenticationError when it does not verify.

    A verified token is remembered until its expiry (dashboards send the same token with
    every request); an expired or unknown one is checked in full.
    """
    key = (secret, token)
    known = _VERIFIED.get(key)
    if known is not None and known[1] > time.time():
        _VERIFIED.move_to_end(key)
        return known[0]
    viewer, expires = _verify(secret, token)
    _VERIFIED[key] = (viewer, expires)
    if len(_VERIFIED) > VERIFIED_CACHE_SIZE:
        _VERIFIED.popitem(last=False)
    return viewer


def _verify(secret: str, token: str) -> tuple[Viewer, int]:
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["exp", "iss", "sub"]},
        )
        viewer = Viewer(
            subject=str(claims["sub"]),
            unit_id=uuid.UUID(str(claims["unit"])),
            role=ViewerRole(claims["role"]),
        )
        return viewer, int(claims["exp"])
    except (jwt.PyJWTError, KeyError, ValueError) as exc:
        raise AuthenticationError(f"invalid token: {exc}") from exc


def viewer_from_header(secret: str | None, authorization: str | None) -> Viewer:
    """The viewer of an `Authorization: Bearer …` header (anonymous without one)."""
    if not authorization:
        return ANONYMOUS
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError("expected `Authorization: Bearer <token>`")
    if not secret:
        raise AuthenticationError("this server verifies no tokens (GOVGRAPH_SECRET unset)")
    return verify_token(secret, token.strip())
