"""The shared plumbing's own cost per message: one batch written as every service writes it.

    .venv/bin/python -m bench.plumbing_cost [--messages 4000] [--store sqlite|postgres]
        [--batch 200] [--prefill 0]

A stand-in application (no context's rules) takes batches of `--batch` messages as the consumer
hands them over (a busy consumer gets up to 200; at a steady rate most batches hold a few); per
message it creates an aggregate with one event of a report's size, runs the table statements a
context typically adds (`Batch.also_run`: an insert, an upsert, a delete), and its outbox
translation publishes one integration event. What is measured is the plumbing alone:
`process_batch`, the mapping of stored events, the outbox rows, the one-trip write. Prints JSON
with CPU milliseconds per message, measured after `--prefill` messages were recorded the same
way (a store that already holds many reports). PostgreSQL needs `LAPOR_DATABASE_URL` (else one
is started).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import singledispatchmethod
from pathlib import Path
from typing import Any

from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import Tracking

from services.local.infra import LocalPostgres
from shared import topics
from shared.contracts import Channel, ReportAccepted, ReportKind
from shared.db import ensure_database
from shared.messaging.outbox import Outgoing, install_outbox
from shared.processing import Batch, BatchProcessApplication, Statement, derived_id
from shared.settings import CommonSettings
from shared.tables import database_of

BATCH = 200
AT = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
TEXT = "Pipa PDAM bocor di depan masjid Al-Jihad, air menggenangi jalan sejak tiga hari. " * 4
TABLES = (
    "CREATE TABLE IF NOT EXISTS bench_claims (tracking_id TEXT PRIMARY KEY, report_id TEXT)",
    "CREATE TABLE IF NOT EXISTS bench_activity (contact_key TEXT, report_id TEXT, at REAL, "
    "PRIMARY KEY (contact_key, report_id))",
    "CREATE TABLE IF NOT EXISTS bench_open (report_id TEXT PRIMARY KEY, kelurahan TEXT, at REAL)",
)


class Filed(Aggregate):
    """A report as a context would keep it (one event of a report's size)."""

    @event("Filed")
    def __init__(self, tracking_id: str, text: str, kelurahan: str, received_at: datetime) -> None:
        self.tracking_id = tracking_id
        self.text = text
        self.kelurahan = kelurahan
        self.received_at = received_at


class StandIn(BatchProcessApplication):
    """Creates one aggregate and three table rows per message."""

    @singledispatchmethod
    def policy(self, domain_event: Any, processing_event: Any) -> None:
        n: int = domain_event
        assert isinstance(processing_event, Batch)
        tracking_id = f"BNC-{n:08d}"
        report = Filed(tracking_id, TEXT, f"Kelurahan {n % 52}", AT)
        processing_event.collect_events(report)
        rid = str(report.id)
        batch = processing_event
        batch.also_run(
            "INSERT INTO bench_claims (tracking_id, report_id) VALUES (:t, :r)",
            {"t": tracking_id, "r": rid},
        )
        batch.also_run(
            "INSERT INTO bench_activity (contact_key, report_id, at) VALUES (:k, :r, :at) "
            "ON CONFLICT DO NOTHING",
            {"k": f"key-{n % 500}", "r": rid, "at": AT.timestamp()},
        )
        batch.also_run(
            "INSERT INTO bench_open (report_id, kelurahan, at) VALUES (:r, :k, :at) "
            "ON CONFLICT (report_id) DO UPDATE SET at = excluded.at",
            {"r": rid, "k": report.kelurahan, "at": AT.timestamp()},
        )
        batch.also_run(
            "DELETE FROM bench_activity WHERE contact_key = :k AND at < :horizon",
            {"k": f"key-{n % 500}", "horizon": AT.timestamp() - 86400},
        )


def translate(domain_event: Any) -> list[Outgoing]:
    """One integration event per filed report."""
    if type(domain_event).__qualname__ != "Filed.Filed":
        return []
    accepted = ReportAccepted(
        event_id=derived_id("bench-accepted", domain_event.originator_id),
        occurred_at=AT,
        report_id=domain_event.originator_id,
        tracking_id=domain_event.tracking_id,
        channel=Channel.WEB,
        kind=ReportKind.PENGADUAN,
        text=domain_event.text,
        reporter_ref="rref-bench",
        received_at=domain_event.received_at,
    )
    return [Outgoing(topics.REPORTS, str(domain_event.originator_id), accepted)]


@contextlib.contextmanager
def store_env(store: str) -> Iterator[dict[str, str]]:
    """A fresh event store of the kind asked for."""
    if store == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="lapor-plumbing-cost-"))
        yield {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(folder / "e.db")}
        return
    with contextlib.ExitStack() as stack:
        url = os.environ.get("LAPOR_DATABASE_URL") or stack.enter_context(LocalPostgres()).url
        common = CommonSettings(database_url=url)
        service = f"plumb{uuid.uuid4().hex[:8]}"
        ensure_database(url, common.database_name(service))
        yield common.eventsourcing_env(service)


def run_batches(app: StandIn, start: int, count: int, batch: int) -> None:
    """Messages start..start+count, `batch` at a time, each batch with its position."""
    for n in range(start, start + count, batch):
        size = min(batch, start + count - n)
        app.process_batch(list(range(n, n + size)), Tracking("bench:0", n + size))


STOCK = {  # eventsourcing's own mapper and transcoder, for an A/B pair (`--ab`)
    "MAPPER_TOPIC": "eventsourcing.persistence:Mapper",
    "TRANSCODER_TOPIC": "eventsourcing.persistence:JSONTranscoder",
}


def measure(
    count: int, store: str, batch: int = BATCH, prefill: int = 0, stock: bool = False
) -> dict[str, object]:
    with store_env(store) as env:
        app = StandIn(env={**env, **STOCK} if stock else env)
        db, _ = database_of(app.recorder)
        db.run([Statement(sql, {}) for sql in TABLES])
        install_outbox(app, translate, legacy_relay="bench-relay")
        run_batches(app, 0, prefill, BATCH)
        cpu, wall = time.process_time(), time.perf_counter()
        run_batches(app, prefill, count, batch)
        record_cpu, record_wall = time.process_time() - cpu, time.perf_counter() - wall
        recorder: Any = app.recorder
        rows = recorder.select_outbox(prefill, 10 * count)
        stored = len(app.recorder.select_notifications(prefill + 1, 10 * count))
        app.close()
    return {
        "store": store,
        "encoder": "eventsourcing" if stock else "shared.storedjson",
        "messages": count,
        "batch": batch,
        "prefill": prefill,
        "stored_events": stored,
        "outbox_rows": len(rows),
        "cpu_ms_per_message": round(1000 * record_cpu / count, 4),
        "wall_ms_per_message": round(1000 * record_wall / count, 4),
        "load_average": os.getloadavg(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=4000)
    parser.add_argument("--store", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--batch", type=int, default=BATCH, help="messages per batch")
    parser.add_argument("--prefill", type=int, default=0, help="messages recorded beforehand")
    parser.add_argument(
        "--ab", type=int, default=0, help="rounds of eventsourcing's encoder vs ours, alternated"
    )
    args = parser.parse_args()
    if not args.ab:
        print(json.dumps(measure(args.messages, args.store, args.batch, args.prefill), indent=1))
        return
    runs = [
        measure(args.messages, args.store, args.batch, args.prefill, stock=stock)
        for _ in range(args.ab)
        for stock in (True, False)
    ]
    cpu = {
        name: sorted(float(str(r["cpu_ms_per_message"])) for r in runs if r["encoder"] == name)
        for name in ("eventsourcing", "shared.storedjson")
    }
    print(json.dumps({"runs": runs, "cpu_ms_per_message_sorted": cpu}, indent=1))


if __name__ == "__main__":
    main()
