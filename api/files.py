"""Evidence file downloads: GET /files/{id}.

Authenticated like /graphql (bearer token or API key) and authorised by the scope of the
object the file is attached to (models/rules/scope.py, `evidence_file`): a viewer who cannot
see the progress report or the rectification gets 404, the same answer as for a file that
does not exist, so existence never leaks. Files are only ever served here, from the storage
(resolvers/storage.py) by their content key, never from a public path: the id is a random
UUID and the route checks the viewer on every request.

The response is always an attachment with the sniffed content type, `X-Content-Type-Options:
nosniff`, a sandboxing Content-Security-Policy and `Cache-Control: private, no-store`, so a
browser never renders an upload as a page of this origin.
"""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING
from urllib.parse import quote

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api import errors
from api.exports import refused
from resolvers.evidence.service import visible_file

if TYPE_CHECKING:
    from api.app import GovGraphQL

logger = logging.getLogger("govgraph")


def content_disposition(name: str) -> str:
    """`attachment` with an ASCII fallback name and the real one (RFC 6266 / 5987)."""
    ascii_name = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\' else "_" for ch in name)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def routes(graphql: GovGraphQL) -> list[Route]:
    """The download route, sharing /graphql's authentication, engine and storage."""

    async def download(request: Request) -> Response:
        try:
            file_id = uuid.UUID(request.path_params["file_id"])
        except ValueError:
            return refused(request, 404, "no such file")
        try:
            ctx = await graphql.get_context(request, None)
        except HTTPException as exc:
            return refused(request, exc.status_code, exc.reason)
        try:
            row = await ctx.db.fetch_one(visible_file(ctx.viewer, file_id))
            if row is None:
                return refused(request, 404, "no such file")
            data = await graphql.storage.get(row["storage_key"])
            if data is None:  # the row without its bytes: a storage fault, not the client's
                logger.error("evidence file %s: %s missing", file_id, row["storage_key"])
                rid = errors.request_id(request)
                return refused(request, 500, f"internal error (request id {rid})")
            return Response(
                data,
                media_type=row["content_type"],
                headers={
                    "content-disposition": content_disposition(row["name"]),
                    "x-content-type-options": "nosniff",
                    "content-security-policy": "default-src 'none'; sandbox",
                    "cache-control": "private, no-store",
                    "etag": f'"{row["sha256"]}"',
                },
            )
        except Exception:  # a bug: logged in full, the client gets the request id only
            rid = errors.request_id(request)
            logger.exception("request %s: file download failed", rid)
            return refused(request, 500, f"internal error (request id {rid})")
        finally:
            await ctx.db.close()

    return [Route("/files/{file_id}", download, methods=["GET"])]
