"""A flood of bad records on every topic the services read, on the real broker and PostgreSQL.

Each bad record must be dead-lettered exactly once by each service that reads its topic, records
of a newer producer's event type are skipped without a dead letter, and a good report sent after
the flood still reaches the reporter. A body acting for another on its own actions topic is
refused (tracking's body rule), with the dead letter saying why.
"""

from __future__ import annotations

import asyncio
import json
import random
import uuid
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from shared import contracts as c
from shared import topics
from shared.messaging import codec
from tests.e2e.conftest import System
from tests.e2e.test_report_path import intake_message, public_status, records_about, submit
from tests.kafka_helpers import header
from tests.services_in_memory import close_all, consumers_by_topic, in_memory_services

pytestmark = pytest.mark.e2e

BAD_RECORDS = 2_100
Key = tuple[str, str, int, int]  # service, source topic, partition, offset


def bad_value(rng: random.Random, event_types: list[str]) -> bytes | None:
    """One record no consumer can act on, of a kind drawn at random."""
    kinds: list[Callable[[], bytes | None]] = [
        lambda: bytes(rng.randrange(256) for _ in range(rng.randrange(1, 40))) + b"\xff",
        lambda: None,
        lambda: b"[" * 3000 + b"]" * 3000,
        lambda: b'{"event_type": "' + rng.choice(event_types).encode(),  # cut short
        lambda: json.dumps(rng.choice([[1, 2], "teks", 42, None, True])).encode(),
        lambda: json.dumps({"tanpa_event_type": rng.random()}).encode(),
        lambda: json.dumps({"event_type": rng.choice([7, None, ["x"], {"a": 1}])}).encode(),
        lambda: json.dumps({"event_type": rng.choice(event_types)}).encode(),
        lambda: json.dumps(
            {"event_type": rng.choice(event_types), "report_id": "bukan-uuid", "x": "\x00"}
        ).encode(),
        lambda: (
            json.dumps({"event_type": rng.choice(event_types)}).encode()[:-1]
            + b', "x": '
            + b"[" * 2500
            + b"]" * 2500
            + b"}"
        ),
    ]
    return rng.choice(kinds)()


def key_for(rng: random.Random) -> bytes:
    return str(uuid.UUID(int=rng.getrandbits(128))).encode()  # spreads over the partitions


def acting_for_pdam_on_dlh(rng: random.Random) -> bytes:
    """A well-formed action naming PDAM, sent on DLH's actions topic."""
    action = c.Acknowledge(
        report_id=uuid.UUID(int=rng.getrandbits(128)),
        tracking_id="LPR-FLOOD001",
        occurred_at=datetime.now(UTC),
        skpd_code="PDAM",
    )
    return codec.encode(action)


async def send_all(
    bootstrap: str, records: list[tuple[str, bytes, bytes | None]]
) -> list[tuple[str, int, int]]:
    """Send (topic, key, value) records; where each landed."""
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        acks="all",
        linger_ms=50,
        max_batch_size=1_000_000,
        max_request_size=2_000_000,
    )
    await producer.start()
    try:
        futures = [await producer.send(t, value=v, key=k) for t, k, v in records]
        landed = [await f for f in futures]
    finally:
        await producer.stop()
    return [(m.topic, m.partition, m.offset) for m in landed]


def source_of(record: Any) -> tuple[str, int, int]:
    """Where a dead letter's record came from."""
    return (
        header(record, "lapor.dlq.source.topic") or "",
        int(header(record, "lapor.dlq.source.partition") or -1),
        int(header(record, "lapor.dlq.source.offset") or -1),
    )


async def dead_letters(
    bootstrap: str, expected: set[Key], timeout: float = 180.0
) -> dict[Key, list[str]]:
    """The reasons of every dead letter of the expected records' sources, once all are in."""
    wanted = {(topic, partition, offset) for _, topic, partition, offset in expected}
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    found: dict[Key, list[str]] = defaultdict(list)
    try:
        partitions = [TopicPartition(topics.DEADLETTER, p) for p in range(topics.PARTITIONS)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        deadline = asyncio.get_running_loop().time() + timeout
        while not expected <= set(found):
            missing = len(expected - set(found))
            assert asyncio.get_running_loop().time() < deadline, f"{missing} dead letters missing"
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for record in records:
                    if source_of(record) in wanted:
                        service = header(record, "lapor.dlq.service") or ""
                        reason = header(record, "lapor.dlq.reason") or ""
                        found[(service, *source_of(record))].append(reason)
        return found
    finally:
        await consumer.stop()


@pytest.fixture(scope="module")
def readers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    """Which service reads which topic, from the services' own subscriptions."""
    services = in_memory_services(Path(tmp_path_factory.mktemp("readers")))
    try:
        return consumers_by_topic(services)
    finally:
        close_all(services)


def test_a_flood_of_bad_records_is_dead_lettered_once_per_reader_and_a_good_report_goes_through(
    system: System, readers: dict[str, set[str]]
) -> None:
    rng = random.Random(20261127)
    read_topics = sorted(readers)
    bad = []
    for n in range(BAD_RECORDS):
        topic = read_topics[n % len(read_topics)]
        bad.append((topic, key_for(rng), bad_value(rng, list(codec.events_for(topic)))))
    bad += [(topics.INTAKE, b"big", b'{"event_type": "IntakeMessage", "x": "' + b"a" * 70_000)]
    dlh_actions = topics.skpd_actions_topic("DLH")
    bad += [(dlh_actions, key_for(rng), acting_for_pdam_on_dlh(rng)) for _ in range(30)]
    newer = json.dumps({"event_type": "ReportTeleported", "schema_version": 9}).encode()
    skipped = [(topics.REPORTS, key_for(rng), newer) for _ in range(20)]
    landed = asyncio.run(send_all(system.kafka, bad + skipped))
    expected = {
        (service, topic, partition, offset)
        for topic, partition, offset in landed[: len(bad)]
        for service in readers[topic]
    }

    # its own sender: the session's other reports from a shared number could trip the flood rule
    message = intake_message("Air PDAM mati sejak subuh di Jl. Pramuka", "+6281255506543")
    tracking_id = submit(system, message)
    outbound = records_about(system, topics.outbound_topic("sms"), tracking_id, 1)
    assert outbound, "the good report did not reach the reporter"

    found = asyncio.run(dead_letters(system.kafka, expected))
    assert set(found) == expected  # and none for the newer producer's events
    twice = [key for key, reasons in found.items() if len(reasons) > 1]
    assert twice == []
    assert len(expected) >= BAD_RECORDS
    for name in ("intake", "routing", "tracking", "notification"):
        assert httpx.get(f"{system.url(name)}/health/ready", timeout=5).status_code == 200


def test_dlh_acting_for_a_pdam_report_is_refused_and_the_report_stays_open(
    system: System,
) -> None:
    message = intake_message("Air PDAM tidak mengalir di Jl. Belitung Darat", "+6281255508888")
    tracking_id = submit(system, message)
    status = public_status(system, tracking_id, "PDAM")
    [routed] = records_about(system, topics.skpd_topic("PDAM"), tracking_id, 1)
    report_id = uuid.UUID(json.loads(routed.value)["report_id"])
    now = datetime.now(UTC)
    ids = {"report_id": report_id, "tracking_id": tracking_id, "occurred_at": now}
    acting = [
        c.Acknowledge(**ids, skpd_code="PDAM"),
        c.Resolve(**ids, skpd_code="PDAM", text="Sudah kami selesaikan"),
    ]
    dlh_actions = topics.skpd_actions_topic("DLH")
    landed = asyncio.run(
        send_all(system.kafka, [(dlh_actions, routed.key, codec.encode(a)) for a in acting])
    )
    expected = {("tracking", *where) for where in landed}
    found = asyncio.run(dead_letters(system.kafka, expected, timeout=60))
    assert [found[("tracking", *where)] for where in landed] == [["ActingForAnotherBody"]] * 2
    answer = httpx.get(f"{system.url('tracking')}/v1/reports/{tracking_id}", timeout=5).json()
    assert answer["status"] == status["status"] == "Terdisposisi: Belum Ditindaklanjuti"
