"""The relay's round on PostgreSQL and a real broker: the acknowledged position stored and the next
rows read in one round trip, and a relay that dies after a round resends it, skipping nothing."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer

from shared import pgstore
from shared.messaging.relay import OutboxRelay
from tests.integration.conftest import Lane
from tests.kafka_helpers import header, read_topic
from tests.plumbing_app import Note, NoteTaker, translator
from tests.unit.shared.test_shared_relay_round import check_a_position_must_advance

pytestmark = pytest.mark.integration


def save_notes(app: NoteTaker, count: int) -> None:
    for n in range(count):
        app.save(Note(channel="web", message_id=f"m{n}", text=f"laporan {n}"))


class Trips:
    """Counts the query texts the recorder sends (a write or a read: one round trip each)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        for name in ("run_text", "select_rows"):
            monkeypatch.setattr(pgstore, name, self._counted(getattr(pgstore, name)))

    def _counted(self, real: Any) -> Any:
        def counted(*args: Any) -> Any:
            self.count += 1
            return real(*args)

        return counted


async def publish_all(relay: OutboxRelay) -> int:
    """Rounds until one finds nothing; how many rows were sent."""
    while await relay.publish_pending():
        pass
    return relay.published


def sent_ids(records: list[Any]) -> Counter[int]:
    return Counter(int(header(record, "notification_id") or 0) for record in records)


async def test_each_round_on_postgres_is_one_round_trip_storing_only_acknowledged_positions(
    kafka: str, lane: Lane, pg_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = NoteTaker(env=pg_env)
    save_notes(app, 25)
    producer = AIOKafkaProducer(bootstrap_servers=kafka, acks="all", enable_idempotence=True)
    await producer.start()
    stored_when_acknowledged: list[int | None] = []
    relay = OutboxRelay(app, producer, translator(lane.outbound), batch_size=10)
    relay._observe = lambda rows, seconds: stored_when_acknowledged.append(
        app.recorder.max_tracking_id(relay.position_name)
    )
    relay.position()
    trips = Trips(monkeypatch)
    try:
        assert await publish_all(relay) == 25
    finally:
        await producer.stop()
    assert trips.count == 4  # rounds of 10, 10, 5 and 0 rows
    assert stored_when_acknowledged == [None, 10, 20]  # each stored with the next read
    assert app.recorder.max_tracking_id(relay.position_name) == 25
    records = await read_topic(kafka, lane.outbound, until=lambda found: len(found) >= 25)
    assert sent_ids(records) == Counter(range(1, 26))


async def test_a_relay_dying_after_an_acknowledged_round_has_it_resent_and_nothing_skipped(
    kafka: str, lane: Lane, pg_env: dict[str, str]
) -> None:
    app = NoteTaker(env=pg_env)
    save_notes(app, 30)
    producer = AIOKafkaProducer(bootstrap_servers=kafka, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        dying = OutboxRelay(app, producer, translator(lane.outbound), batch_size=10)
        assert await dying.publish_pending() == 10
        assert await dying.publish_pending() == 10  # rows 11 to 20 acknowledged, 10 stored
        assert app.recorder.max_tracking_id(dying.position_name) == 10
        # the process dies here; the next leader starts from the stored position
        after = OutboxRelay(app, producer, translator(lane.outbound), batch_size=10)
        assert await publish_all(after) == 20
    finally:
        await producer.stop()
    records = await read_topic(kafka, lane.outbound, until=lambda found: len(found) >= 40)
    assert sent_ids(records) == Counter(range(1, 31)) + Counter(range(11, 21))
    assert app.recorder.max_tracking_id(after.position_name) == 30


def test_a_position_that_does_not_advance_fails_the_one_trip_round_and_reads_nothing(
    pg_env: dict[str, str],
) -> None:
    check_a_position_must_advance(NoteTaker(env=pg_env))  # rolled back; the connection goes on
