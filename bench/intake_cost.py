"""Intake's own cost per report, without the broker: stored events, CPU and peak memory.

    .venv/bin/python -m bench.intake_cost --reports 2000 [--store sqlite|postgres]

Feeds the load generator's well-formed reports (own contact, own address, kelurahan named, no
coordinates) to intake's batch path in batches of 200, as the consumer would, then translates and
encodes every stored event as the relay would. Prints JSON: stored domain events per accepted
report, CPU milliseconds per report (recording, and relay translation), the process's peak RSS.
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


def measure(count: int, store: str) -> dict[str, object]:
    generator = Generator(f"cost{uuid.uuid4().hex[:6]}", malformed_share=0)
    messages = [IntakeMessage.model_validate_json(r.value) for r in generator.records(count)]
    with store_env(store) as env:
        app = bootstrap(IntakeSettings(), env=env, keys=MemoryKeys()).application
        cpu, wall = time.process_time(), time.perf_counter()
        for n in range(0, count, BATCH):
            app.process_batch(messages[n : n + BATCH], Tracking("lapor.intake.v1:0", n + BATCH))
        record_cpu, record_wall = time.process_time() - cpu, time.perf_counter() - wall
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
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "load_average": os.getloadavg(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--store", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()
    print(json.dumps(measure(args.reports, args.store), indent=1))


if __name__ == "__main__":
    main()
