"""Case events become Bahasa Indonesia messages on the reporter's own channel, once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from shared import topics
from shared.contracts import (
    CaseAcknowledged,
    CaseAwaitingTriage,
    CaseDisposed,
    CaseEvent,
    CaseOpened,
    CaseReturned,
    Channel,
    DeadlineApproaching,
    DeadlineMissed,
    FollowUpPosted,
    OutboundMessage,
)
from shared.messaging.relay import Outgoing
from shared.processing import derived_id

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)

MakeCase = Callable[..., CaseEvent]
Process = Callable[..., Any]
Published = Callable[[], list[Outgoing]]


def to_reporter(published: Published) -> list[OutboundMessage]:
    """The messages published for the reporter (bodies and the admin get their own)."""
    found = [out.event for out in published() if isinstance(out.event, OutboundMessage)]
    return [message for message in found if message.recipient.reporter_ref]


def only_message(published: Published) -> OutboundMessage:
    (message,) = to_reporter(published)
    return message


def test_case_opened_tells_the_reporter_on_their_channel_topic(
    make_case: MakeCase, process: Process, published: Published
) -> None:
    event = make_case(CaseOpened, channel=Channel.WHATSAPP)
    process(event)
    (out,) = published()
    assert (out.topic, out.key) == (topics.outbound_topic(Channel.WHATSAPP), str(event.report_id))


def test_case_opened_says_received_with_the_tracking_id(
    make_case: MakeCase, process: Process, published: Published
) -> None:
    process(make_case(CaseOpened, channel=Channel.EMAIL))
    message = only_message(published)
    assert "LPR-7K3QX9MD" in message.text
    assert "telah kami terima" in message.text


def test_case_disposed_names_the_skpd_it_went_to(
    make_case: MakeCase, process: Process, published: Published
) -> None:
    process(
        make_case(
            CaseDisposed, skpd_code="PDAM", skpd_name="PDAM Bandarmasih", channel=Channel.EMAIL
        )
    )
    message = only_message(published)
    assert "Laporan Anda LPR-7K3QX9MD telah didisposisikan ke PDAM Bandarmasih" in message.text


def test_a_redisposition_says_the_report_moved(
    make_case: MakeCase, process: Process, published: Published
) -> None:
    process(make_case(CaseDisposed, skpd_name="Dinas PUPR", previous_skpd_code="PDAM"))
    assert "didisposisikan ulang ke Dinas PUPR" in only_message(published).text


def test_the_message_goes_to_the_pseudonymous_reporter(
    make_case: MakeCase, process: Process, published: Published
) -> None:
    process(make_case(CaseOpened, reporter_ref="rref-42"))
    recipient = only_message(published).recipient
    assert (recipient.reporter_ref, recipient.address) == ("rref-42", None)


def test_the_notification_id_derives_from_the_case_event(
    make_case: MakeCase, process: Process, published: Published
) -> None:
    event = make_case(CaseOpened)
    process(event)
    assert only_message(published).notification_id == derived_id("notification", event.event_id)


def test_a_republished_message_keeps_its_event_id(
    make_case: MakeCase, process: Process, published: Published
) -> None:
    process(make_case(CaseOpened))
    assert published()[0].event.event_id == published()[0].event.event_id


def test_the_message_names_its_template(
    make_case: MakeCase, process: Process, published: Published
) -> None:
    process(make_case(FollowUpPosted, skpd_name="Dinas PUPR", text="Jalan sudah ditambal."))
    assert only_message(published).template == "follow_up_posted"


def test_the_same_case_event_twice_notifies_once(
    make_case: MakeCase, process: Process, published: Published
) -> None:
    event = make_case(CaseOpened)
    process(event)
    process(event)
    assert len(published()) == 1


def test_the_same_case_event_twice_in_one_batch_notifies_once(
    make_case: MakeCase, process: Process, published: Published
) -> None:
    event = make_case(CaseOpened)
    process(event, event)
    assert len(published()) == 1


def test_each_step_of_a_report_is_told_in_order(
    make_case: MakeCase, process: Process, published: Published
) -> None:
    process(make_case(CaseOpened), make_case(CaseDisposed, skpd_name="PDAM Bandarmasih"))
    assert [out.event.template for out in published()] == ["case_opened", "case_disposed"]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("cls", "fields"),
    [
        (CaseReturned, {"rejected_by": "PDAM", "reason": "bukan wewenang"}),
        (DeadlineMissed, {"step": "follow-up", "deadline": NOW}),
        (DeadlineApproaching, {"step": "follow-up", "deadline": NOW}),
        (CaseAwaitingTriage, {"reason": "low-confidence"}),
        (CaseAcknowledged, {}),
    ],
)
def test_events_not_for_the_reporter_tell_the_reporter_nothing(
    make_case: MakeCase,
    process: Process,
    published: Published,
    cls: type[CaseEvent],
    fields: dict[str, Any],
) -> None:
    process(make_case(cls, **fields))
    assert to_reporter(published) == []
