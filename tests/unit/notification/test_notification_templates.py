"""Every template renders for every event on every channel within that channel's limits."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from notification.adapters.jinja_renderer import JinjaRenderer, tanggal
from notification.application.channels import ChannelRule
from notification.application.composer import Composer, Limits, message_context
from notification.application.rules import ADMIN_TEMPLATES, DEADLINES, DUPLICATE_TEMPLATE, RULES
from notification.bootstrap import mailboxes
from shared import contracts
from shared import sms_text as sms
from shared.contracts import Channel, OutboundMessage
from shared.directory import CITY_ADMIN
from shared.messaging.relay import Outgoing

LONG_TEXT = "Kami telah memeriksa lokasi dan menjadwalkan perbaikan saluran drainase. " * 60
NON_GSM = "Perbaikan pipa selesai 👍 — terima kasih atas kesabaran warga Kelayan. " * 40
LONG_NAME = "Dinas Perumahan Rakyat, Kawasan Permukiman dan Pertanahan Kota Banjarmasin " * 3
DUE = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)

# Values for every field an event type needs beyond the common ones.
FIELDS: dict[str, dict[str, Any]] = {
    "CaseHeld": {"reason": LONG_TEXT},
    "CaseArchived": {"reason": "spam"},
    "CaseLinkedAsDuplicate": {"duplicate_of_tracking_id": "LPR-AB12CD34"},
    "CaseAwaitingTriage": {"reason": "low-confidence"},
    "CaseEscalated": {"reason": LONG_TEXT},
    "FollowUpPosted": {"text": LONG_TEXT},
    "CaseResolved": {"text": NON_GSM},
    "ReporterReplied": {"text": LONG_TEXT},
    "CaseRated": {"rating": 2},
    "CaseClassified": {"resolution_days": 14},
    "CaseReopened": {"reason": "reply"},
    "CaseClosed": {"reason": "no-reply"},
    "CaseReturned": {"rejected_by": "PDAM", "reason": "bukan wewenang"},
    "CaseAssigned": {"assignee": "Siti Rahmah (petugas teknis PDAM)"},
    "CaseHidden": {"reason": LONG_TEXT, "flags": 3},
    "CaseShown": {"reason": LONG_TEXT},
    "CaseCorrected": {"title": "Pipa bocor", "text": LONG_TEXT, "reason": LONG_TEXT},
    "DeadlineApproaching": {"step": "penyelesaian", "deadline": DUE},
    "DeadlineMissed": {"step": "tindak-lanjut-pertama", "deadline": DUE},
}
EVENT_TYPES = sorted(cls.__name__ for cls in contracts.CaseEvent.__subclasses__())
STEPS = ("verifikasi-disposisi", "tindak-lanjut-pertama", "penyelesaian", "tanggapan")
TRACKING_ID = "LPR-7K3QX9MD"
LINK = "https://lapor.banjarmasinkota.go.id/s/" + "x" * 7  # the ~45 characters SMS count on


def every_case(make_case: Callable[..., Any], channel: Channel) -> list[Any]:
    """One event of every type (deadlines at every step) for a report disposed to a body."""
    body = {"skpd_code": "PDAM", "skpd_name": LONG_NAME, "due_at": DUE, "channel": channel}
    events = [
        make_case(getattr(contracts, name), **body, **FIELDS.get(name, {})) for name in EVENT_TYPES
    ]
    for kind in ("DeadlineApproaching", "DeadlineMissed"):
        for step in STEPS:
            events.append(make_case(getattr(contracts, kind), **body, step=step, deadline=DUE))
    return events


def within_limits(message: OutboundMessage) -> None:
    """The limits of the message's channel, and the tracking id where the reader sees it."""
    assert message.tracking_id in message.text, message.template
    if message.channel == Channel.EMAIL:
        assert message.tracking_id in message.subject, message.template
        assert message.html.startswith("<!DOCTYPE html>") and message.tracking_id in message.html
        return
    assert message.html == "", message.template  # HTML is rendered for e-mail only
    if message.channel == Channel.SMS:
        assert sms.measure(message.text).segments <= 3, (message.template, message.text)
    elif message.channel == Channel.TWITTER:
        assert len(message.text) <= 280, message.template
        assert "drainase" not in message.text and "Kelayan" not in message.text
    elif message.channel == Channel.WHATSAPP:
        assert len(message.text) <= 4096


@pytest.mark.parametrize("channel", ChannelRule.packaged().answer_channels())
def test_every_event_renders_within_its_channels_limits(
    make_case: Callable[..., Any],
    process: Callable[..., Any],
    published: Callable[[], list[Outgoing]],
    channel: Channel,
) -> None:
    process(*every_case(make_case, channel))
    messages = [out.event for out in published()]
    assert {m.template for m in messages} >= {"case_opened", "skpd_new_report", "reply_reminder"}
    for message in messages:
        assert isinstance(message, OutboundMessage)
        within_limits(message)


def test_every_template_file_is_used_and_every_used_template_exists() -> None:
    used = {template for rules in RULES.values() for _, template in rules}
    used |= {template for rules in DEADLINES.values() for _, template in rules}
    used |= {DUPLICATE_TEMPLATE, *ADMIN_TEMPLATES}
    assert sorted(JinjaRenderer().template_names()) == sorted(used)


def test_a_non_gsm_character_makes_the_sms_count_in_ucs2_segments() -> None:
    assert sms.measure("a" * 160).segments == 1
    assert sms.measure("a" * 161).segments == 2
    assert sms.measure("é" * 160).encoding == "GSM-7"
    assert sms.measure("👍" + "a" * 69).segments == 2  # an emoji is two UTF-16 units
    assert sms.measure("—" + "a" * 133).segments == 2
    assert sms.measure("—" + "a" * 134).segments == 3


def test_an_extension_character_counts_twice_in_gsm7() -> None:
    assert sms.measure("€" * 80).units == 160


def test_a_known_reason_is_said_in_bahasa_indonesia(make_case: Callable[..., Any]) -> None:
    event = make_case(contracts.CaseArchived, reason="spam")
    rendered = JinjaRenderer().render("case_archived", message_context(event))
    assert "Alasan: pesan berisi promosi atau spam." in rendered.body


def test_an_unknown_reason_is_shown_as_given(make_case: Callable[..., Any]) -> None:
    event = make_case(contracts.CaseHeld, reason="kata kasar: perlu ditinjau petugas.")
    rendered = JinjaRenderer().render("case_held", message_context(event))
    assert "Alasan: kata kasar: perlu ditinjau petugas.\n" in rendered.body


def test_a_deadline_is_written_as_a_wita_date() -> None:
    assert tanggal(datetime(2026, 12, 4, 16, 30, tzinfo=UTC)) == "5 Desember 2026"


def test_a_body_without_a_name_is_called_the_relevant_agency(
    make_case: Callable[..., Any],
) -> None:
    event = make_case(contracts.CaseDisposed)
    assert message_context(event)["skpd"] == "instansi terkait"


class CountingRenderer(JinjaRenderer):
    """The Jinja renderer, counting the renders that asked for the HTML part."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[bool] = []

    def render(self, template: str, context: Any, *, html: bool = False, parts: Any = None) -> Any:
        self.calls.append(html)
        return super().render(template, context, html=html, parts=parts)


@pytest.mark.parametrize(
    ("channel", "html_renders"), [(Channel.SMS, 0), (Channel.WHATSAPP, 0), (Channel.EMAIL, 1)]
)
def test_html_is_rendered_for_email_only(
    make_case: Callable[..., Any], channel: Channel, html_renders: int
) -> None:
    renderer = CountingRenderer()
    composer = Composer(renderer, mailboxes(), CITY_ADMIN, Limits())
    event = make_case(contracts.CaseResolved, channel=channel, text=LONG_TEXT, skpd_code="PDAM")
    (draft,) = composer.compose(event)
    assert (renderer.calls.count(True), bool(draft.html)) == (html_renders, bool(html_renders))
