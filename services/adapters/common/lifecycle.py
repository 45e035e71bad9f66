"""What every adapter process shares: its running Kafka loop, a gentle stop, health endpoints."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, Protocol

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from shared.logging import get_logger
from shared.metrics import ConsumerMetrics
from shared.metrics.lag import LagReader, Subscribed

log = get_logger(__name__)


@dataclass
class Running:
    """What the lifespan started."""

    task: asyncio.Task[None] | None = None
    ready: bool = False
    metrics: ConsumerMetrics = field(default_factory=ConsumerMetrics)
    subscribed: list[Subscribed] = field(default_factory=list)

    def is_ready(self) -> bool:
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


class Part(Protocol):
    """A Kafka client (or anything) started before the loop and stopped after it."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


@contextlib.asynccontextmanager
async def looping(
    running: Running,
    service: str,
    run: Callable[[asyncio.Event], Coroutine[Any, Any, None]],
    lag: LagReader | None,
    *parts: Part,
) -> AsyncIterator[None]:
    """Start the parts, then the loop; on the way out end the loop first, then the lag reader
    (None: the caller closes its own), then the parts."""
    stopping = asyncio.Event()
    for part in parts:
        await part.start()
    running.task = asyncio.create_task(run(stopping))
    running.ready = True
    log.info("service-started", service=service)
    try:
        yield
    finally:
        running.ready = False
        stopping.set()
        await finish(running.task)
        if lag is not None:
            await lag.close()
        for part in reversed(parts):
            await part.stop()


def install_health(
    app: FastAPI, is_ready: Callable[[], bool], not_ready: str = "the Kafka loop is not running"
) -> None:
    """`GET /health/live` (the process answers), `GET /health/ready` (200, or 503 `not_ready`)."""

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
