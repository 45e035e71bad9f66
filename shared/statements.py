"""A batch's table statements (`Batch.also_run`), run as few times as their meaning allows.

A batch of 200 messages adds a few statements per message, most of them the same SQL text with
other parameters. Run one by one, each costs a parse, a conversion and a send. Here they are
grouped: a statement joins the last group of its SQL text unless a statement after that group
touches one of its tables (then it starts a group of its own), so every table still sees its
statements in the order they were added and the outcome is the one of running them one by one.
A statement whose tables cannot be read from its text (not a plain INSERT, UPDATE or DELETE)
is a barrier nothing moves across. This holds because the tables kept beside the events have no
foreign keys or triggers between them: a table whose statements reach another one by such means
must not be written with `Batch.also_run`.

A group runs as one `executemany`; on PostgreSQL a group of plain inserts (`INSERT INTO t (…)
VALUES (:a, …)`, optionally `ON CONFLICT … DO NOTHING`) or of deletes by one column
(`DELETE FROM t WHERE c = :a`) runs as one set-based statement over arrays instead, its values
cast to the columns' types as a single statement's would be.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol


class Runnable(Protocol):
    """A statement with `:name` parameters (`shared.processing.Statement`)."""

    @property
    def sql(self) -> str: ...

    @property
    def params(self) -> Mapping[str, Any]: ...


@dataclass
class Group:
    """Statements of one SQL text that may run together, in the order they were added."""

    sql: str
    params: list[Mapping[str, Any]] = field(default_factory=list)


_NAMED = re.compile(r"(?<![:\w]):(\w+)")
_WRITE = re.compile(r"(?is)^\s*(?:INSERT|DELETE|UPDATE)\b")
_TABLE = re.compile(r"(?i)\b(?:INTO|FROM|UPDATE|JOIN|TABLE|USING)\s+([\w.\"]+)")
_INSERT = re.compile(
    r"(?is)^\s*INSERT\s+INTO\s+([\w.]+)\s*\(([^()]*)\)\s*VALUES\s*\(([^()]*)\)\s*"
    r"(ON\s+CONFLICT\s*(?:\([^()]*\)\s*)?DO\s+NOTHING)?\s*$"
)
_DELETE = re.compile(r"(?is)^\s*DELETE\s+FROM\s+([\w.]+)\s+WHERE\s+(\w+)\s*=\s*:(\w+)\s*$")
_PARAM = re.compile(r"^:(\w+)$")


@functools.lru_cache(maxsize=4096)
def pyformat(sql: str) -> str:
    """A statement with `:name` parameters (SQLite's style) in psycopg's `%(name)s` style."""
    return _NAMED.sub(r"%(\1)s", sql)


@functools.lru_cache(maxsize=4096)
def touched(sql: str) -> frozenset[str] | None:
    """The tables a statement reads or writes (None: not known, so it may touch any)."""
    if not _WRITE.match(sql):
        return None
    found = frozenset(name.strip('"').lower() for name in _TABLE.findall(sql))
    return found or None


def grouped(statements: Sequence[Runnable]) -> list[Group]:
    """The statements in groups of one SQL text, each table's statements still in order."""
    groups: list[Group] = []
    last_of_sql: dict[str, int] = {}
    last_on_table: dict[str, int] = {}
    barrier = -1  # the last group whose tables are unknown
    for statement in statements:
        sql = statement.sql
        tables = touched(sql)
        at = last_of_sql.get(sql)
        if at is not None and tables is not None and barrier <= at:
            for table in tables:  # no later group touched one of its tables
                if last_on_table[table] > at:
                    break
            else:
                groups[at].params.append(statement.params)
                continue
        at = last_of_sql[sql] = len(groups)
        groups.append(Group(sql, [statement.params]))
        if tables is None:
            barrier = at
        else:
            for table in tables:
                last_on_table[table] = at
    return groups


def run_sqlite(cursor: Any, statements: Sequence[Runnable]) -> None:
    """Run the statements on a SQLite cursor, one `executemany` per group."""
    for group in grouped(statements):
        if len(group.params) == 1:
            cursor.execute(group.sql, dict(group.params[0]))
        else:
            cursor.executemany(group.sql, [dict(p) for p in group.params])


# -- PostgreSQL ---------------------------------------------------------------------------------

ColumnTypes = Mapping[str, Mapping[str, str]]  # table -> column -> type (format_type)

_ARRAY_OF = {str: "text", float: "float8", int: "int8", bool: "boolean"}
_INT8 = range(-(2**63), 2**63)


@dataclass(frozen=True)
class SetBased:
    """How a group runs as one statement: the table, its columns and the parameter names."""

    kind: str  # "insert" | "delete"
    table: str
    columns: tuple[str, ...]
    names: tuple[str, ...]
    tail: str = ""


@functools.lru_cache(maxsize=1024)
def set_based(sql: str) -> SetBased | None:
    """Whether a group of this SQL text can run as one statement over arrays."""
    insert = _INSERT.match(sql)
    if insert is not None:
        columns = tuple(c.strip().lower() for c in insert.group(2).split(","))
        values = [_PARAM.match(v.strip()) for v in insert.group(3).split(",")]
        if len(columns) != len(values) or any(v is None for v in values):
            return None
        names = tuple(v.group(1) for v in values if v is not None)
        return SetBased("insert", insert.group(1).lower(), columns, names, insert.group(4) or "")
    delete = _DELETE.match(sql)
    if delete is not None:
        table, column, name = delete.groups()
        return SetBased("delete", table.lower(), (column.lower(),), (name,))
    return None


def tables_to_describe(groups: Sequence[Group], known: ColumnTypes) -> set[str]:
    """Tables whose column types a set-based group needs and `known` lacks."""
    wanted: set[str] = set()
    for group in groups:
        shape = set_based(group.sql) if len(group.params) > 1 else None
        if shape is not None:
            have = known.get(shape.table, {})
            if any(c not in have for c in shape.columns):
                wanted.add(shape.table)
    return wanted


DESCRIBE = (
    "SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type "
    "FROM pg_attribute a WHERE a.attrelid = to_regclass(%s) AND a.attnum > 0 "
    "AND NOT a.attisdropped"
)


def _array_type(values: Sequence[Any]) -> str | None:
    kinds = {type(v) for v in values if v is not None}
    if not kinds:
        return "text"
    if len(kinds) > 1:
        return None
    kind = kinds.pop()
    if kind is int and not all(v in _INT8 for v in values if v is not None):
        return None
    return _ARRAY_OF.get(kind)


def _set_statement(group: Group, shape: SetBased, columns: Mapping[str, str]) -> Any:
    """The one statement and its arrays, or None when a value or a type does not allow it."""
    arrays: list[list[Any]] = []
    kinds: list[str] = []
    targets: list[str] = []
    for column, name in zip(shape.columns, shape.names, strict=True):
        target = columns.get(column)
        if target is None or "(" in target:  # a length or precision: keep its checks
            return None
        values = [p[name] for p in group.params]
        array = _array_type(values)
        if array is None or (array == "boolean") != (target == "boolean"):
            return None
        arrays.append(values)
        kinds.append(array)
        targets.append(target)
    return _set_sql(shape, tuple(kinds), tuple(targets)), arrays


def _quoted(name: str) -> str:
    return ".".join(f'"{part}"' for part in name.split("."))  # word characters only (regex)


@functools.lru_cache(maxsize=1024)
def _set_sql(shape: SetBased, kinds: tuple[str, ...], targets: tuple[str, ...]) -> str:
    """The set-based statement's text (built once per shape and types)."""
    arrays = [f"%b::{kind}[]" for kind in kinds]
    if shape.kind == "delete":
        column = _quoted(shape.columns[0])
        return (
            f"DELETE FROM {_quoted(shape.table)} "
            f"WHERE {column} = ANY(CAST({arrays[0]} AS {targets[0]}[]))"
        )
    aliases = [f"p{i}" for i in range(len(arrays))]
    selected = ", ".join(f"{a}::{t}" for a, t in zip(aliases, targets, strict=True))
    columns = ", ".join(_quoted(c) for c in shape.columns)
    return (
        f"INSERT INTO {_quoted(shape.table)} ({columns}) SELECT {selected} "
        f"FROM unnest({', '.join(arrays)}) AS u({', '.join(aliases)}) {shape.tail}"
    )


def send_postgres(cursor: Any, groups: Sequence[Group], known: ColumnTypes) -> None:
    """Send grouped statements on a PostgreSQL cursor (in a pipeline): a group as one statement
    over arrays where its shape allows, else as one `executemany`."""
    for group in groups:
        if len(group.params) == 1:
            cursor.execute(pyformat(group.sql), dict(group.params[0]))
            continue
        shape = set_based(group.sql)
        found = None
        if shape is not None and shape.table in known:
            found = _set_statement(group, shape, known[shape.table])
        if found is not None:
            cursor.execute(found[0], found[1])
        else:
            cursor.executemany(pyformat(group.sql), [dict(p) for p in group.params])


class ColumnCache:
    """Column types of the tables set-based groups write, read from the catalog once."""

    def __init__(self) -> None:
        self.known: dict[str, dict[str, str]] = {}

    def describe(self, conn: Any, groups: Sequence[Group]) -> None:
        """Read the types of the tables these groups need that are not known yet."""
        for table in tables_to_describe(groups, self.known):
            rows = conn.execute(DESCRIBE, (table,)).fetchall()
            self.known[table] = {_get(r, "name", 0): _get(r, "type", 1) for r in rows}


def _get(row: Any, name: str, index: int) -> str:
    return str(row[name] if isinstance(row, Mapping) else row[index])
