"""GraphiQL at GET /graphql (browsers), from the package's own files: no CDN.

`api/static/graphiql/` holds the page, its bootstrap script and the vendored React and GraphiQL
builds (`make graphiql` fetches them at pinned versions and writes their sha384 `integrity`
attributes into the page), so the IDE loads on a network without internet access. The page and
its files carry a Content-Security-Policy that allows scripts from this origin only.
"""

from __future__ import annotations

from pathlib import Path

from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

STATIC_DIR = Path(__file__).parent / "static" / "graphiql"

# Scripts and styles from this origin only (GraphiQL's editors set element styles from script,
# hence 'unsafe-inline' for styles alone; its fonts and icons are data: URLs in its stylesheet).
# Requests go to this origin: HTTP for queries, WebSocket for subscriptions.
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self' ws: wss:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-cache",
}


def page() -> Response:
    """The IDE's HTML page, as strawberry's `render_graphql_ide` would answer."""
    html = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    return HTMLResponse(html, headers=SECURITY_HEADERS)


class GraphiQLFiles(StaticFiles):
    """StaticFiles with the page's security and caching headers."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        """The file's response, with SECURITY_HEADERS."""
        response = await super().get_response(path, scope)
        response.headers.update(SECURITY_HEADERS)
        return response


def routes() -> list[BaseRoute]:
    """GraphiQL's files under /static/graphiql/, for the app's route table."""
    return [Mount("/static/graphiql", app=GraphiQLFiles(directory=STATIC_DIR), name="graphiql")]
