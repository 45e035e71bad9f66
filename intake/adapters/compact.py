"""A batch's table statements, fewer: the single-row inserts of one SQL text become one insert.

A batch of 200 reports writes a few thousand rows (claims, reporters, contacts, counters, index
keys), each an `INSERT … VALUES (…)` of its own; sent one by one, each costs a statement's
conversion and round of the driver. Inserts with the same text are merged into multi-row
inserts (`VALUES (…), (…)`, which SQLite and PostgreSQL both take), at the place of the first
of them, as long as no statement between them names their table: what the batch leaves in the
tables is the same. Only plain inserts and `ON CONFLICT DO NOTHING` are merged (an upsert may not
touch one row twice in one statement).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any, NamedTuple

from shared.processing import Statement

# Parameters and length of one merged insert: psycopg keeps the parsed form of a statement of
# at most 50 parameters and 4,096 characters, so texts of these sizes, repeated, are parsed once.
PARAMS_AT_ONCE = 50
LENGTH_AT_ONCE = 4096

_INSERT = re.compile(
    r"(INSERT INTO (\w+) \([^()]*\) VALUES )(\([^()]*\))((?: ON CONFLICT DO NOTHING)?)"
)
_NAME = re.compile(r":(\w+)")
_WORD = re.compile(r"\w+")


class _Shape(NamedTuple):
    """What the compaction needs of a statement's SQL text."""

    table: str | None  # the table of a mergeable insert; None for any other statement
    names: frozenset[str]  # the words of the text (the tables it names among them)
    head: str = ""  # `INSERT INTO t (…) VALUES `
    row: str = ""  # the values, their parameters numbered per row: `(:a__{0}, :b__{0})`
    tail: str = ""  # ` ON CONFLICT DO NOTHING` or nothing


@lru_cache(maxsize=512)
def _shape(sql: str) -> _Shape:
    names = frozenset(_WORD.findall(sql))
    found = _INSERT.fullmatch(sql)
    if found is None:
        return _Shape(None, names)
    escaped = found.group(3).replace("{", "{{").replace("}", "}}")
    row = _NAME.sub(r":\1__{0}", escaped)
    return _Shape(found.group(2), names, found.group(1), row, found.group(4))


def chunks(values: Sequence[str], size: int) -> Iterator[list[str]]:
    """A long `IN (…)` list in parts of at most `size`, each padded to a power of two by
    repeating its last value (the same rows): a few texts, again and again, parsed once."""
    for start in range(0, len(values), size):
        chunk = list(values[start : start + size])
        yield chunk + chunk[-1:] * ((1 << (len(chunk) - 1).bit_length()) - len(chunk))


def compact(statements: Sequence[Statement]) -> list[Statement]:
    """The same writes in fewer statements (see the module's note)."""
    merged: list[Statement | list[Statement]] = []
    open_runs: dict[str, list[Statement]] = {}  # sql -> its run of inserts, still mergeable
    tables: dict[str, str] = {}  # sql -> its table, for the open runs
    for statement in statements:
        shape = _shape(statement.sql)
        run = open_runs.get(statement.sql)
        if run is not None:
            run.append(statement)
            continue
        for sql in [sql for sql, table in tables.items() if table in shape.names]:
            del open_runs[sql], tables[sql]  # a statement on its table comes between
        if shape.table is None:
            merged.append(statement)
            continue
        open_runs[statement.sql], tables[statement.sql] = [statement], shape.table
        merged.append(open_runs[statement.sql])
    found: list[Statement] = []
    for item in merged:
        found.extend(_joined(item) if isinstance(item, list) else [item])
    return found


def _joined(run: list[Statement]) -> list[Statement]:
    """One run of inserts of one text, as multi-row inserts."""
    if len(run) == 1:
        return run
    shape = _shape(run[0].sql)
    room = (LENGTH_AT_ONCE - len(shape.head) - len(shape.tail)) // (len(shape.row) + 8)
    size = max(1, min(PARAMS_AT_ONCE // max(1, len(run[0].params)), room))
    found, start = [], 0
    while start < len(run):
        count = min(size, len(run) - start)
        count = 1 << (count.bit_length() - 1)  # sizes repeat: 16, then 8, 4, 2, 1 for the rest
        found.append(_rows(shape, [s.params for s in run[start : start + count]]))
        start += count
    return found


def _rows(shape: _Shape, rows: list[Mapping[str, Any]]) -> Statement:
    values = ", ".join(shape.row.format(i) for i in range(len(rows)))
    params = {f"{name}__{i}": value for i, row in enumerate(rows) for name, value in row.items()}
    return Statement(f"{shape.head}{values}{shape.tail}", params)
