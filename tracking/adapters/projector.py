"""The case projector: tails tracking's own notification log into the read model.

Each batch of rows and the projector's position are written in one transaction, so the read
model is exactly the log up to its position; `rebuild` drops it and replays from zero.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update

from shared.logging import get_logger
from tracking.adapters.case_rows import project
from tracking.adapters.tables import metadata, projection_position

log = get_logger(__name__)


class CaseProjector:
    """Keeps the `cases` and `timeline` tables in step with the case events."""

    name = "cases"

    def __init__(
        self, app: Any, engine: Engine, *, batch_size: int = 500, idle_seconds: float = 0.2
    ) -> None:
        self._app = app
        self._engine = engine
        self._batch_size = batch_size
        self._idle_seconds = idle_seconds

    def position(self) -> int:
        """The last notification id written to the read model."""
        with self._engine.connect() as conn:
            found = conn.scalar(
                select(projection_position.c.position).where(
                    projection_position.c.name == self.name
                )
            )
        return int(found or 0)

    def project_once(self) -> int:
        """Project one batch of new notifications; returns how many."""
        with self._engine.begin() as conn:
            start = self._claim_position(conn)
            notifications = self._app.recorder.select_notifications(
                start, self._batch_size, inclusive_of_start=False
            )
            for notification in notifications:
                project(conn, self._app.mapper.to_domain_event(notification))
            if notifications:
                conn.execute(
                    update(projection_position)
                    .where(projection_position.c.name == self.name)
                    .values(position=notifications[-1].id)
                )
        return len(notifications)

    def catch_up(self) -> int:
        """Project until the read model reaches the end of the log; returns how many."""
        total = 0
        while count := self.project_once():
            total += count
        return total

    def rebuild(self) -> int:
        """Drop the read model, create it empty, and replay every case event from zero."""
        metadata.drop_all(self._engine)
        metadata.create_all(self._engine)
        return self.catch_up()

    async def run(self, stopping: asyncio.Event) -> None:
        """Project until told to stop; a failed batch is rolled back and tried again."""
        while not stopping.is_set():
            try:
                count = await asyncio.to_thread(self.project_once)
            except Exception as error:  # the database is away: roll back, wait, try again
                log.error("projection-failed", projection=self.name, error=repr(error))
                count = 0
                await _wait(stopping, 1.0)
            if count == 0:
                await _wait(stopping, self._idle_seconds)

    def _claim_position(self, conn: Connection) -> int:
        """The position, locked for this transaction (replicas take turns on PostgreSQL)."""
        query = (
            select(projection_position.c.position)
            .where(projection_position.c.name == self.name)
            .with_for_update()
        )
        found = conn.scalar(query)
        if found is None:
            conn.execute(insert(projection_position).values(name=self.name, position=0))
            return 0
        return int(found)


async def _wait(stopping: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stopping.wait(), timeout=seconds)
