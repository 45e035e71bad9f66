"""A report's content is skipped undecoded by its `channel` header exactly when the policy would
do nothing with it: a reporter of that channel hears back whatever contacts they left."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import uuid4

import pytest
from aiokafka.structs import ConsumerRecord

from notification.adapters.jinja_renderer import JinjaRenderer
from notification.adapters.tables import SqlIndexes
from notification.application.composer import Composer
from notification.application.indexes import report_key
from notification.application.service import NotificationApplication
from notification.bootstrap import mailboxes
from shared import topics
from shared.clock import FixedClock
from shared.contracts import Channel, ContactKind, ReportAccepted, ReportHeld, ReportKind
from shared.directory import CITY_ADMIN
from shared.messaging import codec
from shared.messaging.consumer import IdempotentConsumer
from tests.unit.notification.conftest import IN_MEMORY, NOW

FORMS = {Channel.WEB, Channel.MOBILE, Channel.OPEN311, Channel.WALK_IN}  # channels.csv


def accepted(channel: Channel) -> ReportAccepted:
    return ReportAccepted(
        occurred_at=NOW, report_id=uuid4(), tracking_id="LPR-7K3QX9MD", channel=channel,
        kind=ReportKind.PENGADUAN, text="Lampu jalan padam.", reporter_ref="rref-1",
        received_at=NOW, contact_kinds=(ContactKind.EMAIL,),
    )  # fmt: skip


def record(
    value: bytes, headers: list[tuple[str, bytes]], offset: int = 0
) -> ConsumerRecord[bytes, bytes]:
    size = len(value)
    return ConsumerRecord(topics.REPORTS, 0, offset, 0, 0, b"k", value, None, 1, size, headers)


@pytest.fixture
def app() -> Iterator[NotificationApplication]:
    application = NotificationApplication(
        env=IN_MEMORY,
        composer=Composer(JinjaRenderer(), mailboxes(), CITY_ADMIN),
        clock=FixedClock(NOW),
        indexes=SqlIndexes,
    )
    yield application
    application.close()


def known(app: NotificationApplication) -> Any:
    return app.tables.report(report_key("LPR-7K3QX9MD"))


def test_the_channel_is_a_header_of_every_record_that_carries_a_report() -> None:
    event = accepted(Channel.WHATSAPP)
    assert ("channel", b"whatsapp") in codec.headers(event)
    outcome_without_content = ReportHeld(
        occurred_at=NOW, report_id=uuid4(), tracking_id="LPR-7K3QX9MD", reason="banjir"
    )
    assert "channel" not in dict(codec.headers(outcome_without_content))


def test_the_channels_skipped_are_those_the_rule_answers_whatever_the_contacts(
    app: NotificationApplication,
) -> None:
    skipped = app.ignored_by_header(topics.REPORTS)
    assert set(skipped) == {
        name
        for name, cls in codec.events_for(topics.REPORTS).items()
        if "channel" in cls.header_fields
    }
    for conditions in skipped.values():
        assert set(conditions) == {"channel"}
        assert set(conditions["channel"]) == {c.value for c in Channel} - {c.value for c in FORMS}
    assert app.ignored_by_header(topics.CASES) == {}


@pytest.mark.parametrize("channel", list(Channel))
async def test_a_report_is_skipped_undecoded_exactly_when_the_policy_would_ignore_it(
    app: NotificationApplication, channel: Channel
) -> None:
    event = accepted(channel)
    handler = IdempotentConsumer(app, service="notification", max_bytes=65536)
    await handler.handle([record(codec.encode(event), codec.headers(event))])
    assert app.position(f"{topics.REPORTS}:0") == 1  # the position moves either way
    if channel in FORMS:
        assert handler.skipped == 0 and known(app) is not None  # its contacts were noted
    else:
        assert handler.skipped == 1 and known(app) is None


async def test_a_skipped_record_is_not_even_read_and_one_without_the_header_is(
    app: NotificationApplication,
) -> None:
    handler = IdempotentConsumer(app, service="notification", max_bytes=65536)
    sms = [("event_type", b"ReportAccepted"), ("channel", b"sms")]
    await handler.handle([record(b"\xff not json", sms)])
    assert handler.skipped == 1 and app.recorder.select_notifications(0, 10) == []
    event = accepted(Channel.SMS)  # an older producer: no channel header
    older = [(k, v) for k, v in codec.headers(event) if k != "channel"]
    await handler.handle([record(codec.encode(event), older, offset=1)])
    assert handler.skipped == 1 and app.position(f"{topics.REPORTS}:0") == 2
    assert known(app) is None  # decoded, and the policy found nothing to do
