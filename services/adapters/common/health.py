"""An adapter's health endpoints and its clean stop."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from fastapi import FastAPI
from fastapi.responses import JSONResponse


async def finish(task: asyncio.Task[None] | None, grace: float = 2.0) -> None:
    """Let the loop end its current message, then cancel it: a poll may outlast the grace, and
    an uncommitted record is delivered again on the next start."""
    if task is None:
        return
    done, _ = await asyncio.wait({task}, timeout=grace)
    if not done:
        task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task


def install_health(app: FastAPI, is_ready: Callable[[], bool], not_ready: str) -> None:
    """`/health/live` (the process answers) and `/health/ready` (200 or 503 `not_ready`)."""

    @app.get("/health/live", tags=["operations"])
    async def live() -> dict[str, str]:
        """The process answers."""
        return {"status": "ok"}

    @app.get(
        "/health/ready",
        tags=["operations"],
        responses={503: {"description": f"Not ready: {not_ready}"}},
    )
    async def ready() -> JSONResponse:
        """The adapter can do its work."""
        healthy = is_ready()
        status = 200 if healthy else 503
        return JSONResponse({"status": "ready" if healthy else "not-ready"}, status_code=status)
