"""A notification store as older code wrote it: a fixture's stored events in a SQLite file, then
opened by today's application (which moves the old indexes into its tables as it starts)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import StoredEvent

from notification.adapters.jinja_renderer import JinjaRenderer
from notification.adapters.tables import SqlIndexes
from notification.application.composer import Composer
from notification.application.service import NotificationApplication
from notification.bootstrap import mailboxes
from shared.clock import FixedClock
from shared.directory import CITY_ADMIN


def sqlite_env(database: Path) -> dict[str, str]:
    return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(database)}


def write_old_store(database: Path, stored: list[dict[str, Any]]) -> None:
    """Write the fixture's events as the old code stored them (nothing else in the file)."""
    writer = Application[UUID](env=sqlite_env(database))
    writer.recorder.insert_events(
        [
            StoredEvent(
                originator_id=UUID(item["originator_id"]),
                originator_version=item["originator_version"],
                topic=item["topic"],
                state=item["state"].encode(),
            )
            for item in stored
        ]
    )
    writer.close()


def opened(database: Path, clock: FixedClock) -> NotificationApplication:
    """Today's application on that store."""
    return NotificationApplication(
        env=sqlite_env(database),
        composer=Composer(JinjaRenderer(), mailboxes(), CITY_ADMIN),
        clock=clock,
        indexes=SqlIndexes,
    )


def old_store(
    database: Path, stored: list[dict[str, Any]], clock: FixedClock
) -> NotificationApplication:
    """The fixture's events written by older code, opened by today's application."""
    write_old_store(database, stored)
    return opened(database, clock)
