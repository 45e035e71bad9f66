"""`lapor bench` counts store transactions from PostgreSQL's own statistics."""

from __future__ import annotations

import time
import uuid

import psycopg

from bench.work import conninfo, pg_transactions
from shared.db import ensure_database


def _counted(url: str, database: str, at_least: int) -> int:
    """The server's count for the database, once it reached `at_least` (stats arrive late)."""
    deadline = time.monotonic() + 30
    while (found := pg_transactions(url, [database]).get(database, 0)) < at_least:
        assert time.monotonic() < deadline, f"{found} transactions counted, {at_least} expected"
        time.sleep(0.2)
    return found


def test_the_bench_reads_each_databases_transactions_from_the_server(postgres_url: str) -> None:
    database, other = f"b{uuid.uuid4().hex[:10]}", f"b{uuid.uuid4().hex[:10]}"
    for name in (database, other):
        ensure_database(postgres_url, name)
    before = pg_transactions(postgres_url, [database, other])
    with psycopg.connect(conninfo(postgres_url, database), autocommit=True) as conn:
        for _ in range(25):
            conn.execute("SELECT 1")
    # a backend reports its counts when it exits: the 25 are there, the other database's not
    counted = _counted(postgres_url, database, before.get(database, 0) + 25)
    assert counted - before.get(database, 0) < 25 + 5  # the connection's own few, at most
    assert pg_transactions(postgres_url, [other]).get(other, 0) - before.get(other, 0) < 5
