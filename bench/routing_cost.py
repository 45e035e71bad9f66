"""Routing's own cost per report, without the broker: CPU of the router and of the whole batch path.

    .venv/bin/python -m bench.routing_cost [--reports 2000] [--batch 10] [--store sqlite|postgres]

Turns the load generator's well-formed reports into the `ReportAccepted` events intake publishes
and feeds them to routing's batch path (the service's own bootstrap and relay translation, on a
fresh store) in batches of `--batch`, as the consumer would: a quiet system hands over a few
records per poll, a busy one up to 200. Then routes the same reports again with the router alone.
Prints JSON: CPU milliseconds per report for the whole path (decide, record, translate and encode
the outbox rows) and for the router alone, stored events and outbox rows per report.
"""

from __future__ import annotations

import argparse
import json
import os
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from eventsourcing.persistence import Tracking

from bench.generator import Generator
from bench.intake_cost import store_env
from routing.application.app import RoutingApplication, routable
from routing.bootstrap import bootstrap
from routing.settings import RoutingSettings
from shared import topics
from shared.contracts import IntakeMessage, ReportAccepted
from shared.messaging.outbox import OutboxRecorder, install_outbox
from shared.processing import derived_id
from shared.settings import CommonSettings


def accepted_reports(count: int) -> list[ReportAccepted]:
    """The generator's reports as intake accepts them (tracking ids and references its own)."""
    generator = Generator(f"cost{uuid.uuid4().hex[:6]}", malformed_share=0)
    now = datetime.now(UTC)
    reports = []
    for n, record in enumerate(generator.records(count)):
        message = IntakeMessage.model_validate_json(record.value)
        reports.append(
            ReportAccepted(
                occurred_at=now,
                report_id=derived_id("routing-cost", generator.tag, n),
                tracking_id=f"LPR-{n:08d}",
                channel=message.channel,
                kind=message.kind,
                title=message.title,
                text=message.text,
                location=message.location,
                reporter_ref=f"ref-{n:010d}",
                anonim=message.anonim,
                rahasia=message.rahasia,
                received_at=message.received_at or now,
            )
        )
    return reports


def measure(count: int, batch: int, store: str) -> dict[str, Any]:
    """Feed `count` reports in batches of `batch`; CPU per report of the path and the router."""
    reports = accepted_reports(count)
    with store_env(store) as env:
        settings = RoutingSettings(common=CommonSettings(database_url=None))
        spec = bootstrap(settings, env=env)
        app: RoutingApplication = spec.application
        install_outbox(app, spec.translate, legacy_relay="routing-cost")
        app.router.route_many([routable(r) for r in reports[:5]])  # the model loaded
        cpu, wall = time.process_time(), time.perf_counter()
        for n in range(0, count, batch):
            app.process_batch(reports[n : n + batch], Tracking(f"{topics.REPORTS}:0", n + 1))
        path_cpu, path_wall = time.process_time() - cpu, time.perf_counter() - wall
        recorder = app.recorder
        assert isinstance(recorder, OutboxRecorder)
        stored = recorder.max_notification_id() or 0  # type: ignore[attr-defined]
        rows = recorder.max_outbox_id()
        decided = Counter(
            type(app.mapper.to_domain_event(item)).__name__
            for item in app.recorder.select_notifications(1, count)
        )
        app.close()
    routables = [routable(r) for r in reports]
    cpu = time.process_time()
    for n in range(0, count, batch):
        app.router.route_many(routables[n : n + batch])
    router_cpu = time.process_time() - cpu
    return {
        "store": store,
        "reports": count,
        "batch": batch,
        "cpu_ms_per_report": round(1000 * path_cpu / count, 3),
        "wall_ms_per_report": round(1000 * path_wall / count, 3),
        "router_cpu_ms_per_report": round(1000 * router_cpu / count, 3),
        "stored_events_per_report": round(stored / count, 2),
        "outbox_rows_per_report": round(rows / count, 2),
        "decided": dict(decided),
        "load_average": os.getloadavg(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=10)
    parser.add_argument("--store", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()
    print(json.dumps(measure(args.reports, args.batch, args.store), indent=1))


if __name__ == "__main__":
    main()
