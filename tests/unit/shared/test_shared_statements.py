"""A batch's table statements are grouped by SQL text without changing what any table sees."""

from __future__ import annotations

import sqlite3
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from shared.processing import Statement
from shared.statements import grouped, pyformat, run_sqlite, set_based, touched

INSERT_A = "INSERT INTO a (k, v) VALUES (:k, :v)"
DELETE_A = "DELETE FROM a WHERE k = :k"
INSERT_B = "INSERT INTO b (k) VALUES (:k) ON CONFLICT DO NOTHING"


def shape(statements: list[Statement]) -> list[tuple[str, list[Any]]]:
    return [(g.sql, [p["k"] for p in g.params]) for g in grouped(statements)]


def test_statements_of_one_sql_text_on_untouched_tables_run_as_one_group() -> None:
    statements = [
        Statement(INSERT_A, {"k": 1, "v": "x"}),
        Statement(INSERT_B, {"k": 1}),
        Statement(INSERT_A, {"k": 2, "v": "y"}),
        Statement(INSERT_B, {"k": 2}),
    ]
    assert shape(statements) == [(INSERT_A, [1, 2]), (INSERT_B, [1, 2])]


def test_a_statement_never_moves_past_another_on_the_same_table() -> None:
    statements = [
        Statement(INSERT_A, {"k": 1, "v": "x"}),
        Statement(DELETE_A, {"k": 1}),
        Statement(INSERT_A, {"k": 1, "v": "y"}),
        Statement(DELETE_A, {"k": 9}),
    ]
    assert shape(statements) == [
        (INSERT_A, [1]),
        (DELETE_A, [1]),
        (INSERT_A, [1]),
        (DELETE_A, [9]),
    ]


def test_a_statement_whose_tables_are_unknown_is_a_barrier() -> None:
    odd = "WITH x AS (SELECT 1) INSERT INTO c SELECT * FROM x"
    statements = [
        Statement(INSERT_B, {"k": 1}),
        Statement(odd, {"k": 0}),
        Statement(INSERT_B, {"k": 2}),
    ]
    assert touched(odd) is None
    assert shape(statements) == [(INSERT_B, [1]), (odd, [0]), (INSERT_B, [2])]


def test_a_table_read_by_a_statement_counts_as_touched() -> None:
    copy = "INSERT INTO b (k) SELECT k FROM a WHERE k = :k"
    assert touched(copy) == frozenset({"a", "b"})
    statements = [
        Statement(copy, {"k": 1}),
        Statement(INSERT_A, {"k": 2, "v": "z"}),
        Statement(copy, {"k": 2}),
    ]
    assert shape(statements) == [(copy, [1]), (INSERT_A, [2]), (copy, [2])]


def test_only_plain_inserts_and_deletes_by_one_column_run_set_based() -> None:
    assert set_based(INSERT_B) is not None
    assert set_based(DELETE_A) is not None
    assert set_based("INSERT INTO a (k) VALUES (:k) ON CONFLICT (k) DO UPDATE SET k = 1") is None
    assert set_based("INSERT INTO a (k, v) VALUES (:k, lower(:v))") is None
    assert set_based("DELETE FROM a WHERE k = :k AND v < :v") is None


def test_named_parameters_become_psycopg_style_and_casts_stay() -> None:
    assert pyformat("SELECT :a, x::text FROM t WHERE y = :b") == (
        "SELECT %(a)s, x::text FROM t WHERE y = %(b)s"
    )


def test_grouped_statements_leave_sqlite_tables_as_one_by_one_would() -> None:
    statements = [
        Statement(INSERT_A, {"k": 1, "v": "x"}),
        Statement(INSERT_B, {"k": 1}),
        Statement(DELETE_A, {"k": 1}),
        Statement(INSERT_A, {"k": 1, "v": "again"}),
        Statement(INSERT_B, {"k": 1}),
        Statement(INSERT_A, {"k": 2, "v": "y"}),
        Statement(INSERT_B, {"k": 3}),
    ]

    def tables(run: Any) -> list[Any]:
        conn = sqlite3.connect(":memory:")
        conn.execute("CREATE TABLE a (k INTEGER PRIMARY KEY, v TEXT)")
        conn.execute("CREATE TABLE b (k INTEGER PRIMARY KEY)")
        run(conn.cursor())
        return [conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in ("a", "b")]

    def one_by_one(cursor: Any) -> None:
        for s in statements:
            cursor.execute(s.sql, s.params)

    assert tables(lambda c: run_sqlite(c, statements)) == tables(one_by_one)
    assert len(grouped(statements)) < len(statements)


POOL = (
    INSERT_A,
    DELETE_A,
    INSERT_B,
    "INSERT INTO c (k) SELECT k FROM b WHERE k = :k",  # reads b, writes c
    "DELETE FROM c WHERE k = :k",
    "SELECT pg_notify('x', :k)",  # tables unknown: a barrier
)


@given(st.lists(st.sampled_from(POOL), max_size=40))
def test_grouping_never_reorders_two_statements_that_share_a_table(sqls: list[str]) -> None:
    statements = [Statement(sql, {"k": n}) for n, sql in enumerate(sqls)]
    ran = [p["k"] for g in grouped(statements) for p in g.params]
    assert sorted(ran) == list(range(len(sqls)))
    place = {k: at for at, k in enumerate(ran)}
    for i, first in enumerate(sqls):
        for j in range(i + 1, len(sqls)):
            a, b = touched(first), touched(sqls[j])
            if a is None or b is None or a & b:
                assert place[i] < place[j]
