"""Who hears of which case event: the reporter, the body's mailbox, the city admin."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from shared import contracts
from shared.contracts import CaseEvent, Channel, OutboundMessage, StatusBucket
from shared.messaging.relay import Outgoing

MakeCase = Callable[..., CaseEvent]
Process = Callable[..., Any]
Published = Callable[[], list[Outgoing]]

PDAM_MAILBOX = "pdam@banjarmasinkota.go.id"
ADMIN_MAILBOX = "setda-humas@banjarmasinkota.go.id"
DEADLINE = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)
AT_PDAM = {"skpd_code": "PDAM", "skpd_name": "Perumda Air Minum Bandarmasih (PDAM)"}


def told(published: Published) -> list[tuple[str, str]]:
    """(recipient, template) of every message, the reporter named by their reference."""
    messages = [out.event for out in published() if isinstance(out.event, OutboundMessage)]
    return [(m.recipient.address or m.recipient.reporter_ref or "", m.template) for m in messages]


def first(published: Published, template: str) -> OutboundMessage:
    found = [out.event for out in published() if isinstance(out.event, OutboundMessage)]
    return next(m for m in found if m.template == template)


@pytest.mark.parametrize(
    ("event_type", "fields", "expected"),
    [
        ("CaseOpened", {}, [("rref-0001", "case_opened")]),
        ("CaseHeld", {"reason": "flood"}, [("rref-0001", "case_held")]),
        ("CaseArchived", {"reason": "spam"}, [("rref-0001", "case_archived")]),
        (
            "CaseDisposed",
            AT_PDAM,
            [("rref-0001", "case_disposed"), (PDAM_MAILBOX, "skpd_new_report")],
        ),
        (
            "FollowUpPosted",
            {**AT_PDAM, "text": "Pipa diganti."},
            [("rref-0001", "follow_up_posted")],
        ),
        ("CaseResolved", {**AT_PDAM, "text": "Selesai."}, [("rref-0001", "case_resolved")]),
        ("CaseClosed", {"reason": "no-reply"}, [("rref-0001", "case_closed")]),
        ("CaseStatusRequested", AT_PDAM, [("rref-0001", "case_status")]),
        (
            "ReporterReplied",
            {**AT_PDAM, "text": "Belum."},
            [(PDAM_MAILBOX, "skpd_reporter_replied")],
        ),
        ("CaseRated", {**AT_PDAM, "rating": 4}, [(PDAM_MAILBOX, "skpd_case_rated")]),
        (
            "CaseEscalated",
            {**AT_PDAM, "reason": "overdue"},
            [("rref-0001", "case_escalated"), (ADMIN_MAILBOX, "admin_escalated")],
        ),
        (
            "CaseEscalated",
            {**AT_PDAM, "reason": "overdue", "step": "tindak-lanjut-pertama"},
            [("rref-0001", "case_escalated"), (ADMIN_MAILBOX, "admin_escalated")],
        ),
        ("CaseAwaitingTriage", {"reason": "low-confidence"}, []),
        ("CaseAcknowledged", AT_PDAM, []),
    ],
)
def test_each_case_event_tells_whom_it_concerns(
    make_case: MakeCase,
    process: Process,
    published: Published,
    event_type: str,
    fields: dict[str, Any],
    expected: list[tuple[str, str]],
) -> None:
    process(make_case(getattr(contracts, event_type), **fields))
    assert sorted(told(published)) == sorted(expected)


@pytest.mark.parametrize(
    ("event_type", "step", "expected"),
    [
        (
            "DeadlineApproaching",
            "verifikasi-disposisi",
            [(ADMIN_MAILBOX, "admin_deadline_approaching")],
        ),
        (
            "DeadlineApproaching",
            "tindak-lanjut-pertama",
            [(PDAM_MAILBOX, "skpd_deadline_approaching")],
        ),
        ("DeadlineApproaching", "penyelesaian", [(PDAM_MAILBOX, "skpd_deadline_approaching")]),
        ("DeadlineApproaching", "tanggapan", [("rref-0001", "reply_reminder")]),
        ("DeadlineMissed", "verifikasi-disposisi", [(ADMIN_MAILBOX, "admin_deadline_missed")]),
        (
            "DeadlineMissed",
            "tindak-lanjut-pertama",
            [(PDAM_MAILBOX, "skpd_deadline_missed"), (ADMIN_MAILBOX, "admin_deadline_missed")],
        ),
        (
            "DeadlineMissed",
            "penyelesaian",
            [(PDAM_MAILBOX, "skpd_deadline_missed"), (ADMIN_MAILBOX, "admin_deadline_missed")],
        ),
        ("DeadlineMissed", "tanggapan", []),
    ],
)
def test_each_deadline_step_reaches_whoever_owns_it(
    make_case: MakeCase,
    process: Process,
    published: Published,
    event_type: str,
    step: str,
    expected: list[tuple[str, str]],
) -> None:
    cls = getattr(contracts, event_type)
    process(make_case(cls, **AT_PDAM, step=step, deadline=DEADLINE))
    assert sorted(told(published)) == sorted(expected)


def test_a_body_without_a_mailbox_is_read_by_the_city_admin(
    make_case: MakeCase, process: Process, published: Published
) -> None:
    process(make_case(contracts.CaseDisposed, skpd_code="NO-SUCH-BODY", skpd_name="Entah"))
    assert (ADMIN_MAILBOX, "skpd_new_report") in told(published)


def test_staff_messages_go_by_email_whatever_the_reporters_channel(
    make_case: MakeCase, process: Process, published: Published
) -> None:
    process(make_case(contracts.CaseDisposed, channel=Channel.SMS, **AT_PDAM))
    assert first(published, "skpd_new_report").channel == Channel.EMAIL


def test_the_received_message_says_how_to_follow_and_reply(
    make_case: MakeCase, process: Process, published: Published
) -> None:
    process(make_case(contracts.CaseOpened, channel=Channel.EMAIL))
    text = first(published, "case_opened").text
    assert all(f"{word} LPR-7K3QX9MD" in text for word in ("BALAS", "NILAI", "CEK"))


def test_the_status_answer_says_where_the_report_stands(
    make_case: MakeCase, process: Process, published: Published
) -> None:
    status = StatusBucket.SEDANG_DIPROSES
    process(make_case(contracts.CaseStatusRequested, status=status, **AT_PDAM))
    text = first(published, "case_status").text
    assert "Terdisposisi: Sedang Diproses" in text and "PDAM" in text


def test_the_reporters_reply_reaches_the_body_with_its_text(
    make_case: MakeCase, process: Process, published: Published
) -> None:
    process(make_case(contracts.ReporterReplied, text="Air masih keruh.", **AT_PDAM))
    assert "Air masih keruh." in first(published, "skpd_reporter_replied").text


def test_a_linked_reporter_hears_when_the_original_moves(
    make_case: MakeCase, process: Process, published: Published
) -> None:
    original = "LPR-0RIG1NAL"
    process(
        make_case(
            contracts.CaseLinkedAsDuplicate,
            tracking_id="LPR-DUPL1CAT",
            reporter_ref="rref-dup",
            duplicate_of_tracking_id=original,
        )
    )
    process(
        make_case(
            contracts.FollowUpPosted, tracking_id=original, text="Sudah diperbaiki.", **AT_PDAM
        )
    )
    moved = first(published, "duplicate_original_moved")
    assert (moved.recipient.reporter_ref, moved.tracking_id) == ("rref-dup", "LPR-DUPL1CAT")
    assert original in moved.text and "Sudah diperbaiki." in moved.text


def test_an_anonim_reporter_is_told_and_the_body_sees_no_reference_to_them(
    make_case: MakeCase, process: Process, published: Published
) -> None:
    process(make_case(contracts.CaseDisposed, anonim=True, reporter_ref="rref-anon", **AT_PDAM))
    reporter = first(published, "case_disposed")
    body = first(published, "skpd_new_report")
    assert reporter.recipient.reporter_ref == "rref-anon"
    assert "rref-anon" not in body.model_dump_json()
