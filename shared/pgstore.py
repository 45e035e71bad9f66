"""A PostgreSQL process recorder that writes a batch in one round trip.

eventsourcing's recorder waits four times per write: to begin the transaction, to read the
tracking row back, after the events' insert, and to commit. This one sends BEGIN, the tracking
upsert, the table lock, NOTIFY, the events' insert and COMMIT in one pipeline and syncs once. The
tracking upsert that changes no row (the position did not advance) must still fail the transaction
before COMMIT, so it divides by the number of rows it changed: zero aborts the transaction, and
the error is reported as the IntegrityError eventsourcing raises in that case.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg
from eventsourcing.persistence import (
    IntegrityError,
    InterfaceError,
    OperationalError,
    ProgrammingError,
    StoredEvent,
    Tracking,
)
from eventsourcing.postgres import PostgresDatastore, PostgresProcessRecorder
from eventsourcing.utils import retry
from psycopg.rows import DictRow
from psycopg.sql import SQL, Composed, Identifier

from shared.messaging.outbox import OutboxRow, outbox_table_name, pack_headers, row_of
from shared.statements import ColumnCache, grouped, pyformat, send_postgres

__all__ = ["OneTripProcessRecorder", "pyformat"]

BEGIN = SQL("BEGIN")
COMMIT = SQL("COMMIT")


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
        schema = Identifier(self.datastore.schema)
        outbox = Identifier(outbox_table_name(events_table_name))
        self.check_identifier_length(outbox_table_name(events_table_name))
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {0}.{1} (id bigserial PRIMARY KEY, "
                "topic text NOT NULL, key bytea, headers bytea NOT NULL, value bytea)"
            ).format(schema, outbox)
        )
        self.insert_outbox_statement = SQL(
            "INSERT INTO {0}.{1} (topic, key, headers, value) "
            "SELECT * FROM unnest(%b::text[], %b::bytea[], %b::bytea[], %b::bytea[])"
        ).format(schema, outbox)
        # The events as four arrays in binary (eventsourcing sends one array of a composite
        # type as text, every state hex-encoded and quoted twice); rows keep the arrays' order.
        id_type = "uuid" if self.datastore.originator_id_type == "uuid" else "text"
        self.insert_columns_statement = SQL(
            "INSERT INTO {0}.{1} (originator_id, originator_version, topic, state) "
            "SELECT * FROM unnest(%b::{2}[], %b::bigint[], %b::text[], %b::bytea[]) "
            "RETURNING notification_id"
        ).format(schema, Identifier(events_table_name), SQL(id_type))
        self.columns = ColumnCache()
        self.select_outbox_statement = SQL(
            "SELECT id, topic, key, headers, value FROM {0}.{1} WHERE id > %s ORDER BY id LIMIT %s"
        ).format(schema, outbox)
        self.max_outbox_id_statement = SQL("SELECT MAX(id) AS head FROM {0}.{1}").format(
            schema, outbox
        )

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """Record the events, the outbox rows and the position in one transaction, one trip."""
        if not self.datastore.single_row_tracking or self.datastore.enable_db_functions:
            if kwargs.get("outbox") or kwargs.get("statements"):
                raise ProgrammingError(
                    "the outbox and batch statements need single-row tracking, no db functions"
                )
            return super().insert_events(stored_events, **kwargs)
        tracking: Tracking | None = kwargs.get("tracking")
        groups = grouped(kwargs.get("statements", ()))
        with self.datastore.get_connection() as conn:
            curs, inserted = conn.cursor(), conn.cursor()
            try:
                self.columns.describe(conn, groups)  # once per table, before the pipeline
                with conn.pipeline():  # sent as one; leaving it is the one sync
                    self._send(curs, inserted, stored_events, tracking, kwargs.get("outbox"))
                    send_postgres(curs, groups, self.columns.known)
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
        outbox: Sequence[OutboxRow] | None = None,
    ) -> None:
        curs.execute(BEGIN)
        if tracking is not None:
            params = {
                "application_name": tracking.application_name,
                "notification_id": tracking.notification_id,
            }
            curs.execute(self.track_once_statement, params, prepare=True)
        if stored_events or outbox:  # rows get ids in commit order: after the lock
            for lock_statement in self.lock_table_statements:
                curs.execute(lock_statement, prepare=True)
            curs.execute(self.notify_statement)
        if stored_events:
            uuids = self.datastore.originator_id_type == "uuid"
            events: tuple[list[Any], ...] = (
                [e.originator_id if uuids else str(e.originator_id) for e in stored_events],
                [e.originator_version for e in stored_events],
                [e.topic for e in stored_events],
                [e.state for e in stored_events],
            )
            inserted.execute(self.insert_columns_statement, events, prepare=True)
        if outbox:
            columns: tuple[list[Any], ...] = (
                [r.topic for r in outbox],
                [r.key for r in outbox],
                [pack_headers(r.headers) for r in outbox],
                [r.value for r in outbox],
            )
            curs.execute(self.insert_outbox_statement, columns, prepare=True)

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def select_outbox(self, after: int, limit: int) -> list[OutboxRow]:
        """Rows after id `after`, in id order."""
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self.select_outbox_statement, (after, limit), prepare=True)
            found: list[DictRow] = curs.fetchall()
            return [row_of(r) for r in found]

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def max_outbox_id(self) -> int:
        """The last row's id (0: none)."""
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self.max_outbox_id_statement)
            found = curs.fetchone()
            return int(found["head"] or 0) if found else 0
