"""Where a report's time goes on its way to its SKPD: intake→SKPD split into four stages.

    .venv/bin/python -m bench.hop_latency [--reports 600] [--rate 30] [--json out.json]

Starts its own Kafka and PostgreSQL and the four services (as `lapor bench` does, without the
raw pipe), sends `--reports` well-formed reports at `--rate` per second after a warm-up, and
reads, for each report, five times from the records themselves (every clock is this machine's):

- `intake`: the adapter record's CreateTime on `lapor.intake.v1` (the load's producer at send);
- `intake_event`: the `occurred_at` of intake's `ReportAccepted` (intake's clock while it
  processed the record: the domain event's time);
- `reports`: that record's CreateTime on `lapor.reports.v1` (intake's relay at send);
- `routing_event`: the `occurred_at` of routing's `ReportRouted` (routing's clock at processing);
- `skpd`: that record's CreateTime on `lapor.skpd.<CODE>.v1` (routing's relay at send).

The stages are the differences: `intake_consume` (broker, fetch, loop, worker hop, decoding up to
the event), `intake_write_relay` (the rest of the batch, its commit, the wake-up, the relay's
read and send), `routing_consume`, `routing_write_relay`; their sum is the bench's intake→SKPD.
`watcher_*` is how long after its CreateTime this tool's own consumer (aiokafka's defaults) saw
a record: the broker's floor for a consumer that does nothing else. The services' `/metrics`
are read before and after the load: mean seconds of a consumer batch transaction and of a relay
round, and rounds per report. CPU seconds of the services and the servers are as in the bench.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

from bench.generator import Generator, Record
from bench.infra_cpu import Infra
from bench.load import publish
from bench.run import Options, infrastructure
from bench.stats import summary
from bench.system import System
from bench.watch import SKPD_TOPICS, Watch
from shared import topics
from shared.messaging.admin import ensure_topics

STAGES = ("intake_consume", "intake_write_relay", "routing_consume", "routing_write_relay")
POINTS = ("intake", "intake_event", "reports", "routing_event", "skpd")
ACCEPTED = ("event_type", b"ReportAccepted")
SCRAPED = (
    "lapor_consumer_batch_seconds_sum",
    "lapor_consumer_batch_seconds_count",
    "lapor_relay_batch_seconds_sum",
    "lapor_relay_batch_seconds_count",
)
WARM_UP = 12
QUIET_SECONDS = 5.0


def occurred_ms(value: bytes) -> int:
    """An integration event's `occurred_at`, in ms since the epoch."""
    return int(datetime.fromisoformat(json.loads(value)["occurred_at"]).timestamp() * 1000)


@dataclass
class Hops:
    """Each report's times at the five points; fed records, it needs no broker."""

    watch: Watch = field(default_factory=Watch)
    points: dict[str, dict[str, int]] = field(default_factory=dict)  # report id -> point -> ms
    watcher_lag_ms: dict[str, list[int]] = field(default_factory=dict)  # topic kind -> lags

    def see(self, record: ConsumerRecord[bytes, bytes], seen_ms: int) -> None:
        """Take one record into account (`seen_ms`: when this process read it)."""
        topic, value, ts, headers = record.topic, record.value, record.timestamp, record.headers
        self.watch.see(topic, record.key, value, ts, headers)
        report = (record.key or b"").decode(errors="replace")
        if topic == topics.REPORTS and value and ACCEPTED in headers:
            self._point(report, "intake_event", occurred_ms(value))
            self._point(report, "reports", ts)
        elif topic in SKPD_TOPICS and value:
            self._point(report, "routing_event", occurred_ms(value))
            self._point(report, "skpd", ts)
        kind = "skpd" if topic in SKPD_TOPICS else topic
        self.watcher_lag_ms.setdefault(kind, []).append(seen_ms - ts)

    def _point(self, report: str, point: str, ms: int) -> None:
        self.points.setdefault(report, {}).setdefault(point, ms)

    def journeys(self, keys: Iterable[str]) -> list[dict[str, int]]:
        """The five times of each of these intake keys' reports that reached their SKPD."""
        found = []
        for key in keys:
            journey = self.watch.journeys.get(key)
            if journey is None or journey.intake is None or journey.report_id is None:
                continue
            times = {"intake": journey.intake, **self.points.get(journey.report_id, {})}
            if all(p in times for p in POINTS):
                found.append(times)
        return found

    def stages(self, keys: Iterable[str]) -> dict[str, list[int]]:
        """Each stage's durations (ms) over the reports that went all the way, and the total."""
        journeys = self.journeys(keys)
        durations: dict[str, list[int]] = {}
        for stage, (start, end) in zip(STAGES, itertools.pairwise(POINTS), strict=True):
            durations[stage] = [j[end] - j[start] for j in journeys]
        durations["intake_to_skpd"] = [j["skpd"] - j["intake"] for j in journeys]
        return durations


async def _follow(kafka: str, hops: Hops, stop: asyncio.Event) -> None:
    consumer = AIOKafkaConsumer(bootstrap_servers=kafka, enable_auto_commit=False, group_id=None)
    await consumer.start()
    try:
        watched = [topics.INTAKE, topics.REPORTS, *sorted(SKPD_TOPICS)]
        consumer.assign([TopicPartition(t, p) for t in watched for p in range(topics.PARTITIONS)])
        await consumer.seek_to_beginning()
        while not stop.is_set():
            batches = await consumer.getmany(timeout_ms=200, max_records=5000)
            now = int(time.time() * 1000)
            for records in batches.values():
                for r in records:
                    hops.see(r, now)
    finally:
        await consumer.stop()


def _scrape(system: System) -> dict[str, dict[str, float]]:
    """The relay and consumer timing sums and counts of intake and routing, now."""
    found: dict[str, dict[str, float]] = {}
    for replica in system.replicas:
        if replica.service not in ("intake", "routing"):
            continue
        text = httpx.get(f"http://127.0.0.1:{replica.port}/metrics", timeout=10).text
        sums = found.setdefault(replica.service, dict.fromkeys(SCRAPED, 0.0))
        for line in text.splitlines():
            name, _, number = line.partition(" ")
            base = name.split("{", 1)[0]
            if base in sums:
                sums[base] += float(number)
    return found


def _timings(
    before: dict[str, dict[str, float]], after: dict[str, dict[str, float]], reports: int
) -> dict[str, dict[str, float]]:
    """Mean ms of a consumer batch and a relay round, and rounds per report, in the load."""
    out = {}
    for service, end in after.items():
        d = {k: end[k] - before[service][k] for k in SCRAPED}
        batches, rounds = d[SCRAPED[1]], d[SCRAPED[3]]
        out[service] = {
            "consumer_batch_ms": round(1000 * d[SCRAPED[0]] / batches, 2) if batches else 0.0,
            "relay_round_ms": round(1000 * d[SCRAPED[2]] / rounds, 2) if rounds else 0.0,
            "consumer_batches_per_report": round(batches / reports, 2),
            "relay_rounds_per_report": round(rounds / reports, 2),
        }
    return out


async def _through(hops: Hops, keys: list[str], seconds: float) -> None:
    """Until every report of `keys` reached its SKPD, none has for `QUIET_SECONDS` (some are
    held or await triage: they never reach one), or `seconds` pass."""
    deadline = time.monotonic() + seconds
    count, changed = -1, time.monotonic()
    while count < len(keys) and time.monotonic() < deadline:
        if (now := len(hops.journeys(keys))) != count:
            count, changed = now, time.monotonic()
        elif time.monotonic() - changed > QUIET_SECONDS:
            return
        await asyncio.sleep(0.5)


async def _measure(kafka: str, database: str | None, folder: Path, args: Any) -> dict[str, Any]:
    await ensure_topics(kafka)
    system = System(kafka, database, folder / "services", f"hops{uuid.uuid4().hex[:6]}")
    system.folder.mkdir()
    try:
        await asyncio.to_thread(system.start, 1)
        infra = Infra.find({"kafka": kafka, "postgres": database})
        generator = Generator(uuid.uuid4().hex[:6], malformed_share=0)
        warm = [generator.report(n) for n in range(WARM_UP)]
        load = generator.records(args.reports, start=WARM_UP)
        hops, stop = Hops(), asyncio.Event()
        hops.watch.expect([*warm, *load])
        following = asyncio.create_task(_follow(kafka, hops, stop))
        try:
            await publish(kafka, topics.INTAKE, warm)
            await _through(hops, [r.key.decode() for r in warm], 180)
            return await _load(kafka, system, infra, hops, load, args.rate)
        finally:
            stop.set()
            await following
    finally:
        await asyncio.to_thread(system.stop)


async def _load(
    kafka: str, system: System, infra: Infra, hops: Hops, load: list[Record], rate: float
) -> dict[str, Any]:
    before = await asyncio.to_thread(_scrape, system)
    system.mark()
    infra.mark()
    load_before = os.getloadavg()
    await publish(kafka, topics.INTAKE, load, rate=rate)
    keys = [r.key.decode() for r in load]
    await _through(hops, keys, 120)
    system.end()
    infra.end()
    after = await asyncio.to_thread(_scrape, system)
    stages = hops.stages(keys)
    return {
        "reports": len(load),
        "rate": rate,
        "through": len(stages["intake_to_skpd"]),
        "stages_ms": {name: summary(values) for name, values in stages.items()},
        "stage_mean_ms": {n: round(sum(v) / len(v), 1) for n, v in stages.items() if v},
        "watcher_lag_ms": {k: summary(v) for k, v in hops.watcher_lag_ms.items()},
        "services": _timings(before, after, len(load)),
        "cpu_s": system.cpu_s(),
        "infra_cpu_s": infra.cpu_s(),
        "load_average": [load_before, os.getloadavg()],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=600)
    parser.add_argument("--rate", type=float, default=30.0)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    with infrastructure(Options(reports=args.reports, rate=args.rate)) as (kafka, db, folder):
        figures = asyncio.run(_measure(kafka, db, folder, args))
    text = json.dumps(figures, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")


if __name__ == "__main__":
    main()
