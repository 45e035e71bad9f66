"""HTTP latency by method, route template and status, and the `/metrics` endpoint itself."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from fastapi import FastAPI
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, Histogram, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.metrics.service import HttpMetrics

UNMATCHED = "unmatched"  # no route answered (404, or refused before routing): never the raw path

EXPOSITION = {
    CONTENT_TYPE_LATEST.split(";")[0]: {
        "schema": {"type": "string"},
        "example": "# TYPE lapor_relay_backlog gauge\nlapor_relay_backlog 0.0\n",
    }
}


class HttpLatency:
    """ASGI middleware: one observation per HTTP request, labelled with the route's template."""

    def __init__(self, app: ASGIApp, histogram: Histogram) -> None:
        self.app = app
        self.histogram = histogram

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500  # an exception that escapes every handler is answered 500
        started = time.perf_counter()

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = getattr(scope.get("route"), "path", None) or UNMATCHED
            labels = (scope.get("method", ""), route, str(status))
            self.histogram.labels(*labels).observe(time.perf_counter() - started)


Refresh = Callable[[], Awaitable[None]]


async def _nothing() -> None:
    return None


def install_metrics(app: FastAPI, metrics: HttpMetrics, refresh: Refresh = _nothing) -> None:
    """Time every request (add it after every other middleware) and serve `GET /metrics`."""
    app.add_middleware(HttpLatency, histogram=metrics.http_seconds)
    _add_metrics_route(app, metrics, refresh)


def _add_metrics_route(app: FastAPI, metrics: HttpMetrics, refresh: Refresh) -> None:
    """`GET /metrics`: the Prometheus text exposition, open like the health endpoints."""

    @app.get(
        "/metrics",
        tags=["operations"],
        response_class=Response,
        responses={200: {"description": "Prometheus text exposition", "content": EXPOSITION}},
    )
    async def exposition() -> Response:
        """Prometheus metrics of this process (no personal data: counts, timings, topics)."""
        await refresh()
        body = await asyncio.to_thread(generate_latest, metrics.registry)  # sources read a store
        return Response(body, media_type=CONTENT_TYPE_LATEST)
