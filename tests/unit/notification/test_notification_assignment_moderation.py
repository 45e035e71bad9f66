"""An assigned officer hears of the case by e-mail; a reporter hears when the admin hides, shows
or corrects their report on the public pages (on their own channel, with their status link)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from notification.bootstrap import mailboxes
from shared import topics
from shared.contracts import (
    STATUS_LINK_MARK,
    CaseAssigned,
    CaseCorrected,
    CaseEvent,
    CaseHidden,
    CaseShown,
    Channel,
    ContactKind,
    OutboundMessage,
    ReportKind,
    ReportReceived,
    StatusBucket,
)
from shared.messaging.relay import Outgoing

MakeCase = Callable[..., CaseEvent]
Process = Callable[..., Any]
Published = Callable[[], list[Outgoing]]
BODY = {"skpd_code": "PDAM", "skpd_name": "PDAM Bandarmasih"}
PROGRESS = {**BODY, "status": StatusBucket.SEDANG_DIPROSES}


def messages(published: Published) -> list[tuple[str, OutboundMessage]]:
    return [(o.topic, o.event) for o in published() if isinstance(o.event, OutboundMessage)]


def only(published: Published) -> tuple[str, OutboundMessage]:
    (found,) = messages(published)
    return found


def assigned(make_case: MakeCase, **fields: Any) -> CaseEvent:
    return make_case(CaseAssigned, **PROGRESS, assignee="Siti Rahmah", **fields)


def test_an_assigned_officer_with_a_known_email_is_written_to_by_name(
    make_case: MakeCase, process: Process, published: Published
) -> None:
    process(assigned(make_case, assignee_email="siti.rahmah@pdam.banjarmasinkota.go.id"))
    topic, message = only(published)
    assert topic == topics.outbound_topic(Channel.EMAIL)
    assert message.recipient.address == "siti.rahmah@pdam.banjarmasinkota.go.id"
    assert (message.template, message.recipient.reporter_ref) == ("case_assigned", None)
    assert "Yth. Siti Rahmah," in message.text and "untuk perhatian" not in message.text
    assert "LPR-7K3QX9MD" in message.subject and "Siti Rahmah" in message.subject


def test_an_officer_without_a_known_email_is_reached_through_the_bodys_mailbox(
    make_case: MakeCase, process: Process, published: Published
) -> None:
    process(assigned(make_case))
    _, message = only(published)
    assert message.recipient.address == mailboxes()["PDAM"]
    assert "untuk perhatian Siti Rahmah" in message.text


def test_an_email_that_is_no_address_falls_back_to_the_bodys_mailbox(
    make_case: MakeCase, process: Process, published: Published
) -> None:
    process(assigned(make_case, assignee_email="siti rahmah"))
    _, message = only(published)
    assert message.recipient.address == mailboxes()["PDAM"]


def test_a_reassignment_says_whom_the_case_came_from(
    make_case: MakeCase, process: Process, published: Published
) -> None:
    process(assigned(make_case, previous_assignee="Budi Santoso"))
    _, message = only(published)
    assert "dialihkan dari Budi Santoso" in message.text


def test_an_assignment_tells_the_reporter_nothing_and_is_sent_once(
    make_case: MakeCase, process: Process, published: Published
) -> None:
    event = assigned(make_case, assignee_email="siti.rahmah@pdam.banjarmasinkota.go.id")
    process(event)
    process(event)
    assert [m.template for _, m in messages(published)] == ["case_assigned"]


def test_a_hidden_report_is_told_to_its_reporter_with_the_reason_and_status_link(
    make_case: MakeCase, process: Process, published: Published
) -> None:
    process(make_case(CaseHidden, **PROGRESS, reason="abusive", flags=3))
    topic, message = only(published)
    assert topic == topics.outbound_topic(Channel.SMS)
    assert (message.recipient.reporter_ref, message.template) == ("rref-0001", "case_hidden")
    assert "tidak lagi tampil untuk publik" in message.text
    assert "kata-kata yang tidak pantas" in message.text  # the reason, in Bahasa Indonesia
    assert STATUS_LINK_MARK in message.text


def test_a_hidden_report_says_how_many_flags_led_to_it(
    make_case: MakeCase, process: Process, published: Published
) -> None:
    process(make_case(CaseHidden, **PROGRESS, channel=Channel.EMAIL, reason="spam", flags=3))
    _, message = only(published)
    assert "ditandai oleh 3 pengguna" in message.text
    assert "tetap berjalan" in message.text


def test_a_report_shown_again_is_told_to_its_reporter(
    make_case: MakeCase, process: Process, published: Published
) -> None:
    process(make_case(CaseShown, **PROGRESS, channel=Channel.WHATSAPP, reason="ditinjau ulang"))
    topic, message = only(published)
    assert topic == topics.outbound_topic(Channel.WHATSAPP)
    assert message.template == "case_shown" and "kembali" in message.text
    assert STATUS_LINK_MARK in message.text


def test_a_corrected_report_shows_its_reporter_what_the_public_now_reads(
    make_case: MakeCase, process: Process, published: Published
) -> None:
    corrected = make_case(
        CaseCorrected,
        **PROGRESS,
        channel=Channel.EMAIL,
        title="Pipa PDAM bocor",
        text="Pipa PDAM bocor di depan masjid, Jl. Kelayan A.",
        reason="data pribadi dihapus",
    )
    process(corrected)
    _, message = only(published)
    assert message.template == "case_corrected"
    assert "Judul: Pipa PDAM bocor" in message.text
    assert "Isi: Pipa PDAM bocor di depan masjid, Jl. Kelayan A." in message.text
    assert "data pribadi dihapus" in message.text and message.html


def test_a_form_reporter_hears_of_moderation_on_the_channel_the_rule_gives_them(
    make_case: MakeCase, process: Process, published: Published
) -> None:
    hidden = make_case(CaseHidden, **PROGRESS, channel=Channel.WEB, reason="spam")
    received = ReportReceived(
        occurred_at=hidden.occurred_at,
        report_id=hidden.report_id,
        tracking_id=hidden.tracking_id,
        channel=Channel.WEB,
        kind=ReportKind.PENGADUAN,
        text="Pipa PDAM bocor di depan masjid.",
        reporter_ref=hidden.reporter_ref,
        received_at=hidden.occurred_at,
        contact_kinds=(ContactKind.PHONE,),
    )
    process(received, topic=topics.REPORTS)
    process(hidden)
    topic, message = only(published)
    assert (topic, message.template) == (topics.outbound_topic(Channel.SMS), "case_hidden")


def test_a_hidden_sms_in_quiet_hours_waits_for_the_morning(
    make_case: MakeCase, process: Process, published: Published, app: Any
) -> None:
    night = make_case(CaseHidden, **PROGRESS, reason="spam")
    app.clock.set(night.occurred_at.replace(hour=15))  # 23.00 WITA
    process(night)
    assert messages(published) == []
    assert [m.status for m in app.messages_for(night.tracking_id)] == ["requested"]
