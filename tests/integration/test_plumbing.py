"""The plumbing on the real broker and both stores: relay, idempotent consumer, dead letters."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from shared import topics
from shared.auth import TokenStore
from shared.clock import SystemClock
from shared.contracts import IntakeMessage
from shared.messaging import codec
from shared.messaging.consumer import IdempotentConsumer
from shared.messaging.relay import OutboxRelay, position_name
from shared.runtime import ServiceSpec, Subscription, build_app
from shared.settings import CommonSettings
from tests.integration.conftest import Lane
from tests.kafka_helpers import header, produce, read_topic
from tests.plumbing_app import Note, NoteTaker, translator

pytestmark = pytest.mark.integration
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def message(message_id: str, text: str = "air PDAM mati sejak pagi") -> IntakeMessage:
    return IntakeMessage(
        occurred_at=datetime.now(UTC), channel="sms", message_id=message_id, text=text
    )


def save_notes(app: NoteTaker, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        app.save(Note(channel="web", message_id=f"m{n}", text=f"laporan {n}"))


async def producer_for(kafka: str) -> AIOKafkaProducer:
    producer = AIOKafkaProducer(bootstrap_servers=kafka, acks="all", enable_idempotence=True)
    await producer.start()
    return producer


def by_notification(records: list[Any]) -> dict[int, set[str]]:
    seen: dict[int, set[str]] = defaultdict(set)
    for record in records:
        seen[int(header(record, "notification_id") or 0)].add(header(record, "event_id") or "")
    return seen


async def test_relay_restarted_cleanly_skips_and_repeats_no_position(
    kafka: str, lane: Lane, store_env: dict[str, str]
) -> None:
    app = NoteTaker(env=store_env)
    producer = await producer_for(kafka)
    try:
        save_notes(app, 20)
        first = OutboxRelay(app, producer, translator(lane.outbound), batch_size=7)
        while await first.publish_pending():
            pass
        save_notes(app, 5, start=20)
        second = OutboxRelay(app, producer, translator(lane.outbound), batch_size=7)
        while await second.publish_pending():
            pass
    finally:
        await producer.stop()
    records = await read_topic(
        kafka, lane.outbound, until=lambda found: len(found) >= 26, timeout=8
    )
    assert sorted(by_notification(records)) == list(range(1, 26))
    assert len(records) == 25


async def test_relay_killed_mid_flight_resends_with_the_same_event_ids(
    kafka: str, lane: Lane, store_env: dict[str, str]
) -> None:
    app = NoteTaker(env=store_env)
    save_notes(app, 300)
    env = {**os.environ, "PYTHONPATH": ROOT}
    args = [
        sys.executable,
        "-m",
        "tests.integration.relay_worker",
        kafka,
        lane.outbound,
        json.dumps(store_env),
    ]
    worker = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE)
    await read_topic(kafka, lane.outbound, until=lambda found: len(found) >= 40, timeout=60)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    killed_at = app.recorder.max_tracking_id(position_name("outbox-relay")) or 0
    assert killed_at < 300, "the relay finished before the kill: the test proved nothing"
    producer = await producer_for(kafka)
    try:
        relay = OutboxRelay(app, producer, translator(lane.outbound), batch_size=50)
        while await relay.publish_pending():
            pass
    finally:
        await producer.stop()
    records = await read_topic(kafka, lane.outbound, until=lambda found: len(found) >= 300)
    seen = by_notification(records)
    assert sorted(seen) == list(range(1, 301))
    assert all(len(event_ids) == 1 for event_ids in seen.values())


async def fetch(kafka: str, topic: str, count: int) -> list[Any]:
    return await read_topic(kafka, topic, until=lambda found: len(found) >= count)


async def test_consumer_seeing_the_same_record_twice_changes_nothing(
    kafka: str, lane: Lane, store_env: dict[str, str]
) -> None:
    app = NoteTaker(env=store_env)
    original = message("dup-1")
    value = codec.encode(original)
    await produce(kafka, lane.inbound, [(original.key.encode(), value)])
    [record] = await fetch(kafka, lane.inbound, 1)
    consumer = IdempotentConsumer(app, service="test", max_bytes=65536)
    await consumer.handle([record])
    after_first = app.recorder.max_notification_id()
    await consumer.handle([record])
    # the same event again, at a new offset (a relay re-send)
    await produce(kafka, lane.inbound, [(original.key.encode(), value)])
    records = await fetch(kafka, lane.inbound, 2)
    await consumer.handle(records)
    assert after_first == 1
    assert app.recorder.max_notification_id() == 1
    partition = record.partition
    assert app.position(f"{lane.inbound}:{partition}") == max(r.offset for r in records) + 1


def spec_for(kafka: str, lane: Lane, app: NoteTaker, max_bytes: int) -> ServiceSpec:
    common = CommonSettings(
        kafka_bootstrap_servers=kafka, max_message_bytes=max_bytes, retry_backoff_seconds=0.05
    )
    return ServiceSpec(
        name="plumbing-test",
        common=common,
        application=app,
        translate=translator(lane.outbound),
        tokens=TokenStore({}),
        clock=SystemClock(),
        subscriptions=[Subscription("in", [lane.inbound], app)],
    )


async def wait_for(condition: Any, timeout: float = 30.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.1)


async def test_malformed_records_go_to_the_dead_letter_topic_and_the_next_good_one_is_processed(
    kafka: str, lane: Lane, store_env: dict[str, str]
) -> None:
    app = NoteTaker(env=store_env)
    good = message("good-after-bad")
    missing_text = json.dumps(
        {
            "event_type": "IntakeMessage",
            "channel": "sms",
            "message_id": "no-text",
            "occurred_at": "2026-11-27T10:00:00+08:00",
        }
    ).encode()
    too_large = codec.encode(message("huge", "x" * 3900)) + b" " * 2000
    key = b"sms:bad"
    await produce(
        kafka,
        lane.inbound,
        [(key, b"\xffnot json"), (key, missing_text), (key, too_large), (key, codec.encode(good))],
        headers=[[("x-origin", b"\xfe\xff")], [], [], [("x-origin", b"\xfe")]],
    )
    fastapi_app = build_app(spec_for(kafka, lane, app, max_bytes=4096))
    async with fastapi_app.router.lifespan_context(fastapi_app):
        await wait_for(lambda: app.note_count() == 1)
        dead = await read_topic(
            kafka,
            topics.DEADLETTER,
            until=lambda found: len(found) >= 3,
            where=lambda r: header(r, "lapor.dlq.source.topic") == lane.inbound,
        )
    assert [header(r, "lapor.dlq.reason") for r in dead] == [
        "not-json",
        "invalid-fields",
        "too-large",
    ]
    assert [r.value for r in dead] == [b"\xffnot json", missing_text, too_large]
    assert all(r.key == key for r in dead)
    assert ("x-origin", b"\xfe\xff") in list(dead[0].headers)
    assert {header(r, "lapor.dlq.service") for r in dead} == {"plumbing-test"}
    assert "text" in (header(dead[1], "lapor.dlq.error") or "")
    out = await fetch(kafka, lane.outbound, 1)
    assert [codec.decode(lane.outbound, r.value, 65536).message_id for r in out] == [  # type: ignore[union-attr]
        "good-after-bad"
    ]


async def test_runtime_consumes_publishes_and_commits(
    kafka: str, lane: Lane, store_env: dict[str, str]
) -> None:
    app = NoteTaker(env=store_env)
    sent = [message(f"flow-{n}") for n in range(30)]
    await produce(kafka, lane.inbound, [(m.key.encode(), codec.encode(m)) for m in sent])
    fastapi_app = build_app(spec_for(kafka, lane, app, max_bytes=65536))
    async with fastapi_app.router.lifespan_context(fastapi_app):
        await wait_for(lambda: app.note_count() == 30)
        out = await fetch(kafka, lane.outbound, 30)
    assert sorted(header(r, "notification_id") or "" for r in out) == sorted(
        str(n) for n in range(1, 31)
    )
    consumer = AIOKafkaConsumer(bootstrap_servers=kafka, group_id="lapor-plumbing-test-in")
    await consumer.start()
    try:
        committed = [
            await consumer.committed(TopicPartition(lane.inbound, p)) or 0
            for p in range(topics.PARTITIONS)
        ]
    finally:
        await consumer.stop()
    assert sum(committed) == 30


async def test_poison_records_are_dead_lettered_once_each_and_the_partition_moves_on(
    kafka: str, lane: Lane, store_env: dict[str, str]
) -> None:
    app = NoteTaker(env=store_env)
    deep = b'{"event_type": "IntakeMessage", "x": ' + b"[" * 3000 + b"]" * 3000 + b"}"
    poison = [
        deep,
        codec.encode(message("bug-1", "bug: a policy that crashes")),
        codec.encode(message("rusak-1", "rusak: the store refuses this one")),
        b"\xff not json",
    ]
    key = b"sms:poison"  # one key: one partition, the good record behind the bad ones
    records = [(key, value) for value in poison] + [(key, codec.encode(message("after")))]
    await produce(kafka, lane.inbound, records)
    fastapi_app = build_app(spec_for(kafka, lane, app, max_bytes=65536))
    async with fastapi_app.router.lifespan_context(fastapi_app):
        await wait_for(lambda: app.note_count() == 1)
        dead = await read_topic(
            kafka,
            topics.DEADLETTER,
            until=lambda found: len(found) >= len(poison),  # copies come in the same reads
            where=lambda r: header(r, "lapor.dlq.source.topic") == lane.inbound,
        )
    assert sorted(int(header(r, "lapor.dlq.source.offset") or -1) for r in dead) == [0, 1, 2, 3]
    assert [r.value for r in sorted(dead, key=lambda r: header(r, "lapor.dlq.source.offset"))] == (
        poison
    )
    by_offset = sorted(dead, key=lambda r: header(r, "lapor.dlq.source.offset") or "")
    assert [header(r, "lapor.dlq.reason") for r in by_offset] == [
        "too-deep",
        "processing-failed",
        "processing-failed",
        "not-json",
    ]
    assert any("DataError" in (header(r, "lapor.dlq.error") or "") for r in dead)
