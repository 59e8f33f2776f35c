"""Request body size limit: 413 before a large body is read into memory."""

from __future__ import annotations

import orjson
from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import errors
from models.messages import message
from resolvers.errors import RequestErrorCode


def _content_headers(scope: Scope) -> tuple[bytes, bytes | None]:
    """Content-Type (empty when absent) and Content-Length (None), the first of each, read
    from the scope's raw headers (ASGI names them in lower case) without a Headers object."""
    content_type: bytes | None = None
    length: bytes | None = None
    for name, value in scope["headers"]:
        if name == b"content-type" and content_type is None:
            content_type = value
        elif name == b"content-length" and length is None:
            length = value
    return content_type or b"", length


class BodySizeLimit:
    """Refuses bodies over `limit` bytes (`upload_limit` for multipart uploads)."""

    def __init__(self, app: ASGIApp, *, limit: int, upload_limit: int) -> None:
        self.app, self.limit, self.upload_limit = app, limit, upload_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        content_type, declared = _content_headers(scope)
        is_upload = content_type.startswith(b"multipart/form-data")
        limit = self.upload_limit if is_upload else self.limit
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, receive, send, limit)
            return
        # Without a declared length (chunked), buffer up to the limit and replay.
        messages: list[Message] = []
        size = 0
        more = True
        while more:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > limit:
                await self._refuse(scope, receive, send, limit)
                return
            more = message.get("more_body", False)

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        connection = HTTPConnection(scope)
        rid = errors.request_id(connection)
        body = errors.error_body(
            message("PAYLOAD_TOO_LARGE", limit=limit),
            RequestErrorCode.PAYLOAD_TOO_LARGE,
            rid,
            errors.language(connection),
        )
        response = Response(orjson.dumps(body), status_code=413, media_type="application/json")
        await response(scope, receive, send)
