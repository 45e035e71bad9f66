"""A batch's single-row inserts merged into multi-row ones leave the tables as they were."""

from __future__ import annotations

import sqlite3

from intake.adapters.compact import compact
from shared.processing import Statement

TABLES = (
    "CREATE TABLE a (k TEXT PRIMARY KEY, v INTEGER)",
    "CREATE TABLE b (k TEXT PRIMARY KEY, n INTEGER)",
)
INSERT_A = "INSERT INTO a (k, v) VALUES (:k, :v) ON CONFLICT DO NOTHING"
INSERT_B = "INSERT INTO b (k, n) VALUES (:k, :n)"
UPSERT_B = "INSERT INTO b (k, n) VALUES (:k, :n) ON CONFLICT (k) DO UPDATE SET n = excluded.n"


def tables_after(statements: list[Statement]) -> list[list[tuple[object, ...]]]:
    db = sqlite3.connect(":memory:")
    for sql in TABLES:
        db.execute(sql)
    for statement in statements:
        db.execute(statement.sql, dict(statement.params))
    return [db.execute(f"SELECT * FROM {t} ORDER BY k").fetchall() for t in ("a", "b")]


def test_inserts_of_one_text_become_one_statement_with_the_same_rows() -> None:
    statements = [
        *(Statement(INSERT_A, {"k": f"x{n % 7}", "v": n}) for n in range(20)),
        *(Statement(INSERT_B, {"k": f"y{n}", "n": n}) for n in range(5)),
        *(Statement(INSERT_A, {"k": f"z{n}", "v": n}) for n in range(3)),
    ]
    merged = compact(statements)
    assert len(merged) <= 6  # 23 rows of a: 16 + 4 + 2 + 1; 5 of b: 4 + 1
    assert tables_after(merged) == tables_after(statements)


def test_a_statement_on_the_table_between_inserts_keeps_its_place() -> None:
    statements = [
        Statement(INSERT_A, {"k": "x1", "v": 1}),
        Statement(INSERT_A, {"k": "x2", "v": 2}),
        Statement("DELETE FROM a WHERE v <= :v", {"v": 1}),
        Statement(INSERT_A, {"k": "x1", "v": 3}),
        Statement(INSERT_A, {"k": "x3", "v": 4}),
    ]
    merged = compact(statements)
    assert [s.sql.split()[0] for s in merged] == ["INSERT", "DELETE", "INSERT"]
    assert tables_after(merged) == tables_after(statements)
    assert tables_after(merged)[0] == [("x1", 3), ("x2", 2), ("x3", 4)]


def test_upserts_are_not_merged_and_many_rows_are_split() -> None:
    upserts = [Statement(UPSERT_B, {"k": "y", "n": n}) for n in range(3)]
    assert compact(upserts) == upserts
    many = [Statement(INSERT_B, {"k": f"y{n}", "n": n}) for n in range(1203)]
    merged = compact(many)
    assert all(len(s.params) <= 50 for s in merged)  # a size psycopg parses once
    assert len({s.sql for s in merged}) <= 6  # the same few texts, again and again
    assert tables_after(merged) == tables_after(many)
