"""The outbound messages skip the text rule on their hop: proof that it would change nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from notification.application.channels import ChannelRule
from notification.application.scheduler import Scheduler
from notification.application.service import NotificationApplication
from shared import contracts, topics
from shared.clock import FixedClock
from shared.contracts import Channel, DeliveryReported, DeliveryStatus, OutboundMessage
from shared.messaging import codec
from shared.messaging.relay import Outgoing
from tests.unit.notification.test_notification_templates import every_case

# A text that starts with a combining accent keeps the rule alone (nothing to join it to), but
# a template that wrote it right after a letter would make a text NFC changes: the rule would
# then have to run again.
ACCENT = "\u0301"
FREE_TEXTS = ("text", "reason", "skpd_name", "title", "assignee")


class Weekdays:
    """Monday to Friday are working days; no holidays."""

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5


def accented(make_case: Callable[..., Any]) -> Callable[..., Any]:
    """`make_case`, every free text of the event starting with a combining accent."""

    def build(cls: type[contracts.CaseEvent], **fields: Any) -> Any:
        for name in FREE_TEXTS:
            if isinstance(fields.get(name), str):
                fields[name] = ACCENT + fields[name]
        return make_case(cls, **fields)

    return build


def given_up(message: OutboundMessage) -> DeliveryReported:
    return DeliveryReported(
        occurred_at=message.occurred_at,
        notification_id=message.notification_id,
        channel=message.channel,
        status=DeliveryStatus.FAILED,
        detail=ACCENT + "550 kotak surat tidak ada",
        final=True,
    )


def retried(message: OutboundMessage) -> DeliveryReported:
    return given_up(message).model_copy(update={"final": False})


def every_message(
    app: NotificationApplication,
    make: Callable[..., Any],
    process: Callable[..., Any],
    published: Callable[[], list[Outgoing]],
    clock: FixedClock,
    channel: Channel,
) -> list[OutboundMessage]:
    """Every message the service sends for one report channel: each case event's, a given-up
    and a retried delivery's, the admin's waiting alerts and digest."""
    waiting = [
        make(contracts.CaseAwaitingTriage, tracking_id="LPR-TRIASE01", reason="low-confidence"),
        make(contracts.CaseHeld, tracking_id="LPR-DITAHAN1", reason="kata kasar"),
    ]
    process(*every_case(make, channel), *waiting)
    first = [out.event for out in published()]
    process(given_up(first[0]), retried(first[1]), topic=topics.DELIVERY)  # the admin hears
    clock.advance(timedelta(hours=5))  # the retry is due; held and triaged reports waited long
    Scheduler(app, Weekdays()).tick()
    return [out.event for out in published()]


@pytest.mark.parametrize("channel", ChannelRule.packaged().answer_channels())
def test_every_message_already_keeps_the_text_rule_it_is_not_checked_against_again(
    app: NotificationApplication,
    make_case: Callable[..., Any],
    process: Callable[..., Any],
    published: Callable[[], list[Outgoing]],
    clock: FixedClock,
    channel: Channel,
) -> None:
    messages = every_message(app, accented(make_case), process, published, clock, channel)
    templates = {m.template for m in messages}
    assert {"admin_gave_up", "admin_waiting", "admin_digest"} <= templates
    assert max(m.attempt for m in messages) == 2
    for message in messages:
        ruled = OutboundMessage.model_validate(message.model_dump())  # the rule run again
        assert codec.encode(ruled) == codec.encode(message), message.template
