"""A batch's statements rendered as one text: values quoted by psycopg, groups merged only where
running them together means the same as one by one."""

from __future__ import annotations

import uuid

from hypothesis import given, settings
from hypothesis import strategies as st
from psycopg.adapt import Transformer

from shared.processing import Statement
from shared.sqltext import Literals, _checked_forms
from shared.statements import grouped
from tests.literal_values import VALUES

INSERT = "INSERT INTO rows (k, ref) VALUES (:k, :ref) ON CONFLICT DO NOTHING"
UPSERT = "INSERT INTO rows (k, n) VALUES (:k, :n) ON CONFLICT (k) DO UPDATE SET n = excluded.n"
FORGET = "DELETE FROM rows WHERE ref = :ref"


def render(statements: list[Statement]) -> list[bytes]:
    return Literals(None).groups(grouped(statements))


def test_a_quote_in_a_value_is_doubled_never_ends_the_literal() -> None:
    (text,) = render([Statement(FORGET, {"ref": "x'); DROP TABLE rows; --"})])
    assert text == b"DELETE FROM rows WHERE ref = 'x''); DROP TABLE rows; --'"


def test_plain_inserts_of_one_text_become_one_multi_row_insert() -> None:
    ref = uuid.UUID(int=1)
    (text,) = render([Statement(INSERT, {"k": f"k{i}", "ref": ref}) for i in range(3)])
    row = b"'00000000000000000000000000000001'::uuid"
    assert text == (
        b'INSERT INTO "rows" ("k", "ref") VALUES '
        b"('k0', " + row + b"), ('k1', " + row + b"), ('k2', " + row + b") "
        b"ON CONFLICT DO NOTHING"
    )


def test_deletes_by_one_column_become_one_delete_over_a_list() -> None:
    (text,) = render([Statement(FORGET, {"ref": r}) for r in ("a", "b")])
    assert text == b"DELETE FROM \"rows\" WHERE \"ref\" IN ('a', 'b')"


def test_upserts_stay_one_statement_each_in_their_order() -> None:
    texts = render([Statement(UPSERT, {"k": "a", "n": n}) for n in (1, 2)])
    assert texts == [
        b"INSERT INTO rows (k, n) VALUES ('a', 1) ON CONFLICT (k) DO UPDATE SET n = excluded.n",
        b"INSERT INTO rows (k, n) VALUES ('a', 2) ON CONFLICT (k) DO UPDATE SET n = excluded.n",
    ]


def test_values_keep_their_kind() -> None:
    literals = Literals(None)
    assert literals.row([None, True, 7, 1.5, "x"]) == b"(NULL, true, 7, 1.5, 'x')"
    assert literals.statement("SELECT :a::text, :a", {"a": "x"}) == b"SELECT 'x'::text, 'x'"


def test_text_in_a_client_encoding_other_than_utf8_is_left_to_psycopg() -> None:
    literal = Transformer.from_context(None).as_literal
    assert str in _checked_forms("utf-8", literal)
    assert str not in _checked_forms("shift_jis", literal)
    assert int in _checked_forms("shift_jis", literal)


@settings(max_examples=400)
@given(VALUES)
def test_a_value_is_written_as_psycopgs_own_literal(value: object) -> None:
    assert Literals(None).value(value) == Transformer.from_context(None).as_literal(value)


@given(st.lists(VALUES, min_size=1, max_size=5))
def test_a_statement_reads_as_its_values_written_in_one_by_one(values: list[object]) -> None:
    names = [f"v{i}" for i in range(len(values))]
    sql = "UPDATE t SET s = '100%' WHERE " + " AND ".join(f"c{n} = :{n}" for n in names)
    literal = Transformer.from_context(None).as_literal
    expected = b"UPDATE t SET s = '100%' WHERE " + b" AND ".join(
        b"c%s = %s" % (n.encode(), literal(v)) for n, v in zip(names, values, strict=True)
    )
    assert Literals(None).statement(sql, dict(zip(names, values, strict=True))) == expected


def test_a_form_that_differs_from_psycopgs_is_not_used() -> None:
    def literal(value: object) -> bytes:  # a connection whose floats psycopg would write otherwise
        return b"'%s'::float8" % repr(value).encode() if type(value) is float else b""

    assert float not in _checked_forms("utf-8", literal)
