"""Many rows into one table with one statement: the read model's bulk writes.

On PostgreSQL the rows travel as one binary array per column (`INSERT .. SELECT * FROM unnest(..)`):
one statement and one round trip whatever the number of rows. On SQLite (in process, no round
trips) they go as one `executemany`. Either way each value is first converted by its column
type's own SQLAlchemy bind processor, so the stored values are those a plain insert would store.
An `upsert_on` key overwrites the rows already there (`ON CONFLICT .. DO UPDATE`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Dialect, Table

Row = dict[str, Any]
Processor = Callable[[Any], Any] | None


class UnsupportedDialect(Exception):
    """The read model's database is neither PostgreSQL nor SQLite."""


def write_rows(
    conn: Connection, table: Table, rows: Sequence[Row], *, upsert_on: tuple[str, ...] = ()
) -> None:
    """Insert every row (each has every column); with `upsert_on`, overwrite the ones there."""
    if not rows:
        return
    dialect = conn.dialect
    names, processors, sql = _plan(dialect, table, upsert_on)
    values = [
        tuple([value if p is None else p(value) for value, p in zip(each, processors, strict=True)])
        for each in ([row[name] for name in names] for row in rows)
    ]
    if dialect.name == "postgresql":
        conn.exec_driver_sql(sql, tuple(list(column) for column in zip(*values, strict=True)))
    else:
        conn.exec_driver_sql(sql, values)


@lru_cache(maxsize=64)
def _plan(
    dialect: Dialect, table: Table, upsert_on: tuple[str, ...]
) -> tuple[list[str], list[Processor], str]:
    """The columns, their bind processors and the statement, once per dialect and table."""
    names = [column.name for column in table.c]
    processors: list[Processor] = [
        column.type.dialect_impl(dialect).bind_processor(dialect) for column in table.c
    ]
    quote = dialect.identifier_preparer.quote
    into = f"INSERT INTO {quote(table.name)} ({', '.join(map(quote, names))}) "
    if dialect.name == "postgresql":
        arrays = ", ".join(f"%b::{_array_type(dialect, column)}" for column in table.c)
        sql = f"{into}SELECT * FROM unnest({arrays})"
    elif dialect.name == "sqlite":
        sql = f"{into}VALUES ({', '.join('?' for _ in names)})"
    else:
        raise UnsupportedDialect(f"bulk writes know PostgreSQL and SQLite, not {dialect.name}")
    if upsert_on:
        changed = [f"{quote(n)} = excluded.{quote(n)}" for n in names if n not in upsert_on]
        key = ", ".join(map(quote, upsert_on))
        sql += f" ON CONFLICT ({key}) DO UPDATE SET {', '.join(changed)}"
    return names, processors, sql


def _array_type(dialect: Dialect, column: Any) -> str:
    """The array type of a column, without a length (a cast to varchar(n) would cut, not fail)."""
    return re.sub(r"\(\d+\)", "", column.type.compile(dialect=dialect)) + "[]"
