"""A batch's write sent as one query text (values written in as literals) stores every value as
it was given, leaves the tables as running the statements one by one would, and stores nothing
when any part of it fails."""

from __future__ import annotations

import uuid

import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent, Tracking

from shared.messaging.outbox import OutboxRow
from shared.processing import Statement
from shared.tables import PostgresDatabase, database_of
from tests.integration.test_statements_postgres import TABLES, _contents, _one_by_one, _statements
from tests.preload_app import Tallies

pytestmark = pytest.mark.integration

# Text that must arrive as it was sent: quotes, backslashes, a statement's end, a comment,
# a parameter-like word, a placeholder, non-ASCII, a line break.
AWKWARD = "O'Brien \\ \\x00 '); DROP TABLE s_rows; -- :k %(k)s %s Jl. Cempaka №7 — ñ 🙂\n\t"
BYTES = bytes(range(256)) + b"'\\;--"


@pytest.fixture
def app(pg_env: dict[str, str]) -> Tallies:
    tallies = Tallies(env=pg_env)
    db, _ = database_of(tallies.recorder)
    db.run([Statement(sql, {}) for sql in TABLES])
    return tallies


def _db(app: Tallies) -> PostgresDatabase:
    db, _ = database_of(app.recorder)
    assert isinstance(db, PostgresDatabase)
    return db


def test_a_batchs_statements_leave_the_tables_as_one_by_one_would(
    app: Tallies, pg_env: dict[str, str], postgres_url: str
) -> None:
    db = _db(app)
    statements = _statements()
    app.recorder.insert_events([], tracking=Tracking("s:0", 1), statements=statements)
    written = _contents(db)
    db.run([Statement("TRUNCATE s_rows, s_keys", {})])
    _one_by_one(postgres_url, pg_env["POSTGRES_DBNAME"], statements)
    assert _contents(db) == written
    assert len(written[0]) == 5 and written[0][0]["n"] == 104


def test_awkward_values_are_stored_as_given(app: Tallies) -> None:
    ref = uuid.uuid4()
    row = "INSERT INTO s_rows (k, ref, n, at, flag, note) VALUES (:k, :ref, :n, :at, :flag, :note)"
    params = {"k": AWKWARD, "ref": str(ref), "n": -(2**31), "at": 0.1 + 0.2, "flag": False}
    event = StoredEvent(ref, 1, f"tests.preload_app:Tally.{AWKWARD}", BYTES)
    outbox = OutboxRow(AWKWARD, BYTES, BYTES, ((AWKWARD, BYTES), ("empty", b"")))
    ids = app.recorder.insert_events(
        [event],
        tracking=Tracking("s:0", 1),
        outbox=[outbox, OutboxRow("t", None, None)],
        statements=[
            Statement(row, params | {"note": AWKWARD}),
            Statement(row, params | {"k": "b", "note": None}),
        ],
    )
    assert ids and len(ids) == 1
    (stored,) = app.recorder.select_events(ref)
    assert (stored.topic, stored.state) == (event.topic, event.state)
    rows = app.recorder.select_outbox(0, 10)  # type: ignore[attr-defined]
    assert [(r.topic, r.key, r.value, r.headers) for r in rows] == [
        (AWKWARD, BYTES, BYTES, ((AWKWARD, BYTES), ("empty", b""))),
        ("t", None, None, ()),
    ]
    found = _db(app).read("SELECT k, ref, n, at, flag, note FROM s_rows ORDER BY k", {})
    assert found == [
        {"k": AWKWARD, "ref": ref, "n": -(2**31), "at": 0.1 + 0.2, "flag": False, "note": AWKWARD},
        {"k": "b", "ref": ref, "n": -(2**31), "at": 0.1 + 0.2, "flag": False, "note": None},
    ]


def test_a_statement_that_fails_after_the_events_stores_nothing(app: Tallies) -> None:
    ref = uuid.uuid4()
    plain = "INSERT INTO s_keys (key, ref) VALUES (:key, :ref)"
    twice = [Statement(plain, {"key": "a", "ref": str(ref)})] * 2
    event = StoredEvent(ref, 1, "tests.preload_app:Tally.Started", b"{}")
    outbox = [OutboxRow("t", b"k", b"v")]
    with pytest.raises(IntegrityError):
        app.recorder.insert_events(
            [event], tracking=Tracking("s:0", 1), outbox=outbox, statements=twice
        )
    assert app.recorder.select_events(ref) == []
    assert app.recorder.select_outbox(0, 10) == []  # type: ignore[attr-defined]
    assert app.recorder.max_tracking_id("s:0") is None
    ids = app.recorder.insert_events(  # the connection is usable again
        [event], tracking=Tracking("s:0", 1), outbox=outbox, statements=twice[:1]
    )
    assert ids and len(app.recorder.select_events(ref)) == 1
