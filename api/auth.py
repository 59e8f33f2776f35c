"""Authentication: signed bearer tokens (JWT, HS256) carrying a unit and a role.

`govgraph token --unit NAME --role ROLE` mints one. Without GOVGRAPH_SECRET no token can be
verified and every request is the anonymous read-only demo viewer (`make run`).

A signature proves who minted a token, not that its unit exists: a token minted against
another database, or for a unit deleted since, names no unit here, and an ADMIN one would read
everything. `KnownUnits` refuses those (HTTP 401, WebSocket 4403) and remembers the units it
found for a minute, so the check costs a dictionary look-up on nearly every request.
"""

from __future__ import annotations

import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import jwt
import sqlalchemy as sa

from models import OrgUnit
from models.enums import ViewerRole
from models.messages import Text, message
from models.viewer import ANONYMOUS, Viewer
from resolvers.database import Database

unit_t: sa.Table = OrgUnit.__table__  # type: ignore[attr-defined]

ISSUER = "govgraph"
ALGORITHM = "HS256"
DEFAULT_TTL = timedelta(hours=12)


class AuthenticationError(ValueError):
    """A bearer token that is malformed, badly signed, expired or from another issuer;
    `text` the catalogue message (models/messages.py) the client reads."""

    def __init__(self, text: Text) -> None:
        super().__init__(str(text))
        self.text = text


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
    """The viewer a token stands for; AuthenticationError when it does not verify."""
    return verified_token(secret, token)[0]


def verified_token(secret: str, token: str) -> tuple[Viewer, int]:
    """The viewer a token stands for and its expiry (`exp`, epoch seconds); AuthenticationError
    when it does not verify.

    A verified token is remembered until its expiry (dashboards send the same token with
    every request); an expired or unknown one is checked in full.
    """
    key = (secret, token)
    known = _VERIFIED.get(key)
    if known is not None and known[1] > time.time():
        _VERIFIED.move_to_end(key)
        return known
    verified = _verify(secret, token)
    _VERIFIED[key] = verified
    if len(_VERIFIED) > VERIFIED_CACHE_SIZE:
        _VERIFIED.popitem(last=False)
    return verified


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
        raise AuthenticationError(message("TOKEN_INVALID", reason=str(exc))) from exc


def viewer_from_header(secret: str | None, authorization: str | None) -> Viewer:
    """The viewer of an `Authorization: Bearer …` header (anonymous without one)."""
    return credentials_from_header(secret, authorization)[0]


def credentials_from_header(
    secret: str | None, authorization: str | None
) -> tuple[Viewer, int | None]:
    """The viewer of an `Authorization: Bearer …` header and its token's expiry (epoch
    seconds); anonymous, without expiry, without a header."""
    if not authorization:
        return ANONYMOUS, None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError(message("TOKEN_HEADER"))
    if not secret:
        raise AuthenticationError(message("NO_SECRET"))
    return verified_token(secret, token.strip())


class KnownUnits:
    """The units tokens name, checked to exist; found ones are remembered for `ttl` seconds.

    Only what was found is remembered: a unit created after a refusal is accepted at once, a
    deleted one is refused within `ttl` seconds (an open WebSocket at its next check). One per
    app (its engine's database); `clock` is monotonic seconds.

    With each unit, whether it has no parent (`tree_root`): a hint for the compiled read path
    (api/compiled.py variants), whose whole-tree plan checks it again itself.
    """

    def __init__(
        self, ttl: float = 60.0, size: int = 4096, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl, self.size, self.clock = ttl, size, clock
        # unit id -> (valid until, whether it has no parent)
        self._found: OrderedDict[uuid.UUID, tuple[float, bool]] = OrderedDict()

    def known(self, viewer: Viewer) -> bool:
        """Whether the viewer's unit needs no check now (none, or found within `ttl`)."""
        if viewer.unit_id is None:
            return True
        entry = self._found.get(viewer.unit_id)
        return entry is not None and entry[0] > self.clock()

    def tree_root(self, unit_id: uuid.UUID | None) -> bool:
        """Whether `unit_id` was last found without a parent (False: not, or never found).
        A hint only (the whole-tree plan checks it), so kept past `ttl`: the unit's next
        request after its existence check expired still runs that plan."""
        entry = self._found.get(unit_id) if unit_id is not None else None
        return entry is not None and entry[1]

    def found(self, unit_id: uuid.UUID, tree_root: bool = False) -> None:
        """`unit_id` was found to exist (by require, or by a statement that checked it), and
        whether without a parent."""
        self._found[unit_id] = (self.clock() + self.ttl, tree_root)
        self._found.move_to_end(unit_id)
        if len(self._found) > self.size:
            self._found.popitem(last=False)

    async def require(self, db: Database, viewer: Viewer) -> None:
        """AuthenticationError unless the unit of a token's viewer exists (the anonymous viewer
        has none: nothing to check; API keys reference theirs, callers skip them).

        Runs on the request's handle before anything else uses it, on its connection directly:
        the look-up is authentication, not one of the operation's counted statements.
        """
        unit_id = viewer.unit_id
        if unit_id is None:
            return
        now = self.clock()
        entry = self._found.get(unit_id)
        if entry is not None and entry[0] > now:
            return
        conn = await db.connection()
        found = await conn.scalar(
            sa.select(unit_t.c.parent_id.is_(None)).where(unit_t.c.id == unit_id)
        )
        if found is None:
            self._found.pop(unit_id, None)
            raise AuthenticationError(message("TOKEN_UNKNOWN_UNIT", unit=unit_id))
        self.found(unit_id, bool(found))
