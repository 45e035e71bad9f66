"""The outbox: integration events translated and encoded once, when their events are recorded.

Every write of a service, a consumed batch or an HTTP use case, passes through its application's
`_record` (`shared.processing`). There the service's translate function turns each new domain
event into `OutboxRow`s (topic, key, headers, value bytes; a dead letter keeps its original
record's bytes), and the recorder writes them in the same transaction as the events and the
tracking position: a crash between the write and the send loses nothing, and a row is never
written without its events. The relay (`shared.messaging.relay`) reads the rows in id order and
sends the bytes as they are; it never decodes a stored domain event.

Rows get ids in commit order: SQLite serialises its writers, PostgreSQL inserts them after the
events table's exclusive lock (`shared.pgstore`), so a reader that has seen id n never sees a
row below n appear later.

Rows every relay of the store has sent are deleted by the relay (`prune_outbox`, in bounded
chunks, off its sending path): those below the lowest position a relay stored (tracking names
ending in `POSITION_SUFFIX`); the row at that position stays, so ids and the outbox's head
(`max_outbox_id`) keep their meaning. A relay that never stored a position holds nothing back.

Stores written before the outbox existed are moved over once (`install_outbox`): the events the
old relay had not published yet (past its notification-log position) are translated into rows,
in one transaction with a marker in the tracking table, so two replicas starting together do it
once.
"""

from __future__ import annotations

import functools
import json
import threading
from binascii import a2b_base64, b2a_base64
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import orjson
from eventsourcing.persistence import IntegrityError, StoredEvent, Tracking
from eventsourcing.popo import POPOProcessRecorder
from eventsourcing.sqlite import SQLiteCursor, SQLiteProcessRecorder

from shared import topics
from shared.contracts import IntegrationEvent
from shared.logging import get_logger
from shared.messaging import codec
from shared.messaging.deadletter import outgoing_dead_letter
from shared.statements import run_sqlite

log = get_logger(__name__)

POSITION_SUFFIX = ":outbox"  # a relay's position in the tracking table: `<relay name>:outbox`
POSITION_PATTERN = "%" + POSITION_SUFFIX  # SQL LIKE: every relay's position in one store
SEQUENCE_HEADER = "notification_id"  # the row's id, set by the relay (dead letters keep theirs)
MIGRATION_PAGE = 500


@dataclass(frozen=True)
class Outgoing:
    """One integration event bound for one topic under one key."""

    topic: str
    key: str
    event: IntegrationEvent


Translate = Callable[[Any], Iterable[Outgoing]]


@dataclass(frozen=True)
class OutboxRow:
    """One Kafka record, encoded when its domain event was recorded; `id` is the store's."""

    topic: str
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...] = ()
    id: int = 0

    def record_headers(self) -> list[tuple[str, bytes]]:
        """The headers sent: the stored ones, plus the row's id (not on a dead letter's copy)."""
        if self.topic == topics.DEADLETTER:
            return list(self.headers)
        return [*self.headers, (SEQUENCE_HEADER, str(self.id).encode())]


def rows_of(domain_event: Any, translate: Translate) -> list[OutboxRow]:
    """The records one domain event publishes (none for an internal event)."""
    dead = outgoing_dead_letter(domain_event)
    if dead is not None:  # the original record, byte for byte
        return [OutboxRow(dead.topic, dead.key, dead.value, tuple(dead.headers))]
    rows = []
    for out in translate(domain_event):
        headers = tuple(codec.headers(out.event))
        rows.append(OutboxRow(out.topic, out.key.encode(), codec.encode(out.event), headers))
    return rows


def pack_headers(headers: Sequence[tuple[str, bytes]]) -> bytes:
    """Headers as stored: a JSON list of [name, base64 value] (values are any bytes).

    The bytes `json.dumps([[name, base64], …])` writes (its separators, its escapes), the JSON
    of each name looked up once and the base64 text written in as it is (it needs no escape).
    A short header (an event type, a version, a channel: the same few on most records) is
    packed once and kept; a long one (an event id, unique) is packed each time.
    """
    known = _PACKED
    parts = []
    for name, value in headers:
        if type(value) is bytes and len(value) <= _KEPT_VALUE_BYTES:
            part = known.get((name, value))
            if part is None:
                if len(known) >= _KEPT_HEADERS:
                    known.clear()  # bounded: offsets and partitions of dead letters vary
                part = known[name, value] = _packed(name, value)
        else:
            part = _packed(name, value)
        parts.append(part)
    return b"[" + b", ".join(parts) + b"]"


_PACKED: dict[tuple[str, bytes], bytes] = {}
_KEPT_VALUE_BYTES = 32  # an event id's 36 characters are past it
_KEPT_HEADERS = 4096


def _packed(name: str, value: bytes) -> bytes:
    return b"[" + _name_json(name) + b', "' + b2a_base64(value, newline=False) + b'"]'


@functools.lru_cache(maxsize=1024)
def _name_json(name: str) -> bytes:
    return json.dumps(name).encode()


def unpack_headers(data: bytes | memoryview) -> tuple[tuple[str, bytes], ...]:
    """Back from `pack_headers`."""
    return tuple((str(k), a2b_base64(v)) for k, v in orjson.loads(data))


@runtime_checkable
class OutboxRecorder(Protocol):
    """A process recorder that also keeps an outbox (`insert_events(..., outbox=rows)`)."""

    def select_outbox(self, after: int, limit: int) -> list[OutboxRow]: ...

    def track_and_select_outbox(self, tracking: Tracking, limit: int) -> list[OutboxRow]:
        """Store a relay's position (it must advance) and read up to `limit` rows after it, in
        one transaction."""
        ...

    def max_outbox_id(self) -> int: ...

    def max_tracking_id(self, application_name: str) -> int | None: ...

    def prune_outbox(self, limit: int) -> int:
        """Delete at most `limit` rows below every relay's position (the oldest first)."""
        ...


def prune_statement(outbox: str, tracking: str, placeholder: str) -> str:
    """The delete `prune_outbox` runs (SQL for both stores; `placeholder` binds the LIKE pattern
    and the limit): the oldest rows below the lowest position any relay of the store stored."""
    return (
        f"DELETE FROM {outbox} WHERE id IN (SELECT id FROM {outbox} WHERE id < ("
        f"SELECT MIN(position) FROM (SELECT MAX(notification_id) AS position FROM {tracking} "
        f"WHERE application_name LIKE {placeholder} GROUP BY application_name) AS relays) "
        f"ORDER BY id LIMIT {placeholder})"
    )


def more_tracking(kwargs: dict[str, Any]) -> Sequence[Tracking]:
    """The positions a write records besides eventsourcing's `tracking` (other partitions of
    one fetch, `insert_events(..., more_tracking=[...])`): each must advance, as `tracking` must."""
    found: Sequence[Tracking] = kwargs.get("more_tracking") or ()
    return found


class POPOOutboxRecorder(POPOProcessRecorder):
    """The in-memory process recorder with an outbox (tests)."""

    records_more_tracking = True  # `insert_events(..., more_tracking=[...])`

    def __init__(self) -> None:
        super().__init__()
        self._outbox: list[OutboxRow] = []
        self._pruned = 0  # rows deleted from the front: the first row kept has id _pruned + 1

    def _assert_uniqueness(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> None:
        super()._assert_uniqueness(stored_events, **kwargs)
        for tracking in more_tracking(kwargs):
            self._assert_tracking_uniqueness(tracking)

    def _update_table(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Any:
        ids = super()._update_table(stored_events, **kwargs)
        for tracking in more_tracking(kwargs):
            self._insert_tracking(tracking)
        for row in kwargs.get("outbox") or ():
            self._outbox.append(_numbered(row, self.max_outbox_id() + 1))
        return ids

    def select_outbox(self, after: int, limit: int) -> list[OutboxRow]:
        with self._database_lock:
            start = max(after - self._pruned, 0)
            return self._outbox[start : start + limit]

    def track_and_select_outbox(self, tracking: Tracking, limit: int) -> list[OutboxRow]:
        with self._database_lock:
            self.insert_tracking(tracking)
            return self.select_outbox(tracking.notification_id, limit)

    def max_outbox_id(self) -> int:
        with self._database_lock:
            return self._pruned + len(self._outbox)

    def prune_outbox(self, limit: int) -> int:
        with self._database_lock:
            positions = [
                position or 0
                for name, position in self._max_tracking_ids.items()
                if name.endswith(POSITION_SUFFIX)
            ]
            below = min(positions, default=0)
            count = max(0, min(limit, below - 1 - self._pruned))
            del self._outbox[:count]
            self._pruned += count
            return count


class SQLiteOutboxRecorder(SQLiteProcessRecorder):
    """SQLite's process recorder with an outbox table beside the events; a batch's own
    statements (plain tables, `Batch.also_run`) and other partitions' positions
    (`more_tracking`) are written in the same transaction."""

    records_more_tracking = True

    def __init__(self, datastore: Any, *, events_table_name: str = "stored_events") -> None:
        self.outbox_table_name = outbox_table_name(events_table_name)
        super().__init__(datastore, events_table_name=events_table_name)
        table = self.outbox_table_name
        self.insert_outbox_statement = (
            f"INSERT INTO {table} (topic, key, headers, value) VALUES (?, ?, ?, ?)"
        )
        self.select_outbox_statement = (
            f"SELECT id, topic, key, headers, value FROM {table} WHERE id > ? ORDER BY id LIMIT ?"
        )
        self.prune_outbox_statement = prune_statement(table, "tracking", "?")

    def construct_create_table_statements(self) -> list[str]:
        statements = super().construct_create_table_statements()
        statements.append(
            f"CREATE TABLE IF NOT EXISTS {self.outbox_table_name} ("
            "id INTEGER PRIMARY KEY AUTOINCREMENT, topic TEXT NOT NULL, key BLOB, "
            "headers BLOB NOT NULL, value BLOB)"
        )
        return statements

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        returning = super()._insert_events(c, stored_events, **kwargs)
        for tracking in more_tracking(kwargs):  # each fails the write if it does not advance
            self._insert_tracking(c, tracking)
        rows = kwargs.get("outbox") or ()
        if rows:
            c.executemany(
                self.insert_outbox_statement,
                [(r.topic, r.key, pack_headers(r.headers), r.value) for r in rows],
            )
        run_sqlite(c, kwargs.get("statements", ()))  # a batch's table rows (`Batch.also_run`)
        return returning

    def select_outbox(self, after: int, limit: int) -> list[OutboxRow]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(self.select_outbox_statement, (after, limit))
            return [row_of(r) for r in c.fetchall()]

    def track_and_select_outbox(self, tracking: Tracking, limit: int) -> list[OutboxRow]:
        with self.datastore.transaction(commit=True) as c:
            self._insert_tracking(c, tracking)
            c.execute(self.select_outbox_statement, (tracking.notification_id, limit))
            return [row_of(r) for r in c.fetchall()]

    def max_outbox_id(self) -> int:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT MAX(id) FROM {self.outbox_table_name}")
            found = c.fetchone()[0]
            return int(found or 0)

    def prune_outbox(self, limit: int) -> int:
        with self.datastore.transaction(commit=True) as c:
            c.execute(self.prune_outbox_statement, (POSITION_PATTERN, limit))
            return int(c.sqlite_cursor.rowcount)


def outbox_table_name(events_table_name: str) -> str:
    """`<application>_events` keeps its outbox in `<application>_outbox`."""
    base = events_table_name.removesuffix("_events")
    return f"{base}_outbox"


def _numbered(row: OutboxRow, id_: int) -> OutboxRow:
    return OutboxRow(row.topic, row.key, row.value, row.headers, id_)


def row_of(found: Any) -> OutboxRow:
    """A stored row as an `OutboxRow`: `found` holds (id, topic, key, headers, value) in that
    order (a tuple, or SQLite's row)."""
    id_, topic, key, headers, value = found
    return OutboxRow(
        topic,
        None if key is None else bytes(key),
        None if value is None else bytes(value),
        unpack_headers(headers),
        int(id_),
    )


def with_outbox(recorder: Any) -> Any:
    """The application's process recorder, able to keep an outbox (same store, same tables)."""
    from eventsourcing.postgres import PostgresProcessRecorder

    from shared.pgstore import OneTripProcessRecorder

    if isinstance(recorder, OutboxRecorder):
        return recorder
    if type(recorder) is POPOProcessRecorder:
        return POPOOutboxRecorder()
    if type(recorder) is SQLiteProcessRecorder:
        upgraded: Any = SQLiteOutboxRecorder(
            recorder.datastore, events_table_name=recorder.events_table_name
        )
    elif type(recorder) is PostgresProcessRecorder:
        upgraded = OneTripProcessRecorder(
            recorder.datastore,
            events_table_name=recorder.events_table_name,
            tracking_table_name=recorder.tracking_table_name,
        )
    else:
        return recorder  # not a process recorder: no outbox (nothing is relayed)
    upgraded.create_table()
    return upgraded


class Pending:
    """The events being recorded now, by aggregate, for a translation that reads the aggregate."""

    def __init__(self) -> None:
        self._local = threading.local()

    def events(self, aggregate_id: Any) -> list[Any]:
        found: dict[Any, list[Any]] = getattr(self._local, "events", {})
        return found.get(aggregate_id, [])

    def set(self, events: Iterable[Any]) -> None:
        grouped: dict[Any, list[Any]] = {}
        for event in events:
            grouped.setdefault(event.originator_id, []).append(event)
        self._local.events = grouped

    def clear(self) -> None:
        self._local.events = {}


def migration_marker(app: Any) -> str:
    """The tracking row that says a store's unpublished events were moved to the outbox."""
    return f"outbox-migrated:{app.name}"


def install_outbox(app: Any, translate: Translate, legacy_relay: str) -> None:
    """From now on `app` writes outbox rows; once per store, move what the old relay left.

    `legacy_relay` is the tracking name under which a relay of the notification log (before the
    outbox) stored its position: the events after it were recorded but never published.
    """
    if getattr(app, "outbox_translate", None) is not None:
        return
    recorder = app.recorder
    if not isinstance(recorder, OutboxRecorder):
        raise TypeError(f"{type(recorder).__name__} keeps no outbox")
    marker = migration_marker(app)
    if recorder.max_tracking_id(marker) is None:
        _migrate(app, translate, legacy_relay, marker)
    app.outbox_translate = translate


def _migrate(app: Any, translate: Translate, legacy_relay: str, marker: str) -> None:
    start = app.recorder.max_tracking_id(legacy_relay) or 0
    rows: list[OutboxRow] = []
    events = 0
    while notifications := app.recorder.select_notifications(
        start, MIGRATION_PAGE, inclusive_of_start=False
    ):
        for notification in notifications:
            rows.extend(rows_of(app.mapper.to_domain_event(notification), translate))
        events += len(notifications)
        start = notifications[-1].id
    try:  # the marker is a constant: a second writer changes no row and fails
        app.recorder.insert_events([], tracking=Tracking(marker, 1), outbox=rows)
    except IntegrityError:
        log.info("outbox-migrated-elsewhere", application=app.name)
        return
    log.info("outbox-migrated", application=app.name, events=events, rows=len(rows))
