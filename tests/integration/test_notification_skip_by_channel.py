"""On the real broker and PostgreSQL: notification skips undecoded the reports whose `channel`
header names a channel that answers whatever contacts were left, reads the others and a record
without the header (an older producer), and its position passes them all."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from uuid import uuid4

import pytest

from notification.application.indexes import report_key
from notification.application.service import NotificationApplication
from notification.bootstrap import bootstrap
from notification.settings import NotificationSettings
from shared import topics
from shared.clock import FixedClock
from shared.contracts import Channel, ContactKind, ReportAccepted, ReportKind
from shared.messaging import codec
from shared.messaging.admin import ensure_topics
from shared.messaging.consumer import IdempotentConsumer
from shared.messaging.loop import BatchLoop
from tests.integration.test_plumbing import wait_for
from tests.kafka_helpers import produce, unique

pytestmark = pytest.mark.integration

NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)


def accepted(tracking_id: str, channel: Channel) -> ReportAccepted:
    return ReportAccepted(
        occurred_at=NOW, report_id=uuid4(), tracking_id=tracking_id, channel=channel,
        kind=ReportKind.PENGADUAN, text="Air PDAM mati sejak pagi.", reporter_ref="rref-1",
        received_at=NOW, contact_kinds=(ContactKind.PHONE,),
    )  # fmt: skip


def position_reached(app: NotificationApplication, name: str, wanted: int) -> bool:
    try:
        return (app.position(name) or 0) >= wanted
    except Exception:  # the store is busy or reconnecting: not yet
        return False


async def test_reports_are_skipped_by_their_channel_header_and_the_rest_read(
    kafka: str, pg_env: dict[str, str]
) -> None:
    topic = f"lapor.test.{unique()}.reports.v1"
    codec.register_topic(topic, codec.TOPIC_EVENTS[topics.REPORTS])
    await ensure_topics(kafka, [topic])
    sent = [
        accepted("LPR-SMS00001", Channel.SMS),
        accepted("LPR-WEB00002", Channel.WEB),
        accepted("LPR-WA000003", Channel.WHATSAPP),
        accepted("LPR-WALK0004", Channel.WALK_IN),
    ]
    headers = [codec.headers(event) for event in sent]  # as the outbox writes them
    older = accepted("LPR-OLD00005", Channel.SMS)
    sent.append(older)
    headers.append([(k, v) for k, v in codec.headers(older) if k != "channel"])
    await produce(kafka, topic, [(b"one-partition", codec.encode(e)) for e in sent], headers)

    spec = bootstrap(NotificationSettings(), clock=FixedClock(NOW), env=dict(pg_env))
    app = spec.application
    assert isinstance(app, NotificationApplication)
    handler = IdempotentConsumer(app, service="notification", max_bytes=65536)
    loop = BatchLoop(handler, [topic], group_id=unique("g"), client={"bootstrap_servers": kafka},
                     client_id="skip-test", max_records=50)  # fmt: skip
    await loop.start()
    stopping = asyncio.Event()
    running = asyncio.create_task(loop.run(stopping))
    try:
        await wait_for(
            lambda: any(
                position_reached(app, f"{topic}:{p}", len(sent)) for p in range(topics.PARTITIONS)
            ),
            timeout=120,
        )
    finally:
        stopping.set()
        await running
    try:
        assert handler.skipped == 2  # the SMS and WhatsApp reports with the header
        rows = {t: app.tables.report(report_key(t)) for t in (e.tracking_id for e in sent)}
        assert {t for t, row in rows.items() if row is not None} == {
            "LPR-WEB00002",
            "LPR-WALK0004",
        }
        assert app.recorder.select_notifications(0, 100) == []  # no dead letter, no message
    finally:
        app.close()
