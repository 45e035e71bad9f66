"""On PostgreSQL: events stored with orjson's encoder are the bytes eventsourcing's own encoder
stores, a store written either way reads the same, and literals written without psycopg's
adapters are psycopg's own."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from eventsourcing.persistence import Mapper, Tracking
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg.adapt import Transformer

from shared.messaging.deadletter import SourceRecord
from shared.processing import Delivery, Rejection
from shared.sqltext import Literals
from shared.storedjson import StoredEventMapper, StoredJSONTranscoder
from tests.integration.test_plumbing import message
from tests.plumbing_app import Note, NoteTaker

pytestmark = pytest.mark.integration

STOCK = {
    "MAPPER_TOPIC": "eventsourcing.persistence:Mapper",
    "TRANSCODER_TOPIC": "eventsourcing.persistence:JSONTranscoder",
}
AWKWARD = "O'Brien \\ \\x00 '); -- Jl. Cempaka №7 — ñ 🙂\n\t\x1f \u2028 \"kutip\""


def _write(app: NoteTaker, first: int) -> None:
    bad = SourceRecord("lapor.intake.v1", 0, first, b"k", b"\xff\x00", (("h", None),))  # type: ignore[arg-type]
    deliveries = [
        Delivery(bad, failure=Rejection("not-json", AWKWARD)),
        *[Delivery(None, message(f"m{first}-{n}", f"{AWKWARD} {n}")) for n in range(3)],
    ]
    app.process_batch(deliveries, Tracking("in:0", first + 1), service="plumbing")


def test_a_store_written_by_either_encoder_holds_the_same_bytes_and_reads_the_same(
    pg_env: dict[str, str],
) -> None:
    ours = NoteTaker(env=pg_env)
    assert isinstance(ours.mapper, StoredEventMapper)
    assert isinstance(ours.mapper.transcoder, StoredJSONTranscoder)
    stock = NoteTaker(env={**pg_env, **STOCK})
    assert (
        type(stock.mapper) is Mapper and type(stock.mapper.transcoder).__name__ == "JSONTranscoder"
    )
    _write(ours, 10)
    _write(stock, 20)
    stored = ours.recorder.select_notifications(1, 100)
    assert len(stored) == 8
    for notification in stored:
        domain_event: Any = stock.mapper.to_domain_event(notification)
        assert stock.mapper.to_stored_event(domain_event).state == notification.state
        assert ours.mapper.to_stored_event(domain_event).state == notification.state
        again: Any = ours.mapper.to_domain_event(notification)
        assert again.__dict__ == domain_event.__dict__
    notes = [n for n in stored if n.topic.endswith("Note.Noted")]
    for notification in notes:
        note_id = notification.originator_id
        assert vars(ours.repository.get(note_id)) == vars(stock.repository.get(note_id))
        assert isinstance(stock.repository.get(note_id), Note)


values = (
    st.text(st.characters(exclude_characters="\x00", codec="utf-8"))
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.booleans()
    | st.none()
    | st.uuids()
)


@pytest.fixture(scope="module")
def conn(postgres_url: str) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        yield connection


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=values)
def test_a_literal_written_without_psycopgs_adapters_is_psycopgs_and_reads_back(
    conn: psycopg.Connection[Any], value: Any
) -> None:
    literal = Literals(conn).value(value)
    assert literal == Transformer.from_context(conn).as_literal(value)
    found = conn.execute(b"SELECT " + literal).fetchone()
    assert found is not None and found[0] == value  # a big integer reads as an equal Decimal
