"""The read model's secondary indexes, dropped while a replay fills emptied tables.

Maintaining a dozen indexes row by row (a GIN trigram index among them on PostgreSQL, the
cases' rows rewritten as their events arrive) cost about half the database's work of a
rebuild; building them once over the finished tables costs a fraction of that. A reset drops
them (`drop_secondary`), the projector builds them again when its replay reaches the end of
the log (`restore`), and every start restores any a crash left out (`migrate`). Primary keys
stay: the replay's upserts need them. The indexes are the tables' own (`tables.py`, which the
migrations match), so the rebuilt read model has the very indexes it had.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, Table


def drop_secondary(conn: Connection, tables: Iterable[Table]) -> None:
    """Drop the tables' secondary indexes that exist (none missing is an error)."""
    for table in tables:
        for index in sorted(table.indexes, key=_name):
            index.drop(conn, checkfirst=True)


def restore(conn: Connection, tables: Iterable[Table]) -> None:
    """Create the tables' secondary indexes that are missing (each for its dialect only)."""
    for table in tables:
        for index in sorted(table.indexes, key=_name):
            index.create(conn, checkfirst=True)


def _name(index: object) -> str:
    return str(getattr(index, "name", ""))
