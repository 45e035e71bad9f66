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

import codecs
import functools
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from uuid import UUID

from psycopg import errors, generators
from psycopg.adapt import Transformer
from psycopg.pq import ExecStatus

from shared.statements import Group, SetBased, set_based

_NAMED = re.compile(r"(?<![:\w]):(\w+)")
_FAILED = (ExecStatus.FATAL_ERROR, ExecStatus.BAD_RESPONSE, ExecStatus.NONFATAL_ERROR)


def run_text(conn: Any, text: bytes) -> list[Any]:
    """Send a query text of several statements (no parameters: the simple protocol) and return
    one result per statement run, or raise the error of the statement that failed (the server
    runs none after it).

    What a cursor's `execute(text, prepare=False)` does, without its bookkeeping per result
    (no prepared statements, no row types read, results kept as libpq gives them): a third of
    its CPU for a write's text.
    """
    with conn.lock:
        conn.pgconn.send_query(text)
        results: list[Any] = conn.wait(generators.execute(conn.pgconn))
    for result in results:
        if result.status in _FAILED:
            raise errors.error_from_result(result, encoding=conn.info.encoding)
    return results


def select_rows(conn: Any, text: bytes) -> list[tuple[Any, ...]]:
    """The rows of one query text (no parameters), as tuples of values loaded by the
    connection's loaders (the types a cursor gives)."""
    [result] = run_text(conn, text)
    return result_rows(conn, result)


def result_rows(conn: Any, result: Any) -> list[tuple[Any, ...]]:
    """The rows of one of `run_text`'s results, as `select_rows` gives them."""
    loader = Transformer.from_context(conn)
    loader.set_pgresult(result)
    rows: list[tuple[Any, ...]] = loader.load_rows(0, result.ntuples, tuple)
    return rows


@functools.lru_cache(maxsize=4096)
def _template(sql: str) -> tuple[bytes, tuple[str, ...]]:
    """A `:name` statement as a bytes `%` template (utf-8, as sent; its own `%` doubled) with a
    `%s` where each name was, and the names in order: one formatting call writes the values."""
    parts = _NAMED.split(sql)
    texts = [p.encode().replace(b"%", b"%%") for p in parts[0::2]]
    return b"%s".join(texts), tuple(parts[1::2])


class Literals:
    """Values as SQL literals for one connection (its encoding and its adapters)."""

    def __init__(self, conn: Any) -> None:
        self._literal = Transformer.from_context(conn).as_literal
        self._fast = _fast_forms(conn, self._literal)

    def value(self, value: Any) -> bytes:
        """One value as a literal (`NULL`, `42`, `'text'`, `'\\x…'::bytea`, `'…'::uuid`)."""
        fast = self._fast.get(type(value))
        if fast is not None:
            literal = fast(value)
            if literal is not None:
                return literal
        return self._literal(value)

    def row(self, values: Iterable[Any]) -> bytes:
        """`(v1, v2, …)`."""
        return b"(" + b", ".join(map(self.value, values)) + b")"

    def statement(self, sql: str, params: Mapping[str, Any]) -> bytes:
        """A statement with `:name` parameters, its values written in."""
        template, names = _template(sql)
        value = self.value
        return template % tuple([value(params[name]) for name in names])

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
            values = b", ".join(self.value(p[name]) for p in params)
            return b"DELETE FROM %s WHERE %s IN (%s)" % (table, _quoted(shape.columns[0]), values)
        value, names = self.value, shape.names
        row = _row_template(len(names))
        rows = b", ".join([row % tuple([value(p[n]) for n in names]) for p in params])
        columns = b", ".join(_quoted(c) for c in shape.columns)
        return b"INSERT INTO %s (%s) VALUES %s %s" % (table, columns, rows, shape.tail.encode())


@functools.lru_cache(maxsize=64)
def _row_template(width: int) -> bytes:
    """`(%s, %s, …)` for a row of `width` values."""
    return b"(" + b", ".join([b"%s"] * width) + b")"


Form = Callable[[Any], bytes | None]  # None: a value the form does not cover
_INT8 = range(-(2**63), 2**63)
_forms: dict[tuple[Any, ...], dict[type, Form]] = {}


def _fast_forms(conn: Any, literal: Callable[[Any], bytes]) -> dict[type, Form]:
    """Literals of the commonest types written without psycopg's adapters (their lookups cost
    more than the value), for a connection whose settings give the forms checked here: each
    form is compared with psycopg's own literal of sample values once per kind of connection,
    and a type whose form differs keeps psycopg's way (bytes, for one, without a connection or
    with standard_conforming_strings off). A value a form does not cover (text with a backslash
    or a NUL, an integer past 64 bits, a NaN or infinite float) takes psycopg's way too."""
    key: tuple[Any, ...] = (None,)  # no connection: psycopg's defaults
    encoding = "utf-8"
    if conn is not None:
        status = conn.pgconn.parameter_status
        encoding = conn.info.encoding
        key = (status(b"standard_conforming_strings"), status(b"client_encoding"), encoding)
    forms = _forms.get(key)
    if forms is None:
        forms = _forms[key] = _checked_forms(encoding, literal)
    return forms


def _checked_forms(encoding: str, literal: Callable[[Any], bytes]) -> dict[type, Form]:
    def text(value: str) -> bytes | None:
        if "\\" in value or "\x00" in value:
            return None
        return b"'" + value.encode(encoding).replace(b"'", b"''") + b"'"

    def integer(value: int) -> bytes | None:
        if value not in _INT8:
            return None
        return b"%d" % value if value >= 0 else b" %d" % value  # psycopg: no `--` comment

    forms: dict[type, tuple[Form, tuple[Any, ...]]] = {
        str: (text, ("", "Kelurahan Sungai Miai", "a'b é ''")),
        int: (integer, (0, 42, -42, 2**63 - 1, -(2**63))),
        bool: (lambda value: b"true" if value else b"false", (True, False)),
        type(None): (lambda value: b"NULL", (None,)),
        UUID: (lambda value: b"'%s'::uuid" % value.hex.encode(), (UUID(int=2**127 + 12345),)),
        bytes: (_bytea, (b"", b"\x00'\\", bytes(range(256)))),
        float: (_float, (0.0, -0.0, 1.5, -1.5, 0.1 + 0.2, 1e300, -1e-300)),
        datetime: (_timestamp, _MOMENTS),
        date: (lambda value: b"'%s'::date" % str(value).encode(), (date(2026, 12, 8),)),
    }
    if codecs.lookup(encoding).name != "utf-8":
        del forms[str]  # in some multi-byte client encodings a character's bytes hold a quote
    return {
        kind: form
        for kind, (form, samples) in forms.items()
        if all(form(sample) == literal(sample) for sample in samples)
    }


def _bytea(value: bytes) -> bytes:
    # hex, as libpq's escaping gives it with standard_conforming_strings on (else the check fails)
    return b"'\\x" + value.hex().encode() + b"'::bytea"


def _float(value: float) -> bytes | None:
    if value != value or value in _INFINITE:
        return None  # psycopg's quoted 'NaN' / 'Infinity'
    digits = repr(value).encode()
    return b" " + digits if digits[0] == _MINUS else digits  # psycopg: no `--` comment


def _timestamp(value: datetime) -> bytes:
    return (b"'%s'::timestamptz" if value.tzinfo else b"'%s'::timestamp") % str(value).encode()


_INFINITE = (math.inf, -math.inf)
_MINUS = ord("-")
_MOMENTS = (
    datetime(2026, 12, 8, 2, 40, 12, 547126, tzinfo=UTC),
    datetime(2026, 12, 8, tzinfo=timezone(timedelta(hours=8))),
    datetime(2026, 12, 8, 2, 40, 12, 5),
    datetime(5, 1, 2, tzinfo=timezone(timedelta(hours=-3, seconds=7))),
)


@functools.lru_cache(maxsize=1024)
def _quoted(name: str) -> bytes:
    return ".".join(f'"{part}"' for part in name.split(".")).encode()  # word characters only
