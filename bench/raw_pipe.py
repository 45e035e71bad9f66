"""The raw pipe: four bare stages in a chain, what four hops cost with no framework.

Each stage is its own process (as each service is): an aiokafka consumer polls up to the batch
size the services use, writes one row per message in one database transaction per partition
batch, produces every message to the next topic, waits for the broker's acknowledgement and
commits its offsets. `python -m bench.raw_pipe RUN STAGE KAFKA STORE TARGET` runs one stage.
"""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import sys
from collections.abc import Sequence
from typing import Any, Protocol

import psycopg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from shared.runtime import Subscription

STAGES = 4
BATCH = Subscription.__dataclass_fields__["max_records"].default
POLL_MS = 100  # the services' batch_timeout_ms


def topic(run: str, stage: int) -> str:
    """The topic stage `stage` writes in run `run` (stage 0 is the input)."""
    return f"bench.{run}.raw.{stage}"


class Rows(Protocol):
    """One stage's table: one row per message, one transaction per batch."""

    def write(self, rows: Sequence[tuple[str, int, int, bytes | None, bytes | None]]) -> None: ...


class SqliteRows:
    """Rows in a SQLite file of the stage's own (as each service has its own file)."""

    def __init__(self, path: str) -> None:
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS rows (topic TEXT, part INTEGER, off INTEGER, "
            "key BLOB, value BLOB, PRIMARY KEY (topic, part, off))"
        )

    def write(self, rows: Sequence[tuple[str, int, int, bytes | None, bytes | None]]) -> None:
        self._db.execute("BEGIN")
        self._db.executemany("INSERT OR IGNORE INTO rows VALUES (?, ?, ?, ?, ?)", rows)
        self._db.execute("COMMIT")


class PostgresRows:
    """Rows in a PostgreSQL database of the stage's own."""

    def __init__(self, url: str) -> None:
        self._db = psycopg.connect(url)
        with self._db.transaction():
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS rows (topic TEXT, part INTEGER, off BIGINT, "
                "key BYTEA, value BYTEA, PRIMARY KEY (topic, part, off))"
            )

    def write(self, rows: Sequence[tuple[str, int, int, bytes | None, bytes | None]]) -> None:
        with self._db.transaction(), self._db.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO rows VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING", rows
            )


async def run_stage(run: str, stage: int, kafka: str, rows: Rows, stop: asyncio.Event) -> None:
    """Consume the previous topic, store, forward to the next, until `stop`."""
    consumer = AIOKafkaConsumer(
        topic(run, stage - 1),
        bootstrap_servers=kafka,
        group_id=f"bench-{run}-raw-{stage}",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    producer = AIOKafkaProducer(
        bootstrap_servers=kafka, acks="all", enable_idempotence=True, linger_ms=5
    )
    await producer.start()
    await consumer.start()
    try:
        while not consumer.assignment():
            await consumer.getmany(timeout_ms=POLL_MS)  # joins the group; nothing is published yet
        print("ready", flush=True)
        while not stop.is_set():
            batches = await consumer.getmany(timeout_ms=POLL_MS, max_records=BATCH)
            for tp, records in batches.items():
                await _forward(topic(run, stage), tp, records, rows, producer)
            if batches:
                await consumer.commit()
    finally:
        await consumer.stop()
        await producer.stop()


async def _forward(
    out: str, tp: Any, records: Sequence[Any], rows: Rows, producer: AIOKafkaProducer
) -> None:
    await asyncio.to_thread(
        rows.write, [(tp.topic, tp.partition, r.offset, r.key, r.value) for r in records]
    )
    sent = [await producer.send(out, r.value, key=r.key) for r in records]
    await asyncio.gather(*sent)


def open_rows(store: str, target: str) -> Rows:
    """The stage's table in a SQLite file or a PostgreSQL database."""
    return SqliteRows(target) if store == "sqlite" else PostgresRows(target)


async def _main(run: str, stage: int, kafka: str, store: str, target: str) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    await run_stage(run, stage, kafka, open_rows(store, target), stop)


if __name__ == "__main__":
    run_arg, stage_arg, kafka_arg, store_arg, target_arg = sys.argv[1:6]
    asyncio.run(_main(run_arg, int(stage_arg), kafka_arg, store_arg, target_arg))
