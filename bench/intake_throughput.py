"""Intake throughput on the real broker: N adapter messages consumed, recorded and relayed.

    .venv/bin/python -m bench.intake_throughput --messages 5000 --store sqlite
    .venv/bin/python -m bench.intake_throughput --messages 5000 --store postgres

Starts its own Kafka (and PostgreSQL) with the test scripts unless LAPOR_KAFKA_BOOTSTRAP_SERVERS
(LAPOR_DATABASE_URL) is set; then it should be a broker with no other intake traffic.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from aiokafka import AIOKafkaProducer

from intake.bootstrap import bootstrap
from intake.settings import IntakeSettings
from services.local.infra import LocalKafka, LocalPostgres
from shared import topics
from shared.contracts import Channel, IntakeMessage, Location, Reporter
from shared.messaging import codec
from shared.messaging.admin import ensure_topics
from shared.runtime import build_app
from shared.settings import CommonSettings


@contextlib.contextmanager
def infrastructure(store: str) -> Iterator[tuple[str, str | None]]:
    """A broker (and a database server for the postgres store)."""
    with contextlib.ExitStack() as stack:
        kafka = (
            os.environ.get("LAPOR_KAFKA_BOOTSTRAP_SERVERS")
            or stack.enter_context(LocalKafka()).bootstrap_servers
        )
        database = None
        if store == "postgres":
            database = (
                os.environ.get("LAPOR_DATABASE_URL") or stack.enter_context(LocalPostgres()).url
            )
        yield kafka, database


async def publish(kafka: str, count: int) -> float:
    """Publish `count` distinct adapter messages; returns seconds taken."""
    producer = AIOKafkaProducer(bootstrap_servers=kafka, acks="all", linger_ms=5)
    await producer.start()
    started = time.perf_counter()
    now = datetime.now(UTC)
    try:
        pending = []
        for n in range(count):
            message = IntakeMessage(
                occurred_at=now,
                received_at=now,
                channel=Channel.WEB,
                message_id=f"bench-{uuid.uuid4()}",
                text=f"Air PDAM mati di Jl. Veteran nomor {n} sejak pagi tadi",
                location=Location(kecamatan="Banjarmasin Timur"),
                reporter=Reporter(handle=f"bench-{n}"),
            )
            pending.append(
                await producer.send(
                    topics.INTAKE, value=codec.encode(message), key=message.key.encode()
                )
            )
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
    return time.perf_counter() - started


async def measure(kafka: str, database: str | None, count: int) -> None:
    await ensure_topics(kafka)
    folder = Path(tempfile.mkdtemp(prefix="lapor-bench-"))
    common = CommonSettings(
        kafka_bootstrap_servers=kafka,
        database_url=database,
        state_dir=folder,
        instance=f"bench{uuid.uuid4().hex[:8]}",
    )
    spec = bootstrap(IntakeSettings(common=common))
    print(f"publishing {count} messages ...")
    print(f"  published in {await publish(kafka, count):.1f} s")
    app = build_app(spec)
    started = time.perf_counter()
    async with app.router.lifespan_context(app):
        relay = app.state.runtime.relay
        while relay.published < count:  # one event per report since F3
            await asyncio.sleep(0.05)
        elapsed = time.perf_counter() - started
    store = "PostgreSQL" if database else "SQLite"
    print(
        f"intake on {store}: {count} messages consumed, recorded, screened and relayed "
        f"({relay.published} events) in {elapsed:.1f} s = {count / elapsed:,.0f} msgs/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--store", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()
    with infrastructure(args.store) as (kafka, database):
        asyncio.run(measure(kafka, database, args.messages))


if __name__ == "__main__":
    main()
