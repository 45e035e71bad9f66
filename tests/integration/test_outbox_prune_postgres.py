"""Pruning the outbox on PostgreSQL and a real broker: sent rows go, unsent ones stay, and a
relay started after a prune sends every row once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from aiokafka import AIOKafkaProducer
from eventsourcing.persistence import Tracking

from shared.messaging.relay import OutboxRelay, position_name
from tests.integration.conftest import Lane
from tests.kafka_helpers import header, read_topic
from tests.plumbing_app import Note, NoteTaker, translator

pytestmark = pytest.mark.integration


def save_notes(app: NoteTaker, first: int, count: int) -> None:
    for n in range(first, first + count):
        app.save(Note(channel="web", message_id=f"p{n}", text=f"laporan {n}"))


def kept(app: NoteTaker) -> list[int]:
    return [row.id for row in app.recorder.select_outbox(0, 10_000)]


def holds(condition: Callable[[], bool]) -> bool:
    try:
        return condition()
    except Exception:  # a store that does not answer this time: not yet
        return False


async def until(condition: Callable[[], bool], what: str) -> None:
    deadline = asyncio.get_running_loop().time() + 60
    while not holds(condition):
        assert asyncio.get_running_loop().time() < deadline, f"not in time: {what}"
        await asyncio.sleep(0.05)


async def run_until(app: NoteTaker, kafka: str, topic: str, condition: Callable[[], bool]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=kafka, acks="all", enable_idempotence=True)
    await producer.start()
    relay = OutboxRelay(
        app, producer, translator(topic), idle_seconds=0.1, prune_seconds=0.1, batch_size=15
    )
    stopping = asyncio.Event()
    running = asyncio.create_task(relay.run(stopping))
    try:
        await until(condition, "the outbox pruned")
    finally:
        stopping.set()
        await running
        await producer.stop()


async def test_sent_rows_are_pruned_unsent_ones_stay_and_a_restart_sends_each_row_once(
    kafka: str, lane: Lane, pg_env: dict[str, str]
) -> None:
    first = NoteTaker(env=pg_env)
    OutboxRelay(first, None, translator(lane.outbound))  # type: ignore[arg-type]  # installed
    save_notes(first, 0, 40)
    await run_until(first, kafka, lane.outbound, lambda: kept(first) == [40])
    save_notes(first, 40, 10)  # the relay is down: these stay unsent
    assert await OutboxRelay(first, None, translator(lane.outbound)).prune() == 0  # type: ignore[arg-type]
    assert kept(first) == list(range(40, 51))
    first.close()

    restarted = NoteTaker(env=pg_env)
    restarted.recorder.insert_tracking(Tracking(position_name("standby"), 45))  # a second relay
    await run_until(
        restarted, kafka, lane.outbound, lambda: kept(restarted) == [45, 46, 47, 48, 49, 50]
    )
    position = restarted.recorder.max_tracking_id(position_name("outbox-relay"))
    assert position == 50 and restarted.recorder.max_outbox_id() == 50
    records = await read_topic(kafka, lane.outbound, until=lambda found: len(found) >= 50)
    assert sorted(int(header(r, "notification_id") or 0) for r in records) == list(range(1, 51))
