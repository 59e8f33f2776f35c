"""The context api/ builds for each GraphQL operation: the resolvers' Context plus what only
the HTTP and WebSocket layer reads (settings, the request, whether the compiled path answered).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from api.auth import AuthenticationError
from api.settings import Settings
from models.messages import message
from resolvers.context import Context


@dataclass(frozen=True, kw_only=True)
class Credentials:
    """What authenticated a WebSocket connection, checked again for the connection's life
    (api/websocket.py): the token's or key's expiry, and `recheck` (raises
    AuthenticationError: a revoked key, a unit that no longer exists)."""

    expires_at: float | None = None  # epoch seconds
    key_id: uuid.UUID | None = None  # an API key's id: its revocation is announced by that id
    recheck: Callable[[], Awaitable[None]]

    async def check(self) -> None:
        """AuthenticationError once the credentials no longer hold."""
        if self.expires_at is not None and time.time() >= self.expires_at:
            key = "API_KEY_EXPIRED_LIVE" if self.key_id is not None else "TOKEN_EXPIRED"
            raise AuthenticationError(message(key))
        await self.recheck()


@dataclass(kw_only=True)
class RequestContext(Context):
    """Context of one operation of an HTTP request or a WebSocket connection."""

    settings: Settings
    request: Any = None
    response: Any = None
    # The compiled read path answered the operation (api/compiled.py; debug statistics).
    compiled: bool = False
    # The WebSocket connection_init payload (credentials; api/websocket.py).
    connection_params: dict[str, Any] | None = None
    # A WebSocket connection's credentials, kept checking while it is open (None: anonymous).
    credentials: Credentials | None = None
    # The app's persisted operations (api/persisted.py): trusted mode checks every operation.
    persisted: Any = None
    # Read replicas (api/replicas.py's ReadRouter; None: every read on the primary).
    reads: Any = None
    # The token's unit, when its existence (api/auth.py KnownUnits) is left to the cached
    # plan's statement to check (api/compiled.py answer_from_plan); None: checked already.
    unit_check: Any = None
    # Whether the viewer's unit has no parent, as far as is known (api/auth.py KnownUnits):
    # the compiled read path then tries the whole-tree plan first (api/compiled.py variants).
    tree_root: bool = False
