"""Notification's own cost per report: stored events and CPU, without Kafka (issue F3).

`python bench/notification_cost.py [--reports N] [--channel sms|web-email|mix] [--life
full|bench]` feeds the notification service, assembled by its bootstrap with the outbox installed
(as `lapor serve` runs it), the events of N reports in batches of 100 (`--batch`) as the consumer
would, and
prints stored events, outbox rows and CPU milliseconds per report (policy, rendering, the write
with its outbox rows and table statements) as JSON. The store is SQLite in a temporary folder, or
PostgreSQL when `LAPOR_DATABASE_URL` names a server (a fresh database each run).

`--life full`: opened, disposed, followed up, resolved, closed, and a delivery report for each
reporter message. `--life bench`: what `lapor bench` gives notification: the report's event from
intake (contact kinds), opened and disposed, no delivery reports (the bench runs no adapters).
`--channel mix` spreads the reports over the channels as the bench's load generator does.
`--contents-last`: the reports' events come after their case events (a consumer of the reports topic
lagging behind the cases topic's), so a form reporter's messages wait for the contacts and are
told when they come.
`--window W` (with at least 2W reports) also prints the CPU per report of the first W and of the
last W reports' batches: a cost that grows with the stores shows as the second above the first.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from eventsourcing.persistence import Tracking

from bench.corpus import CHANNEL_WEIGHTS
from notification.application.service import NotificationApplication, notification_id
from notification.application.translate import translate
from notification.bootstrap import bootstrap
from notification.settings import NotificationSettings
from shared import topics
from shared.clock import FixedClock
from shared.contracts import (
    CaseClosed,
    CaseDisposed,
    CaseOpened,
    CaseResolved,
    Channel,
    ContactKind,
    DeliveryReported,
    DeliveryStatus,
    FollowUpPosted,
    ReportAccepted,
    ReportKind,
    StatusBucket,
)
from shared.messaging.outbox import install_outbox
from shared.processing import derived_id

MORNING = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)  # 09.00 WITA
BATCH = 100
BODY = {"skpd_code": "PDAM", "skpd_name": "PDAM Bandarmasih"}
STEPS: list[tuple[type, dict[str, Any]]] = [
    (CaseOpened, {"status": StatusBucket.BELUM_TERVERIFIKASI}),
    (CaseDisposed, {"status": StatusBucket.BELUM_DITINDAKLANJUTI, **BODY}),
    (FollowUpPosted, {"status": StatusBucket.SEDANG_DIPROSES, "text": "Ke lokasi.", **BODY}),
    (CaseResolved, {"status": StatusBucket.SELESAI, "text": "Pipa sudah diganti.", **BODY}),
    (CaseClosed, {"status": StatusBucket.SELESAI, "reason": "resolved", **BODY}),
]
CONTACTS = {Channel.WEB: ContactKind.EMAIL, Channel.MOBILE: ContactKind.PHONE}


def _content(opened: CaseOpened) -> ReportAccepted:
    kind = CONTACTS.get(opened.channel, ContactKind.EMAIL)
    return ReportAccepted(
        occurred_at=MORNING,
        report_id=opened.report_id,
        tracking_id=opened.tracking_id,
        channel=opened.channel,
        kind=opened.kind,
        text="Pipa PDAM bocor di depan masjid.",
        reporter_ref=opened.reporter_ref,
        received_at=MORNING,
        contact_kinds=(kind,),
    )


def _life(n: int, channel: Channel, steps: int) -> list[Any]:
    common: dict[str, Any] = {
        "report_id": derived_id("bench-report", n),
        "tracking_id": f"LPR-{n:08d}",
        "channel": channel,
        "kind": ReportKind.PENGADUAN,
        "reporter_ref": f"rref-{n}",
        "occurred_at": MORNING,
    }
    return [
        cls(event_id=derived_id("bench-event", n, i), **common, **fields)
        for i, (cls, fields) in enumerate(STEPS[:steps])
    ]


def _channels(name: str) -> Iterator[Channel]:
    if name != "mix":
        while True:
            yield Channel.SMS if name == "sms" else Channel.WEB
    rnd = random.Random(7)
    names, weights = list(CHANNEL_WEIGHTS), list(CHANNEL_WEIGHTS.values())
    while True:
        yield Channel(rnd.choices(names, weights)[0])


def _application(clock: FixedClock) -> NotificationApplication:
    settings = NotificationSettings()
    env = None
    if not settings.common.database_url:
        folder = tempfile.mkdtemp(prefix="notification-cost-")
        env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": f"{folder}/n.db"}
    else:
        env = {"POSTGRES_DBNAME": f"notification_cost_{os.getpid()}_{time.time_ns() % 10**9}"}
    app = bootstrap(settings, clock=clock, env=env).application
    assert isinstance(app, NotificationApplication)
    install_outbox(app, translate, legacy_relay="notification-cost")
    return app


def _delivered(events: list[Any]) -> list[DeliveryReported]:
    return [
        DeliveryReported(
            occurred_at=MORNING + timedelta(seconds=5),
            notification_id=notification_id(e.event_id),
            channel=e.channel,
            status=DeliveryStatus.DELIVERED,
        )
        for e in events
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--channel", default="sms", choices=["sms", "web-email", "mix"])
    parser.add_argument("--life", default="full", choices=["full", "bench"])
    parser.add_argument("--batch", type=int, default=BATCH, help="messages per batch")
    parser.add_argument("--contents-last", action="store_true", help="case events first")
    parser.add_argument("--window", type=int, default=2000, help="reports in first/last window")
    args = parser.parse_args()
    size = args.batch
    full = args.life == "full"
    app = _application(FixedClock(MORNING))
    positions = itertools.count(1)
    channels = _channels(args.channel)
    lives = [_life(n, next(channels), 5 if full else 2) for n in range(args.reports)]
    windows = [0.0, 0.0]  # CPU of the first and of the last `--window` reports' batches

    def timed(first: int, batch: Any, tracking: Tracking) -> None:
        began = time.process_time()
        app.process_batch(batch, tracking)
        spent = time.process_time() - began
        if first < args.window:
            windows[0] += spent
        elif first >= args.reports - args.window:
            windows[1] += spent

    def tell_contents() -> None:  # intake's report events: the contacts left
        for first in range(0, args.reports, size):
            contents = [_content(life[0]) for life in lives[first : first + size]]
            if full:
                contents = [c for c in contents if c.channel == Channel.WEB]
            if contents:
                timed(first, contents, Tracking(f"{topics.REPORTS}:0", next(positions)))

    started = time.process_time()
    if not args.contents_last:
        tell_contents()
    for step in range(len(lives[0])):
        for first in range(0, args.reports, size):
            events = [life[step] for life in lives[first : first + size]]
            timed(first, events, Tracking(f"{topics.CASES}:0", next(positions)))
            if full:
                tracking = Tracking(f"{topics.DELIVERY}:0", next(positions))
                timed(first, _delivered(events), tracking)
    if args.contents_last:
        tell_contents()
    cpu = time.process_time() - started
    split = {}
    if args.reports >= 2 * args.window:
        split = {
            "cpu_ms_per_report_first": round(1000 * windows[0] / args.window, 2),
            "cpu_ms_per_report_last": round(1000 * windows[1] / args.window, 2),
        }
    recorder: Any = app.recorder  # a recorder with an outbox
    stored = recorder.select_notifications(0, 10**9)
    outbox = recorder.select_outbox(0, 10**9)
    by_topic: dict[str, int] = {}
    for row in outbox:
        by_topic[row.topic] = by_topic.get(row.topic, 0) + 1
    print(
        json.dumps(
            {
                "reports": args.reports,
                "channel": args.channel,
                "life": args.life,
                "contents_last": args.contents_last,
                "batch": size,
                "store": "postgres"
                if app.recorder.__class__.__name__.startswith("One")
                else "sqlite",
                "stored_events_per_report": round(len(stored) / args.reports, 2),
                "published_per_report": round(len(outbox) / args.reports, 2),
                "published_by_topic": by_topic,
                "cpu_ms_per_report": round(1000 * cpu / args.reports, 2),
                **split,
                "load_average": os.getloadavg(),
            }
        )
    )
    app.close()


if __name__ == "__main__":
    main()
