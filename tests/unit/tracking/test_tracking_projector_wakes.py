"""The projector projects a write when it is made, not when its idle wait runs out."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import Engine, select
from tracking_helpers import REPORTS, START, Feed, FixedClock, Report, settings

from tracking.adapters.tables import projection_position
from tracking.bootstrap import assemble


def _has_looked(engine: Engine) -> bool:
    """Whether the projector made its first pass (it writes its position row then)."""
    with engine.connect() as conn:
        return conn.scalar(select(projection_position.c.name)) is not None


async def test_a_write_wakes_the_idle_projector(tmp_path: Path) -> None:
    configured = settings(tmp_path)
    configured.projector_idle_seconds = 3600  # only a wake-up can make it look again
    parts = assemble(configured, FixedClock(START), {"PERSISTENCE_MODULE": "eventsourcing.popo"})
    stopping = asyncio.Event()
    job = asyncio.create_task(parts.projector.run(stopping))
    report = Report("LPR-WAKE0001")
    async with asyncio.timeout(30):
        while not _has_looked(parts.engine):
            await asyncio.sleep(0.01)
        Feed(parts.app).send(REPORTS, report.received())
        while parts.views.by_tracking_id(report.tracking_id) is None:
            await asyncio.sleep(0.01)
    stopping.set()
    await asyncio.wait_for(job, timeout=10)
