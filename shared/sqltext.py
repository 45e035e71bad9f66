"""Statements with their values written in as literals, for a write sent as one query text.

psycopg's pipeline sends every statement as a message of its own and flushes the socket after
each: a batch of eight statements costs eight sends (each waking the server), eight results
read back one by one, and every parameter dumped in Python, element by element for an array.
A batch's write is instead rendered here as one text (`BEGIN; …; COMMIT`) and sent with the
simple query protocol: one send, one wait, the results read back together.

Values are quoted by psycopg's own literal adapters (those of its client-side binding cursor,
`Transformer.as_literal`: strings escaped for the connection, bytes as hex, typed values with
their cast), never by hand. A group of statements that may run as one (`shared.statements`)
becomes one statement over a multi-row VALUES list (an INSERT) or an IN list (a DELETE by one
column): in an INSERT, PostgreSQL casts each value of each row to its column's type, as a
single statement's would be, so no column types need reading first.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from psycopg.adapt import Transformer

from shared.statements import Group, SetBased, set_based

_NAMED = re.compile(r"(?<![:\w]):(\w+)")


@functools.lru_cache(maxsize=4096)
def _split(sql: str) -> tuple[tuple[bytes, ...], tuple[str, ...]]:
    """A `:name` statement as its texts between the names, and the names (utf-8, as sent)."""
    parts = _NAMED.split(sql)
    return tuple(p.encode() for p in parts[0::2]), tuple(parts[1::2])


class Literals:
    """Values as SQL literals for one connection (its encoding and its adapters)."""

    def __init__(self, conn: Any) -> None:
        self._literal = Transformer.from_context(conn).as_literal

    def value(self, value: Any) -> bytes:
        """One value as a literal (`NULL`, `42`, `'text'`, `'\\x…'::bytea`, `'…'::uuid`)."""
        literal: bytes = self._literal(value)
        return literal

    def row(self, values: Iterable[Any]) -> bytes:
        """`(v1, v2, …)`."""
        return b"(" + b", ".join(map(self._literal, values)) + b")"

    def statement(self, sql: str, params: Mapping[str, Any]) -> bytes:
        """A statement with `:name` parameters, its values written in."""
        texts, names = _split(sql)
        out = [texts[0]]
        for name, text in zip(names, texts[1:], strict=True):
            out.append(self._literal(params[name]))
            out.append(text)
        return b"".join(out)

    def groups(self, groups: Sequence[Group]) -> list[bytes]:
        """Grouped statements (`shared.statements.grouped`), each group as one statement where
        its shape allows, else its statements one by one."""
        rendered: list[bytes] = []
        for group in groups:
            shape = set_based(group.sql) if len(group.params) > 1 else None
            if shape is None:
                rendered.extend(self.statement(group.sql, p) for p in group.params)
            else:
                rendered.append(self._set_statement(shape, group.params))
        return rendered

    def _set_statement(self, shape: SetBased, params: Sequence[Mapping[str, Any]]) -> bytes:
        table = _quoted(shape.table)
        if shape.kind == "delete":
            name = shape.names[0]
            values = b", ".join(self._literal(p[name]) for p in params)
            return b"DELETE FROM %s WHERE %s IN (%s)" % (table, _quoted(shape.columns[0]), values)
        rows = b", ".join(self.row([p[n] for n in shape.names]) for p in params)
        columns = b", ".join(_quoted(c) for c in shape.columns)
        return b"INSERT INTO %s (%s) VALUES %s %s" % (table, columns, rows, shape.tail.encode())


@functools.lru_cache(maxsize=1024)
def _quoted(name: str) -> bytes:
    return ".".join(f'"{part}"' for part in name.split(".")).encode()  # word characters only
