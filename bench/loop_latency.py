"""How long a record waits in the consumer loop, with and without reading ahead during a batch.

    .venv/bin/python -m bench.loop_latency [--rate 60] [--seconds 15] [--process-ms 30]
        [--rounds 2] [--pace-ms 20]

Starts its own Kafka; sends records of a report's size with random keys to a topic of six
partitions at `--rate` per second (the services' producer settings), and runs one `BatchLoop`
(the services' consumer settings) whose batches each hold the worker thread `--process-ms`
(a store transaction that waits, not computes). Measured per record: from its CreateTime to the
moment its batch is handed over. Each round runs the loop with `read_ahead` on
(`ahead`) and off (`no-ahead`: reads only between batches, the default), alternated;
`--pace-ms` sets the read-ahead's pause between reads (`READ_AHEAD_PACE_SECONDS`). CPU:
this process (producer, loop and all) and the broker, per round. Prints JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
import uuid
from typing import Any, cast

from aiokafka import AIOKafkaProducer

from bench.infra_cpu import Infra
from bench.stats import summary
from services.local.infra import LocalKafka
from shared.messaging import read_ahead
from shared.messaging.admin import ensure_topics
from shared.messaging.consumer import IdempotentConsumer
from shared.messaging.loop import BatchLoop
from shared.messaging.worker import Worker

VALUE = b"x" * 900  # about a ReportAccepted
DRAIN_SECONDS = 2.0


class Timed:
    """The handler: notes each record's wait at hand-over, then holds the worker thread."""

    def __init__(self, process_ms: float) -> None:
        self.process_s = process_ms / 1000
        self.waits: list[int] = []
        self.batches = 0
        self.worker = Worker("loop-latency")

    async def handle_fetch(self, batches: dict[tuple[str, int], list[Any]]) -> dict[Any, Any]:
        now = int(time.time() * 1000)
        self.waits += [now - r.timestamp for records in batches.values() for r in records]
        self.batches += 1
        await self.worker.run(time.sleep, self.process_s)
        return {}

    def forget_positions(self) -> None:
        return None

    def close(self) -> None:
        self.worker.close()


async def _send(kafka: str, topic: str, rate: float, seconds: float) -> int:
    producer = AIOKafkaProducer(
        bootstrap_servers=kafka, acks="all", enable_idempotence=True, linger_ms=5
    )
    await producer.start()
    try:
        began, n = time.monotonic(), 0
        while time.monotonic() - began < seconds:
            await asyncio.sleep(max(0.0, began + n / rate - time.monotonic()))
            await producer.send(topic, VALUE, key=uuid.uuid4().bytes)
            n += 1
        await producer.flush()
        return n
    finally:
        await producer.stop()


async def _round(kafka: str, infra: Infra, ahead: bool, args: Any) -> dict[str, Any]:
    topic = f"lapor.bench.loop.{uuid.uuid4().hex[:8]}.v1"
    await ensure_topics(kafka, [topic])
    handler = Timed(args.process_ms)
    loop = BatchLoop(cast(IdempotentConsumer, handler), [topic], group_id=topic,
                     client={"bootstrap_servers": kafka}, client_id="loop-latency",
                     max_records=200, read_ahead=ahead)  # fmt: skip
    await loop.start()
    stopping = asyncio.Event()
    running = asyncio.create_task(loop.run(stopping))
    while not loop.consumer.assignment():
        await asyncio.sleep(0.05)
    infra.mark()
    cpu = time.process_time()
    sent = await _send(kafka, topic, args.rate, args.seconds)
    deadline = time.monotonic() + 30
    while len(handler.waits) < sent and time.monotonic() < deadline:
        await asyncio.sleep(DRAIN_SECONDS / 10)
    cpu = time.process_time() - cpu
    infra.end()
    stopping.set()
    await running
    return {
        "variant": "ahead" if ahead else "no-ahead",
        "sent": sent,
        "handed_over": len(handler.waits),
        "wait_ms": summary(handler.waits),
        "mean_wait_ms": round(sum(handler.waits) / max(1, len(handler.waits)), 1),
        "records_per_batch": round(len(handler.waits) / max(1, handler.batches), 2),
        "cpu_s": round(cpu, 2),
        "kafka_cpu_s": infra.cpu_s().get("kafka"),
    }


async def _measure(kafka: str, args: Any) -> list[dict[str, Any]]:
    infra = Infra.find({"kafka": kafka})
    rounds = []
    for _ in range(args.rounds):
        for ahead in (False, True):
            rounds.append(await _round(kafka, infra, ahead, args))
            print(json.dumps(rounds[-1]), flush=True)
    return rounds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=60.0)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--process-ms", type=float, default=30.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--pace-ms", type=float, default=None, help="the read-ahead's pace")
    args = parser.parse_args()
    if args.pace_ms is not None:
        read_ahead.READ_AHEAD_PACE_SECONDS = args.pace_ms / 1000
    with LocalKafka() as kafka:
        rounds = asyncio.run(_measure(kafka.bootstrap_servers, args))
    print(json.dumps({"args": vars(args), "load_average": os.getloadavg(), "rounds": rounds}))


if __name__ == "__main__":
    main()
