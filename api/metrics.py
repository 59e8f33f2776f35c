"""Prometheus metrics at GET /metrics: requests, latency, GraphQL errors, SQL per request."""

from __future__ import annotations

import time
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUESTS = Counter("govgraph_http_requests_total", "HTTP requests", ["method", "path", "status"])
LATENCY = Histogram(
    "govgraph_http_request_seconds",
    "HTTP request latency",
    ["path"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
SQL_STATEMENTS = Histogram(
    "govgraph_sql_statements_per_operation",
    "SQL statements per GraphQL operation",
    buckets=(1, 2, 4, 8, 16, 32, 64, 128),
)
GRAPHQL_ERRORS = Counter("govgraph_graphql_errors_total", "GraphQL operations with errors")

KNOWN_PATHS = ("/graphql", "/healthz", "/metrics", "/dashboard", "/export")


def _path_label(path: str) -> str:
    """A bounded label set: known prefixes, everything else as `other`."""
    for known in KNOWN_PATHS:
        if path == known or path.startswith(known + "/"):
            return known
    return "other"


# Labelled children looked up once (prometheus_client's labels() validates and locks on each
# call); bounded like the label sets themselves, past that looked up each time.
_CHILDREN: dict[tuple[str, str, int], tuple[Any, Any]] = {}
_MAX_CHILDREN = 1024


def _children(method: str, path: str, status: int) -> tuple[Any, Any]:
    """The request counter and latency histogram of a method, path label and status."""
    key = (method, path, status)
    found = _CHILDREN.get(key)
    if found is None:
        found = (REQUESTS.labels(method, path, str(status)), LATENCY.labels(path))
        if len(_CHILDREN) < _MAX_CHILDREN:
            _CHILDREN[key] = found
    return found


class MetricsMiddleware:
    """Counts requests and measures their latency (pure ASGI)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def record(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record)
        finally:
            path = _path_label(scope.get("path", ""))
            counter, latency = _children(scope.get("method", ""), path, status)
            counter.inc()
            latency.observe(time.perf_counter() - started)


async def metrics(_request: Request) -> Response:
    """The Prometheus text exposition of this process."""
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


COMPILED = Counter(
    "govgraph_graphql_reads_total",
    "Queries by execution path: compiled (one SQL statement) or resolvers",
    ["path"],
)
COMPILED_PLANS = Gauge(
    "govgraph_compiled_plans",
    "Compiled plans (and uncompilable markers) cached by this worker (api/compiled.py)",
)
COMPILED_READS = COMPILED.labels("compiled")
RESOLVER_READS = COMPILED.labels("resolvers")
