"""The reference dashboard (工作看板) at /dashboard: static ES modules over the GraphQL API.

No build step: `api/static/dashboard/` is served as it is (package data), with Apache ECharts
vendored under `vendor/`. Every screen's data is one GraphQL query from `queries/`, which the
page shows to developers and the tests execute.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

STATIC_DIR = Path(__file__).parent / "static" / "dashboard"

# The page runs only its own scripts and talks only to its own origin (HTTP and WebSocket);
# ECharts sets element styles from script, hence 'unsafe-inline' for styles alone.
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; connect-src 'self' ws: wss:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    ),
    "x-content-type-options": "nosniff",
    # `?token=` must not leak to other sites through the Referer header.
    "referrer-policy": "no-referrer",
    # Revalidate (ETag / Last-Modified) so a deployment's new files are picked up at once.
    "cache-control": "no-cache",
}


class DashboardFiles(StaticFiles):
    """StaticFiles with the dashboard's security and caching headers."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        """The file's response, with SECURITY_HEADERS."""
        response = await super().get_response(path, scope)
        response.headers.update(SECURITY_HEADERS)
        return response


async def redirect_to_index(request: Request) -> Response:
    """`/dashboard` → `/dashboard/` (relative, so it works behind a path prefix), keeping the
    query string (`?unit=…&token=…`)."""
    query = request.url.query
    return RedirectResponse("dashboard/" + (f"?{query}" if query else ""), status_code=307)


def routes() -> list[BaseRoute]:
    """The dashboard's routes, for the app's route table."""
    return [
        Route("/dashboard", redirect_to_index, methods=["GET", "HEAD"]),
        Mount("/dashboard", app=DashboardFiles(directory=STATIC_DIR, html=True), name="dashboard"),
    ]
