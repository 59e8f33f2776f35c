"""CORS for browser pages on other origins (a Vite dev server, a portal): GOVGRAPH_CORS_ORIGINS.

Off by default (no origins: no CORS headers, and a preflight `OPTIONS /graphql` is 405 as
before). With origins, Starlette's CORSMiddleware answers preflights for them and adds
`Access-Control-Allow-Origin` to their responses, on every route (/graphql, /export/…,
/healthz). Credentials travel in the `Authorization` header, never in cookies, so
`allow_credentials` stays off and `*` is allowed. It sits outside the rate limiter, so a
refusal (429) still carries the headers a page needs to read it. WebSockets are not HTTP
requests: CORS does not apply to them.
"""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

from api.idempotency import HEADER as IDEMPOTENCY_KEY
from api.replicas import LSN_HEADER
from api.settings import Settings

# What a page may send: its token, JSON bodies, retries' keys, its own request ids, a language.
ALLOW_HEADERS = [
    "authorization",
    "content-type",
    "accept",
    "accept-language",
    IDEMPOTENCY_KEY,
    "x-request-id",
    LSN_HEADER,  # a write's read-your-writes token, sent back on reads (api/replicas.py)
]
# What a page may read besides the CORS-safelisted response headers (a 429's wait, an
# export's file name, a GET read's ETag, a write's LSN token; the request id is in error bodies,
# extensions.requestId).
EXPOSE_HEADERS = ["retry-after", "content-disposition", "etag", LSN_HEADER]
PREFLIGHT_MAX_AGE = 600  # seconds a browser may cache a preflight


def cors_middleware(settings: Settings) -> list[Middleware]:
    """CORSMiddleware for the configured origins; none when there are none."""
    if not settings.cors_origins:
        return []
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=ALLOW_HEADERS,
            expose_headers=EXPOSE_HEADERS,
            allow_credentials=False,
            max_age=PREFLIGHT_MAX_AGE,
        )
    ]
