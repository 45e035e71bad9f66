"""A query text of several statements sent without a cursor: one result per statement, and the
failing statement's own error, after which the server runs nothing more of the text."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from psycopg.pq import ExecStatus, TransactionStatus

from shared.sqltext import run_text

pytestmark = pytest.mark.integration


@pytest.fixture
def conn(postgres_url: str) -> Iterator[psycopg.Connection[object]]:
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute("CREATE TEMPORARY TABLE rt (k int PRIMARY KEY)")
        yield connection


def test_every_statement_of_a_text_gives_its_own_result(conn: psycopg.Connection[object]) -> None:
    results = run_text(conn, b"BEGIN;\nINSERT INTO rt VALUES (1), (2) RETURNING k;\nCOMMIT")
    assert [r.status for r in results] == [
        ExecStatus.COMMAND_OK,
        ExecStatus.TUPLES_OK,
        ExecStatus.COMMAND_OK,
    ]
    assert [int(results[1].get_value(row, 0)) for row in range(results[1].ntuples)] == [1, 2]
    assert conn.pgconn.transaction_status == TransactionStatus.IDLE


def test_a_failing_statement_raises_its_error_and_nothing_after_it_runs(
    conn: psycopg.Connection[object],
) -> None:
    run_text(conn, b"INSERT INTO rt VALUES (1)")
    text = b"BEGIN;\nINSERT INTO rt VALUES (2);\nINSERT INTO rt VALUES (1);\n"
    with pytest.raises(psycopg.errors.UniqueViolation):
        run_text(conn, text + b"INSERT INTO rt VALUES (3);\nCOMMIT")
    assert conn.pgconn.transaction_status == TransactionStatus.INERROR
    conn.rollback()
    assert conn.execute("SELECT k FROM rt ORDER BY k").fetchall() == [(1,)]


def test_a_division_by_zero_is_raised_as_such(conn: psycopg.Connection[object]) -> None:
    with pytest.raises(psycopg.errors.DivisionByZero):
        run_text(conn, b"BEGIN;\nSELECT 1 / count(*) FROM rt;\nCOMMIT")
    conn.rollback()
