"""Many aggregates' stored events in one query: the latest snapshot of each and the events after.

The batch preload (`shared.processing`) reads every aggregate a batch's policies may load with one
statement instead of one or two per aggregate. On PostgreSQL the ids are written into the text
as literals (`originator_id IN ('…'::uuid, …)`, `shared.sqltext`: no cursor, no parameter
dumped element by element); SQLite binds them as one JSON text (`IN (SELECT value FROM
json_each(?))`), so no batch can reach SQLite's limit on bound variables. Any other recorder (the
in-memory one of the unit tests) is read aggregate by aggregate, which costs no round trip.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any, NamedTuple
from uuid import UUID

from eventsourcing.persistence import AggregateRecorder, StoredEvent


class Stored(NamedTuple):
    """One aggregate as stored: its latest snapshot (if any) and the events after it."""

    snapshot: StoredEvent | None
    events: list[StoredEvent]


def select_many(
    events: AggregateRecorder, snapshots: AggregateRecorder | None, ids: Collection[UUID]
) -> dict[UUID, Stored]:
    """The stored aggregates among `ids` (absent ones are left out), in one query."""
    if not ids:
        return {}
    rows = _rows(events, snapshots, ids)
    found: dict[UUID, Stored] = {}
    for is_snapshot, stored in rows:
        key = UUID(str(stored.originator_id))
        entry = found.setdefault(key, Stored(None, []))
        if is_snapshot:
            found[key] = Stored(stored, entry.events)
        else:
            entry.events.append(stored)
    for entry in found.values():
        entry.events.sort(key=lambda e: e.originator_version)
    return found


def _rows(
    events: AggregateRecorder, snapshots: AggregateRecorder | None, ids: Collection[UUID]
) -> list[tuple[bool, StoredEvent]]:
    from eventsourcing.postgres import PostgresAggregateRecorder
    from eventsourcing.sqlite import SQLiteAggregateRecorder

    for kind, read in ((PostgresAggregateRecorder, _postgres), (SQLiteAggregateRecorder, _sqlite)):
        if isinstance(events, kind) and _beside(snapshots, events, kind):
            return read(events, snapshots, ids)
    return _one_by_one(events, snapshots, ids)


def _beside(snapshots: AggregateRecorder | None, events: Any, kind: type[Any]) -> bool:
    """Snapshots kept in the same database as the events (or none at all)."""
    return snapshots is None or (
        isinstance(snapshots, kind) and getattr(snapshots, "datastore", None) is events.datastore
    )


def _postgres(events: Any, snapshots: Any, ids: Collection[UUID]) -> list[tuple[bool, StoredEvent]]:
    """One query text (the ids written in as literals), its rows loaded by psycopg's loaders."""
    from shared.sqltext import Literals, select_rows

    uuids = events.datastore.originator_id_type == "uuid"
    with events.datastore.get_connection() as conn:
        literals = Literals(conn)
        wanted = b", ".join([literals.value(i if uuids else str(i)) for i in ids])
        rows = select_rows(conn, _statement(events, snapshots, conn).replace(_IDS, wanted))
    return [
        (snapshot, StoredEvent(originator_id, version, topic, bytes(state)))
        for snapshot, originator_id, version, topic, state in rows
    ]


_IDS = b"/*ids*/"


def _statement(events: Any, snapshots: Any, conn: Any) -> bytes:
    """The select's text for these tables (rendered once), the ids' place marked `_IDS`."""
    key = (events.events_table_name, snapshots.events_table_name if snapshots else None)
    cache: dict[Any, bytes] = events.__dict__.setdefault("_preload_statements", {})
    found = cache.get(key)
    if found is None:
        found = cache[key] = _render(events, snapshots).as_bytes(conn)
    return found


def _render(events: Any, snapshots: Any) -> Any:
    from psycopg.sql import SQL, Identifier

    schema = Identifier(events.datastore.schema)
    table = Identifier(events.events_table_name)
    ids = SQL(_IDS.decode())
    if snapshots is None:
        return SQL(
            "SELECT false AS snapshot, originator_id, originator_version, topic, state "
            "FROM {schema}.{table} WHERE originator_id IN ({ids})"
        ).format(schema=schema, table=table, ids=ids)
    return SQL(
        "WITH snap AS (SELECT DISTINCT ON (originator_id) originator_id, originator_version, "
        "topic, state FROM {schema}.{snapshots} WHERE originator_id IN ({ids}) "
        "ORDER BY originator_id, originator_version DESC) "
        "SELECT true AS snapshot, originator_id, originator_version, topic, state FROM snap "
        "UNION ALL "
        "SELECT false, e.originator_id, e.originator_version, e.topic, e.state "
        "FROM {schema}.{table} e LEFT JOIN snap s ON s.originator_id = e.originator_id "
        "WHERE e.originator_id IN ({ids}) "
        "AND e.originator_version > COALESCE(s.originator_version, 0)"
    ).format(schema=schema, table=table, snapshots=Identifier(snapshots.events_table_name), ids=ids)


def _sqlite(events: Any, snapshots: Any, ids: Collection[UUID]) -> list[tuple[bool, StoredEvent]]:
    table = events.events_table_name
    if snapshots is None:
        statement = (
            "SELECT 0 AS snapshot, originator_id, originator_version, topic, state "
            f"FROM {table} WHERE originator_id IN (SELECT value FROM json_each(?))"
        )
        params: list[str] = [json.dumps([i.hex for i in ids])]
    else:
        snaps = snapshots.events_table_name
        statement = (
            "WITH wanted(id) AS (SELECT value FROM json_each(?)), "
            f"latest AS (SELECT originator_id, MAX(originator_version) AS v FROM {snaps} "
            "WHERE originator_id IN (SELECT id FROM wanted) GROUP BY originator_id) "
            "SELECT 1 AS snapshot, s.originator_id, s.originator_version, s.topic, s.state "
            f"FROM {snaps} s JOIN latest l "
            "ON s.originator_id = l.originator_id AND s.originator_version = l.v "
            "UNION ALL "
            "SELECT 0, e.originator_id, e.originator_version, e.topic, e.state "
            f"FROM {table} e LEFT JOIN latest l ON l.originator_id = e.originator_id "
            "WHERE e.originator_id IN (SELECT id FROM wanted) "
            "AND e.originator_version > COALESCE(l.v, 0)"
        )
        params = [json.dumps([i.hex for i in ids])]
    with events.datastore.transaction(commit=False) as c:
        c.execute(statement, params)
        return [
            (
                bool(row["snapshot"]),
                StoredEvent(
                    originator_id=events.convert_originator_id(row["originator_id"]),
                    originator_version=row["originator_version"],
                    topic=row["topic"],
                    state=row["state"],
                ),
            )
            for row in c.fetchall()
        ]


def _one_by_one(
    events: AggregateRecorder, snapshots: AggregateRecorder | None, ids: Collection[UUID]
) -> list[tuple[bool, StoredEvent]]:
    rows: list[tuple[bool, StoredEvent]] = []
    for aggregate_id in ids:
        after = None
        if snapshots is not None:
            latest = snapshots.select_events(aggregate_id, desc=True, limit=1)
            rows.extend((True, s) for s in latest)
            after = latest[0].originator_version if latest else None
        rows.extend((False, e) for e in events.select_events(aggregate_id, gt=after))
    return rows
