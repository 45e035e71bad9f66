"""The consuming side's own cost per record, on the real broker and store: fetch, decode, one
transaction per partition batch, and the relay publishing what the batches recorded.

    .venv/bin/python -m bench.consume_cost [--records 3000] [--rate 300] [--store postgres|sqlite]
                                           [--preload]
    .venv/bin/python -m bench.consume_cost --dry [--records 60000] [--per-fetch 20]

A producer process sends `ReportAccepted` records of a report's size (keys spread over the six
partitions, the headers a lapor producer sets) at `--rate` records per second (0: as fast as it
can); this process consumes them as a service does (`BatchLoop` feeding an `IdempotentConsumer`,
the relay woken by writes), with a stand-in application that records one event and one outbox
row per record and no rules of a context. Prints JSON: this process's CPU (every thread) per
record from the first record sent to the last one relayed, and the consumer's fetches. With
`--preload` every record is on the broker before the consumer starts, so that fetches and
partition batches are as large as the consumer takes them (the same in every run: an A/B of the
cost per record that the machine's load cannot skew by batching differently). Kafka and
PostgreSQL are started unless `LAPOR_KAFKA_BOOTSTRAP_SERVERS` / `LAPOR_DATABASE_URL` are set.

`--dry` measures the consumer's own part alone, in process, without broker or store: fetches of
`--per-fetch` records over the six partitions (the records aiokafka would hand over, the same in
every run) through `IdempotentConsumer.handle_fetch` to an application that records nothing:
the headers read, the decoding, the bookkeeping and the hop to the worker thread, per record.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from functools import singledispatchmethod
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.structs import ConsumerRecord
from eventsourcing.domain import Aggregate, event

from bench.plumbing_cost import store_env
from services.local.infra import LocalKafka
from shared import contracts as c
from shared.messaging import codec
from shared.messaging.admin import ensure_topics
from shared.messaging.consumer import IdempotentConsumer
from shared.messaging.loop import BatchLoop
from shared.messaging.relay import OutboxRelay, Outgoing
from shared.processing import BatchProcessApplication, derived_id
from shared.wakeup import listen_for_writes

AT = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
TEXT = "Lampu jalan di simpang Jalan Veteran mati sejak seminggu, rawan kecelakaan malam hari. " * 4


class Taken(Aggregate):
    """A report as a context would keep it (one event of a report's size)."""

    @event("Taken")
    def __init__(self, tracking_id: str, text: str) -> None:
        self.tracking_id = tracking_id
        self.text = text


class StandIn(BatchProcessApplication):
    """Records one aggregate per accepted report; nothing else."""

    @singledispatchmethod
    def policy(self, domain_event: Any, processing_event: Any) -> None:
        """Nothing to do."""

    @policy.register
    def _(self, report: c.ReportAccepted, processing_event: Any) -> None:
        processing_event.collect_events(Taken(report.tracking_id, report.text))


def translator(topic: str) -> Any:
    """Each taken report goes out as one event."""

    def translate(domain_event: Any) -> list[Outgoing]:
        if not isinstance(domain_event, Taken.Taken):  # type: ignore[attr-defined]
            return []
        out = c.ReportHeld(
            event_id=derived_id("bench-held", domain_event.originator_id),
            occurred_at=AT,
            report_id=domain_event.originator_id,
            tracking_id=domain_event.tracking_id,
            reason="bench",
        )
        return [Outgoing(topic, str(domain_event.originator_id), out)]

    return translate


def report(n: int) -> c.ReportAccepted:
    return c.ReportAccepted(
        report_id=derived_id("bench-report", n), tracking_id=f"LPR-2026-{n:06d}",
        occurred_at=AT, received_at=AT, channel=c.Channel.WEB, kind=c.ReportKind.PENGADUAN,
        title="Lampu jalan mati", text=TEXT[:300], reporter_ref=f"rref-{n % 997}",
    )  # fmt: skip


async def produce(kafka: str, topic: str, records: int, rate: float) -> None:
    """The producer process: `records` reports at `rate` per second."""
    producer = AIOKafkaProducer(bootstrap_servers=kafka, acks="all", linger_ms=5)
    await producer.start()
    started = time.perf_counter()
    try:
        sent = []
        for n in range(records):
            event = report(n)
            value, headers = codec.encode(event), codec.headers(event)
            sent.append(
                await producer.send(
                    topic, value=value, key=str(event.report_id).encode(), headers=headers
                )
            )
            if rate > 0 and (ahead := (n + 1) / rate - (time.perf_counter() - started)) > 0:
                await asyncio.sleep(ahead)
        await asyncio.gather(*sent)
    finally:
        await producer.stop()


class Counted(IdempotentConsumer):
    """Counts the fetches and partition batches handed over."""

    fetches = 0
    batches = 0

    async def handle_fetch(self, batches: Any) -> Any:
        self.fetches += 1
        self.batches += len(batches)
        return await super().handle_fetch(batches)


async def consume(
    kafka: str, env: dict[str, str], records: int, rate: float, preload: bool = False
) -> dict[str, Any]:
    name = uuid.uuid4().hex[:8]
    inbound, outbound = f"lapor.bench.{name}.in.v1", f"lapor.bench.{name}.out.v1"
    codec.register_topic(inbound, (c.ReportAccepted,))
    await ensure_topics(kafka, [inbound, outbound])
    app = StandIn(env=env)
    producer = AIOKafkaProducer(
        bootstrap_servers=kafka, acks="all", enable_idempotence=True, linger_ms=5
    )
    await producer.start()
    relay = OutboxRelay(app, producer, translator(outbound), name="bench-relay")
    handler = Counted(app, service="bench", max_bytes=65536)
    client = {"bootstrap_servers": kafka}
    loop = BatchLoop(handler, [inbound], group_id=f"bench-{name}", client=client,
                     client_id="bench", max_records=200)  # fmt: skip
    args = [sys.executable, "-m", "bench.consume_cost", "--produce-to", inbound, "--kafka", kafka]
    args += ["--records", str(records), "--rate", str(0 if preload else rate)]
    if preload:
        subprocess.run(args, check=True)
    await loop.start()
    stopping = asyncio.Event()
    cpu, wall = time.process_time(), time.perf_counter()
    tasks = [asyncio.create_task(job(stopping)) for job in (loop.run, relay.run)]
    tasks.append(asyncio.create_task(listen_for_writes(app, stopping)))
    if not preload:
        while not loop.consumer.assignment():
            await asyncio.sleep(0.05)
        cpu, wall = time.process_time(), time.perf_counter()
    sender = None if preload else subprocess.Popen(args)
    while relay.published < records:
        await asyncio.sleep(0.05)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    if sender is not None:
        sender.wait()
    stopping.set()
    await asyncio.gather(*tasks)
    await producer.stop()
    app.close()
    return {
        "records": records,
        "rate": "preloaded" if preload else rate,
        "cpu_ms_per_record": round(1000 * cpu / records, 4),
        "wall_s": round(wall, 2),
        "fetches": handler.fetches,
        "partition_batches": handler.batches,
        "load_average": os.getloadavg(),
    }


class Nothing:
    """An application that records nothing (the consumer's own cost alone)."""

    def position(self, tracking_name: str) -> int | None:
        return None

    def process_batch(self, messages: Any, tracking: Any, **options: Any) -> Any:
        return []


def dry(records: int, per_fetch: int) -> dict[str, Any]:
    """The consumer's own CPU per record: fetches handed over as aiokafka would."""
    topic = "lapor.bench.dry.v1"
    codec.register_topic(topic, (c.ReportAccepted,))
    fetches = []
    for start in range(0, records, per_fetch):
        batches: dict[tuple[str, int], list[ConsumerRecord[bytes, bytes]]] = {}
        for n in range(start, min(start + per_fetch, records)):
            event = report(n)
            value, headers = codec.encode(event), [*codec.headers(event), ("notification_id", b"7")]
            partition = n % 6
            record = ConsumerRecord(topic, partition, n, 0, 0, b"k", value, None, 1, len(value),
                                    headers)  # fmt: skip
            batches.setdefault((topic, partition), []).append(record)
        fetches.append(batches)

    async def run() -> float:
        handler = IdempotentConsumer(Nothing(), service="bench", max_bytes=65536)
        cpu = time.process_time()
        for batches in fetches:
            await handler.handle_fetch(batches)
        return time.process_time() - cpu

    cpu = asyncio.run(run())
    return {
        "records": records,
        "per_fetch": per_fetch,
        "cpu_us_per_record": round(1e6 * cpu / records, 2),
        "cpu_us_per_fetch": round(1e6 * cpu / len(fetches), 1),
        "load_average": os.getloadavg(),
    }


def measure(records: int, rate: float, store: str, preload: bool = False) -> dict[str, Any]:
    with contextlib.ExitStack() as stack:
        kafka = os.environ.get("LAPOR_KAFKA_BOOTSTRAP_SERVERS")
        kafka = kafka or stack.enter_context(LocalKafka()).bootstrap_servers
        env = stack.enter_context(store_env(store))
        return {"store": store, **asyncio.run(consume(kafka, env, records, rate, preload))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=3000)
    parser.add_argument("--rate", type=float, default=300.0)
    parser.add_argument("--store", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--preload", action="store_true", help="send every record first")
    parser.add_argument("--dry", action="store_true", help="the consumer's own part alone")
    parser.add_argument("--per-fetch", type=int, default=20, help="records per fetch (--dry)")
    parser.add_argument("--produce-to", help=argparse.SUPPRESS)
    parser.add_argument("--kafka", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.dry:
        print(json.dumps(dry(args.records, args.per_fetch), indent=1))
        return
    if args.produce_to:
        asyncio.run(produce(args.kafka, args.produce_to, args.records, args.rate))
        return
    print(json.dumps(measure(args.records, args.rate, args.store, args.preload), indent=1))


if __name__ == "__main__":
    main()
