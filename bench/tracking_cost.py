"""Tracking's own cost per report: stored events and CPU, without Kafka (issue F3).

    .venv/bin/python -m bench.tracking_cost --reports 2000
    .venv/bin/python -m bench.tracking_cost --reports 2000 --database-url postgresql://...

Feeds tracking's application, as the consumer would (batches of 100 deliveries, one tracking
position each), what `lapor bench` makes it see: each generated report's `ReportAccepted`
(the load generator's texts and places), then its `ReportDisposed`. The outbox is installed as
the runtime installs it, so the policy, the events' encoding and their outbox rows are counted;
then the projector writes the read model. Prints stored events per report and CPU milliseconds
per report for the policy (`process_batch`) and the projection, as JSON; `growth` gives the CPU
of the first and of the last tenth of each topic's batches and of the projector's passes (does a
report cost more once the stores hold many?). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from eventsourcing.persistence import Tracking

from bench.generator import Generator
from shared import contracts as c
from shared import topics
from shared.auth import digest
from shared.clock import FixedClock
from shared.messaging import codec
from shared.messaging.deadletter import SourceRecord
from shared.messaging.outbox import install_outbox
from shared.processing import Delivery, derived_id
from shared.settings import CommonSettings
from tracking.application.translate import translate
from tracking.bootstrap import TrackingParts, assemble
from tracking.settings import TrackingSettings

BATCH = 100
MORNING = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # a Monday, 09.00 WITA
BODIES = (("PDAM", "Perumda Air Minum Bandarmasih"), ("DLH", "Dinas Lingkungan Hidup"))


def build(folder: Path, database_url: str | None) -> TrackingParts:
    """Tracking on a file (or PostgreSQL) event store and read model, outbox installed."""
    common = CommonSettings(
        state_dir=folder,
        database_url=database_url,
        instance=f"cost{int(time.time())}",
        auth_tokens={digest("bench"): "admin"},
    )
    settings = TrackingSettings(common=common)
    env: dict[str, str] = {}
    if database_url is None:
        settings.read_model_url = f"sqlite:///{folder / 'read-model.sqlite'}"
        env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(folder / "ev.db")}
    parts = assemble(settings, FixedClock(MORNING), env)
    install_outbox(parts.app, translate, legacy_relay="tracking-relay")
    return parts


def messages(reports: int) -> tuple[list[Any], list[Any]]:
    """Each report's acceptance (the generator's content) and its disposition."""
    generator = Generator("cost", malformed_share=0)
    accepted, disposed = [], []
    for n in range(reports):
        sent = json.loads(generator.report(n).value)
        report_id = derived_id("cost-report", n)
        ids: dict[str, Any] = {"report_id": report_id, "tracking_id": f"LPR-C{n:07d}"}
        accepted.append(
            c.ReportAccepted(
                **ids,
                occurred_at=MORNING,
                channel=sent["channel"],
                kind=sent["kind"],
                title=sent["title"],
                text=sent["text"],
                location=sent["location"],
                reporter_ref=f"rref-{n}",
                anonim=sent["anonim"],
                rahasia=sent["rahasia"],
                received_at=MORNING,
            )
        )
        code, name = BODIES[n % len(BODIES)]
        disposed.append(
            c.ReportDisposed(
                **ids,
                occurred_at=MORNING + timedelta(seconds=2),
                skpd_code=code,
                skpd_name=name,
                method=c.DispositionMethod.RULE,
                confidence=0.8,
            )
        )
    return accepted, disposed


def deliveries(topic: str, batch: list[Any], first: int) -> list[Delivery]:
    """The batch as the consumer hands it over: each message with the record it came in."""
    return [
        Delivery(SourceRecord(topic, 0, first + i, str(m.report_id).encode(), codec.encode(m)), m)
        for i, m in enumerate(batch)
    ]


def main() -> None:
    """Feed the reports, project them, and print the cost per report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--batch", type=int, default=BATCH, help="deliveries per batch")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tracking-cost-") as folder:
        parts = build(Path(folder), args.database_url)
        accepted, disposed = messages(args.reports)
        size = args.batch
        batches = [
            (topic, deliveries(topic, found[i : i + size], i), i + len(found[i : i + size]))
            for topic, found in ((topics.REPORTS, accepted), (topics.DISPOSITIONS, disposed))
            for i in range(0, args.reports, size)
        ]
        spent: dict[str, list[float]] = {}  # CPU per batch, in order, per topic
        for topic, batch, offset in batches:
            cpu = time.process_time()
            parts.app.process_batch(batch, Tracking(f"{topic}:0", offset))
            spent.setdefault(topic, []).append(time.process_time() - cpu)
        policy = sum(map(sum, spent.values()))
        projected, steps = 0, []  # CPU per projector pass, in order
        while True:
            cpu = time.process_time()
            count = parts.projector.project_once(size * 2)
            steps.append(time.process_time() - cpu)
            if not count:
                break
            projected += count
        projection = sum(steps)
        stored = parts.projector.head()
        recorder: Any = parts.app.recorder  # the outbox recorder (`install_outbox` checked)
        outbox = recorder.max_outbox_id()
        parts.engine.dispose()
        parts.app.close()
    per_report = 1000 / args.reports
    print(
        json.dumps(
            {
                "reports": args.reports,
                "store": "postgresql" if args.database_url else "sqlite",
                "batch": size,
                "stored_events_per_report": round(stored / args.reports, 2),
                "outbox_rows_per_report": round(outbox / args.reports, 2),
                "projected": projected,
                "policy_cpu_ms_per_report": round(policy * per_report, 3),
                "projection_cpu_ms_per_report": round(projection * per_report, 3),
                "cpu_ms_per_report": round((policy + projection) * per_report, 3),
                # Growth: CPU ms per report over the first and the last tenth of each part.
                "growth": {
                    **{
                        f"{topic}_{end}_tenth": _tenth(found, args.reports, first=end == "first")
                        for topic, found in spent.items()
                        for end in ("first", "last")
                    },
                    "projection_first_tenth": _tenth(steps[:-1], args.reports * 2, first=True),
                    "projection_last_tenth": _tenth(steps[:-1], args.reports * 2, first=False),
                },
                "load_average": os.getloadavg(),
            }
        )
    )


def _tenth(spent: list[float], work: int, *, first: bool) -> float:
    """CPU ms per unit of work over the first (or the last) tenth of equal passes."""
    count = max(1, len(spent) // 10)
    part = spent[:count] if first else spent[-count:]
    return round(sum(part) * 1000 / (work * count / max(1, len(spent))), 3)


if __name__ == "__main__":
    main()
