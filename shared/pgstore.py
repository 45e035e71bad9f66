"""A PostgreSQL process recorder that writes a batch in one round trip.

eventsourcing's recorder waits four times per write: to begin the transaction, to read the
tracking row back, after the events' insert, and to commit. This one sends BEGIN, the tracking
upsert, the table lock, NOTIFY, the events' insert and COMMIT in one pipeline and syncs once. The
tracking upsert that changes no row (the position did not advance) must still fail the transaction
before COMMIT, so it divides by the number of rows it changed: zero aborts the transaction, and
the error is reported as the IntegrityError eventsourcing raises in that case.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import psycopg
from eventsourcing.persistence import (
    IntegrityError,
    InterfaceError,
    OperationalError,
    StoredEvent,
    Tracking,
)
from eventsourcing.postgres import PostgresDatastore, PostgresProcessRecorder
from eventsourcing.utils import retry
from psycopg.sql import SQL, Composed, Identifier

_NAMED = re.compile(r"(?<![:\w]):(\w+)")
BEGIN = SQL("BEGIN")
COMMIT = SQL("COMMIT")


def pyformat(sql: str) -> str:
    """A statement with `:name` parameters (SQLite's style) in psycopg's `%(name)s` style."""
    return _NAMED.sub(r"%(\1)s", sql)


class OneTripProcessRecorder(PostgresProcessRecorder):
    """eventsourcing's process recorder, its writes pipelined into a single round trip."""

    def __init__(
        self,
        datastore: PostgresDatastore,
        *,
        events_table_name: str = "stored_events",
        tracking_table_name: str = "notification_tracking",
    ) -> None:
        super().__init__(
            datastore, events_table_name=events_table_name, tracking_table_name=tracking_table_name
        )
        self.track_once_statement: Composed = SQL(
            "WITH t AS ({0}) SELECT 1 / count(*) AS recorded FROM t"
        ).format(self.insert_tracking_statement)
        self.notify_statement = SQL("NOTIFY {0}").format(Identifier(self.channel_name))

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """Record the events and the position in one transaction, one round trip."""
        if not self.datastore.single_row_tracking or self.datastore.enable_db_functions:
            if kwargs.get("statements"):
                raise NotImplementedError("batch statements need single-row tracking")
            return super().insert_events(stored_events, **kwargs)
        tracking: Tracking | None = kwargs.get("tracking")
        with self.datastore.get_connection() as conn:
            curs, inserted = conn.cursor(), conn.cursor()
            try:
                with conn.pipeline():  # sent as one; leaving it is the one sync
                    self._send(curs, inserted, stored_events, tracking)
                    for statement in kwargs.get("statements", ()):
                        curs.execute(pyformat(statement.sql), dict(statement.params))
                    curs.execute(COMMIT)
                rows = inserted.fetchall() if stored_events else []
                return [row["notification_id"] for row in rows]
            except psycopg.Error as error:
                conn.rollback()
                if isinstance(error, psycopg.IntegrityError):  # a batch statement's constraint
                    raise IntegrityError(str(error)) from error
                if isinstance(error, psycopg.errors.DivisionByZero) and tracking is not None:
                    raise IntegrityError(
                        f"Failed to record tracking for {tracking.application_name} "
                        f"{tracking.notification_id}"
                    ) from error
                raise
            finally:
                curs.close()
                inserted.close()

    def insert_tracking(self, tracking: Tracking) -> None:
        """Record a position alone (the relay's), in the same one round trip."""
        self.insert_events([], tracking=tracking)

    def _send(
        self,
        curs: psycopg.Cursor[Any],
        inserted: psycopg.Cursor[Any],
        stored_events: Sequence[StoredEvent],
        tracking: Tracking | None,
    ) -> None:
        curs.execute(BEGIN)
        if tracking is not None:
            params = {
                "application_name": tracking.application_name,
                "notification_id": tracking.notification_id,
            }
            curs.execute(self.track_once_statement, params, prepare=True)
        if stored_events:
            for lock_statement in self.lock_table_statements:
                curs.execute(lock_statement, prepare=True)
            curs.execute(self.notify_statement)
            rows = [
                self.construct_pg_stored_event(
                    e.originator_id, e.originator_version, e.topic, e.state
                )
                for e in stored_events
            ]
            inserted.execute(self.insert_events_statement, (rows,))
