"""The context api/ builds for each GraphQL operation: the resolvers' Context plus what only
the HTTP and WebSocket layer reads (settings, the request, whether the compiled path answered).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from api.settings import Settings
from resolvers.context import Context


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
