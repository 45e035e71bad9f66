"""Tracking's read-model rebuild speed: store N case events, then replay them from zero.

    .venv/bin/python -m bench.rebuild_speed --events 1000000
    .venv/bin/python -m bench.rebuild_speed --events 100000 --database-url postgresql://...
    .venv/bin/python -m bench.rebuild_speed --events 200000 --keep /tmp/rebuild  # again: reused

Each report's life is five case events (opened, disposed, acknowledged, follow-up, resolved).
The events go through tracking's own application (the consumer's batch path) into a SQLite
event store in a temporary folder (or PostgreSQL with --database-url, which then holds the read
model too); the rebuild is `CaseProjector.rebuild()`, the same code `lapor projections rebuild`
runs. With a local PostgreSQL server (its folder readable), the server's CPU is shown too.
`--keep FOLDER` (SQLite) or `--instance NAME` (PostgreSQL) keeps the stored events, and a
later run with the same option replays them without storing again (before/after comparisons).
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from eventsourcing.persistence import Tracking
from sqlalchemy import Engine, text

from shared import topics
from shared.auth import digest
from shared.clock import FixedClock
from shared.settings import CommonSettings
from tracking.bootstrap import TrackingParts, assemble
from tracking.settings import TrackingSettings

sys.path.insert(0, str(Path(__file__).parents[1] / "tests" / "unit" / "tracking"))
from tracking_helpers import START, Report

EVENTS_PER_REPORT = 5
BATCH = 200  # reports per consumer batch, as a partition batch would carry


def build(folder: Path, database_url: str | None, instance: str | None) -> TrackingParts:
    """Tracking on a file (or PostgreSQL) event store and read model."""
    common = CommonSettings(
        state_dir=folder,
        database_url=database_url,
        instance=instance or f"bench{int(time.time())}",
        auth_tokens={digest("bench"): "admin"},
    )
    settings = TrackingSettings(common=common, projector_batch_size=1000)
    if database_url is None:
        settings.read_model_url = f"sqlite:///{folder / 'read-model.sqlite'}"
        env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(folder / "ev.db")}
    else:
        env = {}
    return assemble(settings, FixedClock(START), env)


def store(parts: TrackingParts, reports: int) -> None:
    """Feed every report's life through the application, a batch per topic at a time."""
    offsets = dict.fromkeys((topics.REPORTS, topics.DISPOSITIONS, "actions"), 0)
    for first in range(0, reports, BATCH):
        batch = [Report(f"LPR-B{n:09d}") for n in range(first, min(first + BATCH, reports))]
        late = timedelta(hours=1)
        for topic, messages in (
            (topics.REPORTS, [r.received() for r in batch]),
            (topics.DISPOSITIONS, [r.disposed(at=START + late) for r in batch]),
            ("actions", [m for r in batch for m in (r.acknowledge(), r.follow_up(), r.resolve())]),
        ):
            offsets[topic] += len(messages)
            parts.app.process_batch(messages, Tracking(f"{topic}:0", offsets[topic]))
        done = min(first + BATCH, reports)
        if done % 10_000 < BATCH:
            print(f"stored {done * EVENTS_PER_REPORT:,} events", file=sys.stderr, flush=True)


def server_cpu(engine: Engine) -> float | None:
    """CPU seconds of a local PostgreSQL server so far (all its processes: the backends'
    inserts and index builds), or None (SQLite, or a server whose folder is not readable)."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as conn:
        folder = conn.scalar(text("SELECT setting FROM pg_settings WHERE name = 'data_directory'"))
    try:
        root = Path(folder, "postmaster.pid").read_text().split()[0]
    except OSError:
        return None
    tick, total = os.sysconf("SC_CLK_TCK"), 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            pid, rest = stat.read_text().split(" ", 1)
        except OSError:
            continue  # ended meanwhile
        fields = rest.rsplit(")", 1)[1].split()
        if root in (pid, fields[1]):  # the server, or one of its processes
            total += sum(map(int, fields[11:15])) / tick
    return total


def main() -> None:
    """Store the events, rebuild, and print events per second."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--keep", type=Path, default=None, help="SQLite stores kept here")
    parser.add_argument("--instance", default=None, help="PostgreSQL databases kept by name")
    args = parser.parse_args()
    reports = max(1, args.events // EVENTS_PER_REPORT)
    with tempfile.TemporaryDirectory(prefix="lapor-rebuild-") as temporary:
        folder = args.keep or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        parts = build(folder, args.database_url, args.instance)
        if parts.projector.head() == 0:
            started = time.perf_counter()
            store(parts, reports)
            seconds = time.perf_counter() - started
            print(f"stored {parts.projector.head():,} events in {seconds:.0f} s")
        print(f"replaying the {parts.projector.head():,} stored events")
        server = server_cpu(parts.engine)
        started, cpu = time.perf_counter(), time.process_time()
        replayed = parts.projector.rebuild()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(f"rebuilt {replayed:,} events in {seconds:.1f} s: {replayed / seconds:,.0f} events/s")
        # On a shared machine the wall clock counts other people's work; this process's CPU not.
        print(f"  this process's CPU: {cpu:.1f} s, {replayed / cpu:,.0f} events per CPU-second")
        if server is not None:
            server = (server_cpu(parts.engine) or 0.0) - server
            rate = replayed / (cpu + server)
            print(f"  PostgreSQL's CPU: {server:.1f} s; both: {rate:,.0f} events per CPU-second")
        parts.engine.dispose()
        parts.app.close()


if __name__ == "__main__":
    main()
