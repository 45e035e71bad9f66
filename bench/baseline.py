"""Runs the raw pipe once: its four stages as processes, a load through them, the output rate."""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import psycopg
from aiokafka import AIOKafkaConsumer

from bench import raw_pipe
from bench.generator import Record
from bench.load import publish, require_loopback
from bench.stats import sustained_rate
from shared.messaging.admin import ensure_topics


class BaselineError(RuntimeError):
    """The raw pipe did not carry its load."""


@dataclass(frozen=True)
class Baseline:
    """What came out of the fourth stage, and when (ms since the epoch)."""

    started_ms: int
    out_ms: list[int]

    @property
    def rate(self) -> float:
        """Messages per second out of the fourth stage, sustained."""
        return sustained_rate(self.started_ms, self.out_ms)


def targets(store: str, folder: Path, database_url: str | None, instance: str) -> list[str]:
    """Where each stage keeps its rows: a SQLite file or a database of its own."""
    if store == "sqlite":
        return [str(folder / f"raw-stage{n}.sqlite") for n in range(1, raw_pipe.STAGES + 1)]
    assert database_url is not None
    names = [f"{instance}_raw{n}" for n in range(1, raw_pipe.STAGES + 1)]
    with psycopg.connect(database_url, autocommit=True) as server:
        for name in names:
            server.execute(f'CREATE DATABASE "{name}"')
    base = database_url.rsplit("/", 1)[0]
    return [f"{base}/{name}" for name in names]


@contextlib.asynccontextmanager
async def stages(
    run: str, kafka: str, store: str, where: Sequence[str], log: Path
) -> AsyncIterator[None]:
    """The four stage processes, each ready (in its group, partitions assigned)."""
    running: list[asyncio.subprocess.Process] = []
    try:
        with open(log, "ab") as out:
            for n, target in enumerate(where, start=1):
                running.append(
                    await asyncio.create_subprocess_exec(
                        sys.executable,
                        "-m",
                        "bench.raw_pipe",
                        run,
                        str(n),
                        kafka,
                        store,
                        target,
                        stdin=asyncio.subprocess.DEVNULL,
                        stdout=asyncio.subprocess.PIPE,
                        stderr=out,
                    )
                )
        for process in running:
            await _ready(process, log)
        yield
    finally:
        for process in running:
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
        for process in running:
            await process.wait()


async def _ready(process: asyncio.subprocess.Process, log: Path, timeout: float = 120.0) -> None:
    assert process.stdout is not None
    try:
        line = await asyncio.wait_for(process.stdout.readline(), timeout)
    except TimeoutError:
        line = b""
    if line.strip() != b"ready":
        raise BaselineError(f"a raw pipe stage did not start; see {log}")


async def measure(
    kafka: str,
    store: str,
    where: Sequence[str],
    records: Sequence[Record],
    folder: Path,
    run: str,
    *,
    progress: Callable[[int], None] = lambda _: None,
    timeout: float = 300.0,
) -> Baseline:
    """Put `records` through the four stages as fast as they go; time the fourth's output."""
    require_loopback(kafka)
    await ensure_topics(kafka, [raw_pipe.topic(run, n) for n in range(raw_pipe.STAGES + 1)])
    async with stages(run, kafka, store, where, folder / "raw-pipe.log"):
        started_ms = int(time.time() * 1000)
        publishing = asyncio.create_task(publish(kafka, raw_pipe.topic(run, 0), records))
        out = await _collect(
            raw_pipe.topic(run, raw_pipe.STAGES), kafka, len(records), progress, timeout
        )
        await publishing
    return Baseline(started_ms, out)


async def _collect(
    topic: str, kafka: str, count: int, progress: Callable[[int], None], timeout: float
) -> list[int]:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=kafka,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    out: list[int] = []
    deadline = time.monotonic() + timeout
    try:
        while len(out) < count:
            if time.monotonic() > deadline:
                raise BaselineError(f"raw pipe: {len(out)} of {count} out in {timeout:.0f} s")
            batches = await consumer.getmany(timeout_ms=200)
            out += [r.timestamp for records in batches.values() for r in records]
            progress(len(out))
    finally:
        await consumer.stop()
    return out
