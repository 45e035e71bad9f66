"""Liveness and readiness of an edge process (ready: the services it needs answer)."""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from services.faces.common.backends import Backends, Unavailable


def health_router(backends: Backends, needs: Iterable[str]) -> APIRouter:
    """`/health/live` always; `/health/ready` once every needed service is live."""
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
        body = {"status": "ok" if not down else "waiting", "waiting_for": down}
        return JSONResponse(body, status_code=200 if not down else 503)

    return router
