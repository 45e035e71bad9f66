"""Liveness and readiness of an edge process (ready: the services it needs answer)."""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from services.faces.common.backends import Backends, Unavailable
from shared.auth import TokenStore


def health_router(
    backends: Backends, needs: Iterable[str], tokens: TokenStore | None = None
) -> APIRouter:
    """`/health/live` always; `/health/ready` once every needed service is live (and the
    tokens topic read, for a face that signs staff in)."""
    router = APIRouter(prefix="/health", tags=["health"])
    needed = tuple(needs)

    @router.get("/live")
    def live() -> dict[str, str]:
        return {"status": "ok"}

    @router.get(
        "/ready", responses={503: {"description": "Not ready: `waiting_for` names the services"}}
    )
    def ready() -> JSONResponse:
        down = []
        for name in needed:
            try:
                if backends.call("GET", name, "/health/live").status_code != 200:
                    down.append(name)
            except Unavailable:
                down.append(name)
        if tokens is not None and tokens.loading():
            down.append("tokens")
        body = {"status": "ok" if not down else "waiting", "waiting_for": down}
        return JSONResponse(body, status_code=200 if not down else 503)

    return router
