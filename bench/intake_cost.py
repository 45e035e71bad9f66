"""Intake's own cost per report, without the broker: stored events, CPU and peak memory.

    .venv/bin/python -m bench.intake_cost --reports 2000 [--store sqlite|postgres] [--segment N]

Feeds the load generator's well-formed reports (own contact, own address, kelurahan named, no
coordinates) to intake's batch path in batches of 200, as the consumer would, then translates and
encodes every stored event as the relay would. Prints JSON: stored domain events per accepted
report, CPU milliseconds per report (recording, and relay translation), the process's peak RSS.
With `--segment N` it also gives the recording CPU per report of each run of N reports, and the
peak RSS after each, so a long life (`--reports 20000 --segment 2000`) shows whether the cost per
report grows as the store fills.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from eventsourcing.persistence import Tracking

from bench.generator import Generator
from intake.adapters.keys import MemoryKeys
from intake.application.translate import Translator
from intake.bootstrap import bootstrap
from intake.settings import IntakeSettings
from services.local.infra import LocalPostgres
from shared.contracts import IntakeMessage
from shared.db import ensure_database
from shared.messaging import codec
from shared.settings import CommonSettings

BATCH = 200


@contextlib.contextmanager
def store_env(store: str) -> Iterator[dict[str, str]]:
    """A fresh event store of the kind asked for."""
    if store == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="lapor-intake-cost-"))
        yield {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(folder / "e.db")}
        return
    with contextlib.ExitStack() as stack:
        url = os.environ.get("LAPOR_DATABASE_URL") or stack.enter_context(LocalPostgres()).url
        common = CommonSettings(database_url=url)
        service = f"cost{uuid.uuid4().hex[:8]}"
        ensure_database(url, common.database_name(service))
        yield common.eventsourcing_env(service)


def measure(count: int, store: str, segment: int = 0) -> dict[str, object]:
    generator = Generator(f"cost{uuid.uuid4().hex[:6]}", malformed_share=0)
    with store_env(store) as env:
        app = bootstrap(IntakeSettings(), env=env, keys=MemoryKeys()).application
        segments: list[dict[str, float]] = []
        record_cpu = record_wall = segment_cpu = 0.0
        for n in range(0, count, BATCH):
            # made batch by batch, outside the measure: the process holds one batch, as the
            # service does
            batch = [
                IntakeMessage.model_validate_json(r.value)
                for r in generator.records(min(BATCH, count - n), n)
            ]
            cpu, wall = time.process_time(), time.perf_counter()
            app.process_batch(batch, Tracking("lapor.intake.v1:0", n + BATCH))
            spent = time.process_time() - cpu
            record_cpu, segment_cpu = record_cpu + spent, segment_cpu + spent
            record_wall += time.perf_counter() - wall
            if segment and (n + BATCH) % segment == 0:
                segments.append(
                    {
                        "reports": n + BATCH,
                        "cpu_ms_per_report": round(1000 * segment_cpu / segment, 3),
                        "peak_rss_mb": _peak_rss_mb(),
                    }
                )
                segment_cpu = 0.0
        translate, stored, published = Translator(app.repository), Counter[str](), Counter[str]()
        cpu = time.process_time()
        start = 1
        while page := app.recorder.select_notifications(start, 1000):
            for notification in page:
                stored[notification.topic.rsplit(":", 1)[-1]] += 1
                for out in translate(app.mapper.to_domain_event(notification)):
                    codec.encode(out.event)
                    published[out.event.event_type] += 1
            start = page[-1].id + 1
        relay_cpu = time.process_time() - cpu
        app.close()
    accepted = published["ReportAccepted"]
    return {
        "store": store,
        "reports": count,
        "accepted": accepted,
        "stored_events_per_accepted_report": round(sum(stored.values()) / max(accepted, 1), 2),
        "stored_events": dict(stored),
        "published": dict(published),
        "record_cpu_ms_per_report": round(1000 * record_cpu / count, 3),
        "record_wall_ms_per_report": round(1000 * record_wall / count, 3),
        "relay_cpu_ms_per_report": round(1000 * relay_cpu / count, 3),
        "peak_rss_mb": _peak_rss_mb(),
        "segments": segments,
        "load_average": os.getloadavg(),
    }


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--store", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--segment", type=int, default=0, help="reports per segment (x 200)")
    args = parser.parse_args()
    print(json.dumps(measure(args.reports, args.store, args.segment), indent=1))


if __name__ == "__main__":
    main()
