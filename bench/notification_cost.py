"""Notification's own cost per report: stored events and CPU, without Kafka (issue F3).

`python bench/notification_cost.py [--reports N] [--channel sms|web-email]` feeds the notification
application, on a SQLite store in a temporary folder, the case events of N reports in batches of
100 as the consumer would (opened, disposed, followed up, resolved, closed), and a delivery report
for each reporter message; it prints stored events per report and CPU milliseconds per report
(policy, rendering, encoding and the relay's translation of what it stored) as JSON.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from eventsourcing.persistence import Tracking

from notification.adapters.jinja_renderer import JinjaRenderer
from notification.adapters.tables import SqlIndexes
from notification.application.composer import Composer
from notification.application.service import NotificationApplication, notification_id
from notification.application.translate import translate
from notification.bootstrap import mailboxes
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
    ReportKind,
    ReportReceived,
    StatusBucket,
)
from shared.directory import CITY_ADMIN
from shared.processing import derived_id

MORNING = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)  # 09.00 WITA
BATCH = 100


def _content(opened: CaseOpened) -> ReportReceived:
    return ReportReceived(
        occurred_at=MORNING,
        report_id=opened.report_id,
        tracking_id=opened.tracking_id,
        channel=opened.channel,
        kind=opened.kind,
        text="Pipa PDAM bocor di depan masjid.",
        reporter_ref=opened.reporter_ref,
        received_at=MORNING,
        contact_kinds=(ContactKind.EMAIL,),
    )


def _life(n: int, channel: Channel) -> list[Any]:
    tid = f"LPR-{n:08d}"
    common: dict[str, Any] = {
        "report_id": derived_id("bench-report", n),
        "tracking_id": tid,
        "channel": channel,
        "kind": ReportKind.PENGADUAN,
        "reporter_ref": f"rref-{n}",
        "occurred_at": MORNING,
    }
    body = {"skpd_code": "PDAM", "skpd_name": "PDAM Bandarmasih"}
    steps: list[tuple[type, dict[str, Any]]] = [
        (CaseOpened, {"status": StatusBucket.BELUM_TERVERIFIKASI}),
        (CaseDisposed, {"status": StatusBucket.BELUM_DITINDAKLANJUTI, **body}),
        (FollowUpPosted, {"status": StatusBucket.SEDANG_DIPROSES, "text": "Ke lokasi.", **body}),
        (CaseResolved, {"status": StatusBucket.SELESAI, "text": "Pipa sudah diganti.", **body}),
        (CaseClosed, {"status": StatusBucket.SELESAI, "reason": "resolved", **body}),
    ]
    return [
        cls(event_id=derived_id("bench-event", n, i), **common, **fields)
        for i, (cls, fields) in enumerate(steps)
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--channel", default="sms", choices=["sms", "web-email"])
    args = parser.parse_args()
    channel = Channel.SMS if args.channel == "sms" else Channel.WEB
    folder = tempfile.mkdtemp(prefix="notification-cost-")
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": f"{folder}/n.db"}
    composer = Composer(JinjaRenderer(), mailboxes(), CITY_ADMIN)
    clock = FixedClock(MORNING)
    app = NotificationApplication(env=env, composer=composer, clock=clock, indexes=SqlIndexes)
    positions = itertools.count(1)
    lives = [_life(n, channel) for n in range(args.reports)]
    started = time.process_time()
    if channel == Channel.WEB:  # intake's report events say the reporter left an e-mail
        for first in range(0, args.reports, BATCH):
            contents = [_content(life[0]) for life in lives[first : first + BATCH]]
            app.process_batch(contents, Tracking(f"{topics.REPORTS}:0", next(positions)))
    for step in range(5):
        for first in range(0, args.reports, BATCH):
            events = [life[step] for life in lives[first : first + BATCH]]
            app.process_batch(events, Tracking(f"{topics.CASES}:0", next(positions)))
            reports = [
                DeliveryReported(
                    occurred_at=MORNING + timedelta(seconds=5),
                    notification_id=notification_id(e.event_id),
                    channel=channel,
                    status=DeliveryStatus.DELIVERED,
                )
                for e in events
            ]
            app.process_batch(reports, Tracking(f"{topics.DELIVERY}:0", next(positions)))
    stored = app.recorder.select_notifications(0, 10**9)
    outgoing = [out for item in stored for out in translate(app.mapper.to_domain_event(item))]
    cpu = time.process_time() - started
    by_topic: dict[str, int] = {}
    for out in outgoing:
        by_topic[out.topic] = by_topic.get(out.topic, 0) + 1
    print(
        json.dumps(
            {
                "reports": args.reports,
                "channel": args.channel,
                "stored_events_per_report": round(len(stored) / args.reports, 2),
                "published_per_report": round(len(outgoing) / args.reports, 2),
                "published_by_topic": by_topic,
                "cpu_ms_per_report": round(1000 * cpu / args.reports, 2),
                "load_average": os.getloadavg(),
            }
        )
    )


if __name__ == "__main__":
    main()
