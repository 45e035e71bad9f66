"""Many rows into one table with one statement: the read model's bulk writes.

On PostgreSQL new rows are copied in (`COPY .. FROM STDIN` in the binary format, each row
formatted by psycopg's C code); rows that may be there already (an `upsert_on` key, which
overwrites them with `ON CONFLICT .. DO UPDATE`) travel as one binary array per column
(`INSERT .. SELECT * FROM unnest(..)`). Either is one statement whatever the number of rows.
On SQLite (in process, no round trips) they go as one `executemany`. Each value (but None) is
first converted by its column type's own SQLAlchemy bind processor: stored values are those
plain inserts store.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from typing import Any

import psycopg
from sqlalchemy import Connection, DateTime, Dialect, Float, Table, Uuid
from sqlalchemy.exc import DBAPIError

Row = dict[str, Any]
# Moments and ids converted in one batch, per column type:
# {repr of the type: {id of a value: (the value, its bound value)}}.
Converted = dict[str, dict[int, tuple[Any, Any]]]


class UnsupportedDialect(Exception):
    """The read model's database is neither PostgreSQL nor SQLite."""


@dataclass(frozen=True)
class _Plan:
    """How one table's rows are written on one dialect."""

    names: tuple[str, ...]
    converted: tuple[tuple[int, Callable[[Any], Any]], ...]  # columns with a bind processor
    # Those holding moments or ids (costly to convert, repeated): with their type (as text).
    recurring: tuple[tuple[int, Callable[[Any], Any], str], ...]
    sql: str
    types: tuple[str, ...] = ()  # PostgreSQL's type of each column, for a COPY


def write_rows(
    conn: Connection,
    table: Table,
    rows: Sequence[Row],
    *,
    upsert_on: tuple[str, ...] = (),
    converted: Converted | None = None,
) -> None:
    """Insert every row (each has every column); with `upsert_on`, overwrite the ones there.

    `converted` keeps the moments and ids converted by earlier writes of the same batch (the same
    moment or case id lands in several tables): each distinct object is converted once.
    """
    if not rows:
        return
    names = _plan(conn.dialect, table, upsert_on).names
    write_values(conn, table, list(map(itemgetter(*names), rows)), upsert_on, converted)


def write_values(
    conn: Connection,
    table: Table,
    rows: Sequence[Sequence[Any]],
    upsert_on: tuple[str, ...] = (),
    converted: Converted | None = None,
) -> None:
    """`write_rows` for rows given as values in the table's column order (none made a dict)."""
    if not rows:
        return
    dialect = conn.dialect
    plan = _plan(dialect, table, upsert_on)
    # Column by column (tuples; a converted column becomes a new list).
    columns: list[Sequence[Any]] = list(zip(*rows, strict=True))
    for index, convert in plan.converted:
        columns[index] = [None if value is None else convert(value) for value in columns[index]]
    memo: Converted = {} if converted is None else converted
    for index, convert, kind in plan.recurring:  # these recur in a batch: each converted once
        columns[index] = _recurring(columns[index], convert, memo.setdefault(kind, {}))
    if dialect.name != "postgresql":
        conn.exec_driver_sql(plan.sql, list(zip(*columns, strict=True)))
    elif upsert_on:
        arrays = tuple(c if isinstance(c, list) else list(c) for c in columns)  # not tuples
        conn.exec_driver_sql(plan.sql, arrays)
    else:
        _copy(conn, plan, zip(*columns, strict=True))


def _recurring(
    column: Sequence[Any], convert: Callable[[Any], Any], done: dict[int, tuple[Any, Any]]
) -> list[Any]:
    """The column's values converted, each object once (by identity).

    A case's row, its history rows and its timeline lines hold the same moment and id objects;
    equal values that are different objects (each event read from the store has its own) are
    converted again: cheaper than comparing them, as a lookup by value does (an aware
    datetime's equality computes both offsets, a UUID's is Python code). `done` keeps each
    object with its converted value, so its id cannot be reused while the batch lasts.
    """
    found = done.get
    bound: list[Any] = []
    add = bound.append
    for value in column:
        if value is None:
            add(None)
            continue
        known = found(id(value))
        if known is None:
            known = done[id(value)] = (value, convert(value))
        add(known[1])
    return bound


def _copy(conn: Connection, plan: _Plan, rows: Iterable[tuple[Any, ...]]) -> None:
    """Copy the rows in; a failure is raised as SQLAlchemy raises its own statements' (a
    database that went away is an `OperationalError`, a value it refuses a `DataError`)."""
    raw: Any = conn.connection.driver_connection  # psycopg's own connection
    try:
        with raw.cursor() as cursor, cursor.copy(plan.sql) as copy:
            copy.set_types(plan.types)
            for row in rows:
                copy.write_row(row)
    except psycopg.Error as error:
        raise DBAPIError.instance(
            plan.sql,
            None,
            error,
            psycopg.Error,
            connection_invalidated=bool(raw.broken or raw.closed),  # as SQLAlchemy tells
        ) from error


@lru_cache(maxsize=64)
def _plan(dialect: Dialect, table: Table, upsert_on: tuple[str, ...]) -> _Plan:
    """The columns, their bind processors and the statement, once per dialect and table."""
    names = tuple(column.name for column in table.c)
    converted: list[tuple[int, Callable[[Any], Any]]] = []
    recurring: list[tuple[int, Callable[[Any], Any], str]] = []
    for index, column in enumerate(table.c):
        processor = column.type.dialect_impl(dialect).bind_processor(dialect)
        if processor is None:
            continue
        if _recurs(column.type):
            recurring.append((index, processor, repr(column.type)))
        else:
            converted.append((index, processor))
    quote = dialect.identifier_preparer.quote
    listed = f"{quote(table.name)} ({', '.join(map(quote, names))})"
    into = f"INSERT INTO {listed} "
    if dialect.name == "postgresql" and not upsert_on:
        sql = f"COPY {listed} FROM STDIN (FORMAT BINARY)"
        types = tuple(_copy_type(dialect, column) for column in table.c)
        return _Plan(names, tuple(converted), tuple(recurring), sql, types)
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
    return _Plan(names, tuple(converted), tuple(recurring), sql)


def _recurs(kind: Any) -> bool:
    """A datetime column (or a type decorating one, whose `python_type` SQLAlchemy cannot tell),
    or a UUID one (a case's id is in each of its rows)."""
    return isinstance(kind, DateTime | Uuid) or isinstance(getattr(kind, "impl", None), DateTime)


def _copy_type(dialect: Dialect, column: Any) -> str:
    """The name psycopg knows a column's type by (SQLAlchemy's FLOAT is PostgreSQL's float8)."""
    if isinstance(column.type, Float):
        return "float8"
    return re.sub(r"\(\d+\)", "", column.type.compile(dialect=dialect)).lower()


def _array_type(dialect: Dialect, column: Any) -> str:
    """The array type of a column, without a length (a cast to varchar(n) would cut, not fail)."""
    return re.sub(r"\(\d+\)", "", column.type.compile(dialect=dialect)) + "[]"
