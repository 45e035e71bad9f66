"""A PostgreSQL process recorder that writes a batch in one round trip.

eventsourcing's recorder waits four times per write: to begin the transaction, to read the
tracking row back, after the events' insert, and to commit. This one sends BEGIN, the tracking
upsert, the table lock, NOTIFY, the events' insert, the outbox rows, the batch's own statements
and COMMIT as one query text (`shared.sqltext`: values written in as psycopg's literals, one
send, one wait; a pipeline would send and flush each statement on its own). The tracking upsert
writes every position of the write (one per partition of a fetch: `tracking` and
`more_tracking`) in one statement; one that changes no row (the position did not advance) must
still fail the transaction before COMMIT, so it divides by the number of rows changed divided by
the number of positions: fewer changed than given is a division by zero, which aborts the
transaction (the statements after it do not run), and the error is reported as the
IntegrityError eventsourcing raises in that case.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple
from uuid import UUID

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
from psycopg.sql import SQL, Composable, Identifier

from shared.messaging.outbox import (
    POSITION_PATTERN,
    OutboxRow,
    more_tracking,
    outbox_table_name,
    pack_headers,
    prune_statement,
    row_of,
)
from shared.sqltext import Literals, result_rows, run_text, select_rows
from shared.statements import grouped, pyformat

__all__ = ["OneTripProcessRecorder", "pyformat"]

# A relay's position need not be durable at its commit: lost in a server crash, the position
# before it is read and the rows after that sent again (at least once), so its commit does not
# wait for the WAL flush (the next write's commit flushes it anyway).
NO_FLUSH_WAIT = b"SET LOCAL synchronous_commit TO OFF"


class FixedText(NamedTuple):
    """The parts of a write's text that do not change (names quoted for the store)."""

    begin: bytes
    commit: bytes
    track: bytes  # `% (rows "(name literal, position)", number of rows)`
    lock: tuple[bytes, ...]
    notify: bytes
    insert_events: bytes  # followed by the rows
    insert_outbox: bytes  # followed by the rows


class OneTripProcessRecorder(PostgresProcessRecorder):
    """eventsourcing's process recorder, a batch's write sent as one query text (one round trip)."""

    records_more_tracking = True  # `insert_events(..., more_tracking=[...])`: same transaction

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
        self._fixed_text: FixedText | None = None
        self.select_outbox_statement = SQL(
            "SELECT id, topic, key, headers, value FROM {0}.{1} WHERE id > "
        ).format(schema, outbox)
        self._select_outbox_text: bytes | None = None  # the statement as sent, rendered once
        self.max_outbox_id_statement = SQL("SELECT MAX(id) AS head FROM {0}.{1}").format(
            schema, outbox
        )
        self.prune_outbox_statement = SQL(prune_statement("{0}.{1}", "{0}.{2}", "%s")).format(
            schema, outbox, Identifier(self.tracking_table_name)
        )

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """Record the events, the outbox rows and the position in one transaction, one trip."""
        if not self.datastore.single_row_tracking or self.datastore.enable_db_functions:
            if kwargs.get("outbox") or kwargs.get("statements") or more_tracking(kwargs):
                raise ProgrammingError(
                    "the outbox, batch statements and more_tracking need single-row tracking, "
                    "no db functions"
                )
            return super().insert_events(stored_events, **kwargs)
        tracking: Tracking | None = kwargs.get("tracking")
        positions = [tracking, *more_tracking(kwargs)] if tracking is not None else []
        with self.datastore.get_connection() as conn:
            try:
                text, returning = self._text(conn, stored_events, positions, kwargs)
                results = run_text(conn, text)  # one statement, one result
                if returning is None:
                    return []
                ids = results[returning]
                return [int(ids.get_value(row, 0)) for row in range(ids.ntuples)]
            except psycopg.Error as error:
                conn.rollback()
                if isinstance(error, psycopg.IntegrityError):  # a batch statement's constraint
                    raise IntegrityError(str(error)) from error
                if isinstance(error, psycopg.errors.DivisionByZero) and positions:
                    named = ", ".join(
                        f"{t.application_name} {t.notification_id}" for t in positions
                    )
                    raise IntegrityError(f"Failed to record tracking for {named}") from error
                raise

    def insert_tracking(self, tracking: Tracking) -> None:
        """Record a position alone (the relay's), in the same one round trip."""
        self.insert_events([], tracking=tracking)

    def _text(
        self,
        conn: psycopg.Connection[Any],
        stored_events: Sequence[StoredEvent],
        positions: Sequence[Tracking],
        kwargs: dict[str, Any],
    ) -> tuple[bytes, int | None]:
        """The write as one query text, and which of its statements returns the events' ids."""
        fixed = self._fixed(conn)
        literals = Literals(conn)
        outbox: Sequence[OutboxRow] = kwargs.get("outbox") or ()
        statements = [fixed.begin]
        if positions:
            statements.append(fixed.track % (_tracking_rows(literals, positions), len(positions)))
        if stored_events or outbox:  # rows get ids in commit order: after the lock
            statements.extend(fixed.lock)
            statements.append(fixed.notify)
        returning = None
        if stored_events:
            returning = len(statements)
            statements.append(fixed.insert_events + self._event_rows(literals, stored_events))
        if outbox:
            rows = (
                literals.row((r.topic, r.key, pack_headers(r.headers), r.value)) for r in outbox
            )
            statements.append(fixed.insert_outbox + b", ".join(rows))
        statements.extend(literals.groups(grouped(kwargs.get("statements", ()))))
        statements.append(fixed.commit)
        return b";\n".join(statements), returning

    def _event_rows(self, literals: Literals, stored_events: Sequence[StoredEvent]) -> bytes:
        uuids = self.datastore.originator_id_type == "uuid"
        rows = []
        for e in stored_events:
            oid = e.originator_id
            rows.append(
                b"(%s, %d, %s, %s)"
                % (
                    literals.value(oid if uuids and type(oid) is UUID else str(oid)),
                    e.originator_version,
                    literals.value(e.topic),
                    literals.value(e.state),
                )
            )
        return b", ".join(rows) + b" RETURNING notification_id"

    def _fixed(self, conn: psycopg.Connection[Any]) -> FixedText:
        """The statements' fixed texts, rendered once (names quoted for the connection)."""
        if self._fixed_text is None:
            schema = Identifier(self.datastore.schema)
            events = Identifier(self.events_table_name)
            outbox = Identifier(outbox_table_name(self.events_table_name))
            tracking = SQL(
                "WITH t AS (INSERT INTO {0}.{1} VALUES %s ON CONFLICT (application_name) "
                "DO UPDATE SET notification_id = excluded.notification_id "
                "WHERE {0}.{1}.notification_id < excluded.notification_id RETURNING 1) "
                "SELECT 1 / (count(*) / %d) AS recorded FROM t"
            ).format(schema, Identifier(self.tracking_table_name))
            self._fixed_text = FixedText(
                begin=b"BEGIN",
                commit=b"COMMIT",
                track=tracking.as_bytes(conn),
                lock=tuple(_as_bytes(s, conn) for s in self.lock_table_statements),
                notify=self.notify_statement.as_bytes(conn),
                insert_events=SQL(
                    "INSERT INTO {0}.{1} (originator_id, originator_version, topic, state) VALUES "
                )
                .format(schema, events)
                .as_bytes(conn),
                insert_outbox=SQL("INSERT INTO {0}.{1} (topic, key, headers, value) VALUES ")
                .format(schema, outbox)
                .as_bytes(conn),
            )
        return self._fixed_text

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def select_outbox(self, after: int, limit: int) -> list[OutboxRow]:
        """Rows after id `after`, in id order."""
        with self.datastore.get_connection() as conn:
            return [row_of(r) for r in select_rows(conn, self._outbox_read(conn, after, limit))]

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def track_and_select_outbox(self, tracking: Tracking, limit: int) -> list[OutboxRow]:
        """Store a relay's position and read the rows after it: one transaction, one trip, its
        commit not waiting for the WAL flush (`NO_FLUSH_WAIT`).

        The position must advance (as `insert_tracking`'s): a position another relay moved on
        aborts the transaction, nothing read, as an IntegrityError.
        """
        with self.datastore.get_connection() as conn:
            track = self._fixed(conn).track % (_tracking_rows(Literals(conn), [tracking]), 1)
            read = self._outbox_read(conn, tracking.notification_id, limit)
            text = b";\n".join((b"BEGIN", NO_FLUSH_WAIT, track, read, b"COMMIT"))
            try:
                results = run_text(conn, text)
            except psycopg.Error as error:
                conn.rollback()
                if isinstance(error, psycopg.errors.DivisionByZero):
                    raise IntegrityError(f"Failed to record tracking for {tracking}") from error
                raise
            return [row_of(r) for r in result_rows(conn, results[3])]

    def _outbox_read(self, conn: psycopg.Connection[Any], after: int, limit: int) -> bytes:
        """The outbox read's text: up to `limit` rows after id `after`, in id order."""
        if self._select_outbox_text is None:
            self._select_outbox_text = self.select_outbox_statement.as_bytes(conn)
        return self._select_outbox_text + b"%d ORDER BY id LIMIT %d" % (after, limit)

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def max_outbox_id(self) -> int:
        """The last row's id (0: none)."""
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self.max_outbox_id_statement)
            found = curs.fetchone()
            return int(found["head"] or 0) if found else 0

    @retry((InterfaceError, OperationalError), max_attempts=3, wait=0.2)
    def prune_outbox(self, limit: int) -> int:
        """Delete at most `limit` rows every relay of the store sent (`shared.messaging.outbox`)."""
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(self.prune_outbox_statement, (POSITION_PATTERN, limit))
            return curs.rowcount


def _tracking_rows(literals: Literals, positions: Sequence[Tracking]) -> bytes:
    """The positions as the upsert's rows, in name order (two writers lock them in one order)."""
    ordered = sorted(positions, key=lambda t: t.application_name)
    return b", ".join(
        b"(%s, %d)" % (literals.value(t.application_name), t.notification_id) for t in ordered
    )


def _as_bytes(query: Any, conn: psycopg.Connection[Any]) -> bytes:
    """A statement's text as sent on this connection."""
    if isinstance(query, Composable):
        return query.as_bytes(conn)
    return query if isinstance(query, bytes) else str(query).encode()
