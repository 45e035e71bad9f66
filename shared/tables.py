"""Plain tables beside a service's event store, written in the transaction of a batch's events.

Indexes, counters and claims are not history: a context keeps them as tables in its event
store's own database and writes their rows with the statements a batch runs in the transaction
of its events and its position (`Batch.also_run`). Reads go to the same database directly. An
in-memory event store (unit tests) keeps them in an in-memory SQLite database and runs a batch's
statements once its events are recorded.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Protocol

from eventsourcing.application import Application
from eventsourcing.persistence import ProcessRecorder
from eventsourcing.utils import get_topic

from shared.processing import Statement
from shared.statements import ColumnCache, grouped, pyformat, run_sqlite, send_postgres


class Database(Protocol):
    """Where the tables live: reads, and statements run outside a batch."""

    def read(self, sql: str, params: Mapping[str, Any]) -> list[dict[str, Any]]: ...

    def run(self, statements: Sequence[Statement]) -> None: ...


class SqliteDatabase:
    """The SQLite file (or memory database) of the event store."""

    def __init__(self, datastore: Any) -> None:
        self._datastore = datastore

    def read(self, sql: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        with self._datastore.transaction(commit=False) as c:
            c.execute(sql, dict(params))
            return [dict(row) for row in c.fetchall()]

    def run(self, statements: Sequence[Statement]) -> None:
        with self._datastore.transaction(commit=True) as c:
            run_sqlite(c, statements)


class PostgresDatabase:
    """The PostgreSQL database of the event store."""

    def __init__(self, datastore: Any) -> None:
        self._datastore = datastore
        self._columns = ColumnCache()

    def read(self, sql: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        with self._datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(pyformat(sql), dict(params))
            rows: list[Any] = curs.fetchall()  # the pool's rows are dicts already
            return rows if not rows or type(rows[0]) is dict else [dict(r) for r in rows]

    def run(self, statements: Sequence[Statement]) -> None:
        groups = grouped(statements)
        with self._datastore.get_connection() as conn:
            self._columns.describe(conn, groups)
            with conn.transaction(), conn.cursor() as curs:
                send_postgres(curs, groups, self._columns.known)

    def vacuum(self, table: str) -> None:
        """Rewrite a table's pages so deleted rows leave no copy (the pool's connections
        autocommit, as VACUUM needs)."""
        with self._datastore.get_connection() as conn:
            conn.execute(f"VACUUM {table}")  # a table name of ours, never input


class MemoryDatabase:
    """An in-memory SQLite database, for an in-memory event store."""

    def __init__(self) -> None:
        self._conn = sqlite3.connect(":memory:", check_same_thread=False)
        self._conn.row_factory = sqlite3.Row
        self._lock = threading.Lock()

    def read(self, sql: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(row) for row in self._conn.execute(sql, dict(params)).fetchall()]

    def run(self, statements: Sequence[Statement]) -> None:
        with self._lock, self._conn:
            run_sqlite(self._conn.cursor(), statements)


def database_of(recorder: ProcessRecorder) -> tuple[Database, bool]:
    """The event store's own database, and whether batches write to it in their transaction."""
    from eventsourcing.postgres import PostgresRecorder
    from eventsourcing.sqlite import SQLiteRecorder

    from shared.messaging.outbox import SQLiteOutboxRecorder
    from shared.pgstore import OneTripProcessRecorder

    if isinstance(recorder, OneTripProcessRecorder | SQLiteOutboxRecorder):
        datastore = recorder.datastore
        if isinstance(recorder, PostgresRecorder):
            return PostgresDatabase(datastore), True
        return SqliteDatabase(datastore), True
    if isinstance(recorder, PostgresRecorder | SQLiteRecorder):
        raise TypeError(f"{type(recorder).__name__} cannot write tables with its events")
    return MemoryDatabase(), False


PAGE = 1000  # stored events read per query by a migration


def in_list(prefix: str, values: Sequence[str]) -> tuple[str, dict[str, Any]]:
    """`:p0, :p1, …` and their parameters, for `WHERE x IN (…)`."""
    params = {f"{prefix}{i}": value for i, value in enumerate(values)}
    return ", ".join(f":{name}" for name in params), params


# Values per `IN (…)` list off PostgreSQL. psycopg parses a query text once and keeps it only
# up to 50 parameters (`MAX_CACHED_STATEMENT_PARAMS`); a longer list is parsed in Python on every
# read (about 0.6 ms at 64 values, 1.5 ms at 256), so on PostgreSQL a list is one array instead.
IN_CHUNK = 32


def chunks(values: Sequence[str], size: int) -> Iterator[list[str]]:
    """A long `IN (…)` list in parts of at most `size`, each padded to a power of two by
    repeating its last value (the same rows): a few texts, again and again, parsed once."""
    for start in range(0, len(values), size):
        chunk = list(values[start : start + size])
        yield chunk + chunk[-1:] * ((1 << (len(chunk) - 1).bit_length()) - len(chunk))


def read_in(
    db: Database, sql: str, values: Sequence[str], params: Mapping[str, Any] | None = None
) -> list[dict[str, Any]]:
    """The rows of `sql` whose `{in}` (written as `column {in}`) holds one of `values`.

    On PostgreSQL one query over an array (`= ANY(…)`: one text whatever their number, parsed
    once by the driver); elsewhere an `IN (…)` list per `IN_CHUNK` of them, padded, so that a
    few texts repeat.
    """
    if not values:
        return []
    if isinstance(db, PostgresDatabase):
        array = {**(params or {}), "in_values": list(values)}
        return db.read(sql.replace("{in}", "= ANY(:in_values)"), array)
    rows: list[dict[str, Any]] = []
    for chunk in chunks(values, IN_CHUNK):
        names, found = in_list("in_", chunk)
        rows += db.read(sql.replace("{in}", f"IN ({names})"), {**(params or {}), **found})
    return rows


def stored_events(app: Application, cls: type[Any], name: str) -> Iterator[Any]:
    """Every stored event of one of an aggregate's event classes, oldest first (migrations)."""
    topic, start = f"{get_topic(cls)}.{name}", 1
    while True:
        page = app.recorder.select_notifications(start, PAGE, topics=[topic])
        yield from (app.mapper.to_domain_event(n) for n in page)
        if len(page) < PAGE:
            return
        start = page[-1].id + 1


class Migrations:
    """A context's table of one-time migrations that ran (a name each, noted in the migration's
    own transaction)."""

    def __init__(self, db: Database, table: str) -> None:
        self._db = db
        self._table = table  # a table name of ours, never input

    def ran(self, name: str) -> bool:
        """Whether a migration of this name ran."""
        rows = self._db.read(f"SELECT name FROM {self._table} WHERE name = :n", {"n": name})
        return bool(rows)

    def mark(self, name: str) -> Statement:
        """The statement that notes a migration ran."""
        return Statement(
            f"INSERT INTO {self._table} (name) VALUES (:n) ON CONFLICT DO NOTHING", {"n": name}
        )
