"""On PostgreSQL a batch's grouped statements (set-based where they can be) leave the tables as
running them one by one would, and a broken constraint still fails the whole write."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg
import pytest
from eventsourcing.persistence import IntegrityError, Tracking

from shared.processing import Statement
from shared.statements import grouped, pyformat, set_based
from shared.tables import PostgresDatabase, database_of
from tests.preload_app import Tallies

pytestmark = pytest.mark.integration

TABLES = (
    "CREATE TABLE IF NOT EXISTS s_rows (k TEXT PRIMARY KEY, ref UUID, n INTEGER, "
    "at DOUBLE PRECISION, flag BOOLEAN, since TIMESTAMPTZ, note TEXT)",
    "CREATE TABLE IF NOT EXISTS s_keys (key TEXT NOT NULL, ref UUID NOT NULL, "
    "PRIMARY KEY (key, ref))",
)
ROW = (
    "INSERT INTO s_rows (k, ref, n, at, flag, since, note) "
    "VALUES (:k, :ref, :n, :at, :flag, :since, :note) ON CONFLICT DO NOTHING"
)
KEY = "INSERT INTO s_keys (key, ref) VALUES (:key, :ref) ON CONFLICT DO NOTHING"
FORGET = "DELETE FROM s_keys WHERE ref = :ref"
UPSERT = "INSERT INTO s_rows (k, n) VALUES (:k, :n) ON CONFLICT (k) DO UPDATE SET n = excluded.n"


def _statements() -> list[Statement]:
    refs = [str(uuid.uuid5(uuid.NAMESPACE_URL, str(i))) for i in range(6)]
    out: list[Statement] = []
    for i, ref in enumerate(refs):
        row = {"k": f"k{i % 5}", "ref": ref, "n": i, "at": 1764205200.125 + i, "flag": i % 2 == 0}
        row |= {"since": f"2026-11-27T0{i}:00:00+08:00", "note": None if i % 3 else f"catatan {i}"}
        out.append(Statement(ROW, row))  # k0 twice: the second does nothing
        out.append(Statement(KEY, {"key": f"kel-{i % 2}", "ref": ref}))
        out.append(Statement(KEY, {"key": f"kel-{i % 2}", "ref": ref}))  # the same key again
    out += [Statement(UPSERT, {"k": f"k{i % 2}", "n": 100 + i}) for i in range(6)]  # keys twice
    out += [Statement(FORGET, {"ref": refs[1]}), Statement(FORGET, {"ref": refs[4]})]
    return out


@pytest.fixture
def app(pg_env: dict[str, str]) -> Tallies:
    return Tallies(env=pg_env)


def _contents(db: PostgresDatabase) -> list[Any]:
    return [
        db.read("SELECT * FROM s_rows ORDER BY k", {}),
        db.read("SELECT * FROM s_keys ORDER BY key, ref", {}),
    ]


def _one_by_one(postgres_url: str, dbname: str, statements: list[Statement]) -> None:
    with psycopg.connect(postgres_url, dbname=dbname) as conn:
        for s in statements:
            conn.execute(pyformat(s.sql), dict(s.params))


def test_grouped_statements_leave_the_tables_as_one_by_one_would(
    app: Tallies, pg_env: dict[str, str], postgres_url: str
) -> None:
    db, _ = database_of(app.recorder)
    assert isinstance(db, PostgresDatabase)
    db.run([Statement(sql, {}) for sql in TABLES])
    statements = _statements()
    shapes = [set_based(g.sql) for g in grouped(statements) if len(g.params) > 1]
    assert sum(s is not None for s in shapes) == 3  # the set-based way is taken
    db.run(statements)
    grouped_result = _contents(db)
    db.run([Statement("TRUNCATE s_rows, s_keys", {})])
    _one_by_one(postgres_url, pg_env["POSTGRES_DBNAME"], statements)
    assert _contents(db) == grouped_result
    assert len(grouped_result[0]) == 5 and grouped_result[0][0]["n"] == 104


def test_a_set_based_insert_that_breaks_a_constraint_fails_the_batch_and_its_position(
    app: Tallies,
) -> None:
    db, _ = database_of(app.recorder)
    db.run([Statement(sql, {}) for sql in TABLES])
    plain = "INSERT INTO s_keys (key, ref) VALUES (:key, :ref)"
    ref = str(uuid.uuid4())
    twice = [Statement(plain, {"key": "a", "ref": ref}), Statement(plain, {"key": "a", "ref": ref})]
    with pytest.raises(IntegrityError):
        app.recorder.insert_events([], tracking=Tracking("s:0", 1), statements=twice)
    assert app.recorder.max_tracking_id("s:0") is None
    assert db.read("SELECT * FROM s_keys", {}) == []
    app.recorder.insert_events([], tracking=Tracking("s:0", 1), statements=twice[:1])
    assert len(db.read("SELECT * FROM s_keys", {})) == 1
