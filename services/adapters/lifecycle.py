"""What every adapter process shares: its running Kafka loop, a gentle stop and health endpoints."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from shared.metrics import ConsumerMetrics
from shared.metrics.lag import Subscribed


@dataclass
class Running:
    """What the lifespan started."""

    task: asyncio.Task[None] | None = None
    ready: bool = False
    metrics: ConsumerMetrics = field(default_factory=ConsumerMetrics)
    subscribed: list[Subscribed] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        """The Kafka loop was started and has not ended."""
        return self.ready and self.task is not None and not self.task.done()


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


def add_health(app: FastAPI, running: Running) -> None:
    """`GET /health/live` (the process answers) and `GET /health/ready` (the loop runs)."""

    @app.get("/health/live", tags=["operations"])
    async def live() -> dict[str, str]:
        """The process answers."""
        return {"status": "ok"}

    @app.get(
        "/health/ready",
        tags=["operations"],
        responses={503: {"description": "Not ready: the Kafka loop is not running"}},
    )
    async def ready() -> JSONResponse:
        """The Kafka loop runs."""
        healthy = running.healthy
        status = 200 if healthy else 503
        return JSONResponse({"status": "ready" if healthy else "not-ready"}, status_code=status)
