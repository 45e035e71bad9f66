"""The outbox relay's own cost per row on a real broker: read, send, acknowledge, position.

    .venv/bin/python -m bench.relay_cost [--rows 10000] [--rounds 3] [--batch 500]
        [--store memory|sqlite|postgres]

A store (in memory by default: the sending alone) holds `--rows` outbox rows as the services
write them: ten per report under the report's key, spread over three topics of six partitions,
a report's size of value bytes and the headers a lapor producer sets. A relay of a new name
publishes them all (`publish_pending` until none is left, reading the rows and storing its
position) with a producer set as the services' (`acks=all`, idempotent, `linger_ms=5`), once
per way of sending and round, the ways alternating back to back: `each` (one `send` per row,
main at 603d6be) and `batch` (one record batch per partition, `shared.messaging.batches`).
Prints JSON: this process's CPU-seconds (every thread) per 10,000 rows per way (median and
every round). Kafka and PostgreSQL are started unless `LAPOR_KAFKA_BOOTSTRAP_SERVERS` /
`LAPOR_DATABASE_URL` are set.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import time
import uuid
from collections.abc import Sequence
from typing import Any

from aiokafka import AIOKafkaProducer

from bench.plumbing_cost import store_env
from services.local.infra import LocalKafka
from shared.messaging import relay as relay_module
from shared.messaging.admin import ensure_topics
from shared.messaging.batches import send_rows
from shared.messaging.outbox import OutboxRow
from shared.messaging.relay import OutboxRelay
from shared.processing import BatchProcessApplication

ROWS_PER_REPORT = 10
MEMORY = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
VALUE = (b'{"text": "Pipa PDAM bocor di depan masjid, air menggenangi jalan", "n": 0} ' * 12)[:900]


async def send_each(producer: Any, rows: Sequence[OutboxRow]) -> None:
    """The relay's sends before batches: one `send` per row, every future awaited at once."""
    send = producer.send
    pending = [
        await send(r.topic, value=r.value, key=r.key, headers=r.record_headers()) for r in rows
    ]
    await asyncio.gather(*pending)


WAYS = {"each": send_each, "batch": send_rows}


class Quiet(BatchProcessApplication):
    """A store whose outbox the bench fills directly."""

    def policy(self, domain_event: Any, processing_event: Any) -> None:
        return None


def nothing(domain_event: Any) -> list[Any]:
    return []


def outbox_rows(count: int, topics: Sequence[str]) -> list[OutboxRow]:
    rows = []
    for n in range(count):
        report = n // ROWS_PER_REPORT
        key = f"web:{uuid.UUID(int=report)}".encode()
        headers = (
            ("event_type", b"ReportAccepted"),
            ("schema_version", b"1"),
            ("event_id", str(uuid.uuid4()).encode()),
        )
        rows.append(OutboxRow(topics[n % len(topics)], key, VALUE, headers))
    return rows


async def one_round(kafka: str, app: Quiet, way: str, rows: int, batch: int) -> float:
    producer = AIOKafkaProducer(
        bootstrap_servers=kafka, acks="all", enable_idempotence=True, linger_ms=5
    )
    await producer.start()
    name = f"bench-{way}-{uuid.uuid4().hex[:8]}"  # a new relay: from the first row
    relay = OutboxRelay(app, producer, nothing, name=name, batch_size=batch)
    first = relay._recorder.select_outbox(0, 1)[0]
    relay_module.send_rows = WAYS[way]  # type: ignore[assignment]
    try:
        await producer.send_and_wait(first.topic, b"warm", key=b"warm")  # metadata, connection
        started = time.process_time()
        while await relay.publish_pending():
            pass
        spent = time.process_time() - started
    finally:
        relay_module.send_rows = send_rows
        await producer.stop()
    assert relay.published == rows, (relay.published, rows)
    return spent


async def measure(
    kafka: str, env: dict[str, str], count: int, rounds: int, batch: int
) -> dict[str, Any]:
    topics = [f"lapor.bench.relay.{uuid.uuid4().hex[:8]}.{n}.v1" for n in range(3)]
    await ensure_topics(kafka, topics)
    app = Quiet(env=env)
    rows = outbox_rows(count, topics)
    for start in range(0, count, 1000):
        app.recorder.insert_events([], outbox=rows[start : start + 1000])
    spent: dict[str, list[float]] = {way: [] for way in WAYS}
    for _ in range(rounds):
        for way in WAYS:
            spent[way].append(await one_round(kafka, app, way, count, batch) * 10_000 / count)
    app.close()
    return {
        "rows": count,
        "batch": batch,
        "store": env["PERSISTENCE_MODULE"],
        "cpu_s_per_10000_rows": {w: round(statistics.median(s), 3) for w, s in spent.items()},
        "rounds": {w: [round(x, 3) for x in s] for w, s in spent.items()},
        "load_average": os.getloadavg(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--store", choices=("memory", "sqlite", "postgres"), default="memory")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        kafka = os.environ.get("LAPOR_KAFKA_BOOTSTRAP_SERVERS")
        kafka = kafka or stack.enter_context(LocalKafka()).bootstrap_servers
        env = MEMORY if args.store == "memory" else stack.enter_context(store_env(args.store))
        result = asyncio.run(measure(kafka, env, args.rows, args.rounds, args.batch))
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
