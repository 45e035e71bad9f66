"""SMS messages fit three segments as the network counts them and always keep the tracking id."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from notification.application.fitting import fit, shorten
from shared.contracts import (
    CaseArchived,
    CaseClosed,
    CaseDisposed,
    CaseEvent,
    CaseHeld,
    CaseLinkedAsDuplicate,
    CaseOpened,
    CaseResolved,
    Channel,
    FollowUpPosted,
    OutboundMessage,
)
from shared.contracts.outbound import STATUS_LINK_MARK, with_status_link
from shared.messaging.relay import Outgoing
from shared.sms_text import measure

LONG_NAME = "Dinas Perumahan Rakyat, Kawasan Permukiman dan Pertanahan Kota Banjarmasin " * 4
LONG_TEXT = "Kami telah memeriksa lokasi dan menjadwalkan perbaikan saluran drainase. " * 50

MakeCase = Callable[..., CaseEvent]
Process = Callable[..., Any]
Published = Callable[[], list[Outgoing]]

EVERY_TOLD_EVENT = [
    (CaseOpened, {}),
    (CaseHeld, {"reason": LONG_TEXT}),
    (CaseArchived, {"reason": LONG_TEXT}),
    (CaseLinkedAsDuplicate, {"duplicate_of_tracking_id": "LPR-AB12CD34"}),
    (CaseDisposed, {"skpd_name": LONG_NAME}),
    (FollowUpPosted, {"skpd_name": LONG_NAME, "text": LONG_TEXT}),
    (CaseResolved, {"skpd_name": LONG_NAME, "text": LONG_TEXT}),
    (CaseClosed, {"reason": LONG_TEXT}),
]


def sms_text(
    make_case: MakeCase, process: Process, published: Published, cls: Any, **f: Any
) -> str:
    process(make_case(cls, channel=Channel.SMS, **f))
    found = [out.event for out in published() if isinstance(out.event, OutboundMessage)]
    (message,) = [m for m in found if m.channel == Channel.SMS]
    return message.text


@pytest.mark.parametrize(("cls", "fields"), EVERY_TOLD_EVENT)
def test_sms_text_fits_three_segments(
    make_case: MakeCase, process: Process, published: Published, cls: Any, fields: dict[str, Any]
) -> None:
    text = sms_text(make_case, process, published, cls, **fields)
    linked = with_status_link(text, "https://lapor.banjarmasinkota.go.id/s/" + "x" * 7)
    assert (STATUS_LINK_MARK in text, measure(linked).segments <= 3) == (True, True)


@pytest.mark.parametrize(("cls", "fields"), EVERY_TOLD_EVENT)
def test_sms_text_keeps_the_tracking_id(
    make_case: MakeCase, process: Process, published: Published, cls: Any, fields: dict[str, Any]
) -> None:
    assert "LPR-7K3QX9MD" in sms_text(make_case, process, published, cls, **fields)


def test_a_long_follow_up_is_cut_with_an_ellipsis_and_keeps_its_start(
    make_case: MakeCase, process: Process, published: Published
) -> None:
    text = sms_text(
        make_case, process, published, FollowUpPosted, skpd_name="Dinas PUPR", text=LONG_TEXT
    )
    assert '"Kami telah memeriksa lokasi' in text
    assert '..."' in text and text.endswith("BALAS LPR-7K3QX9MD <pesan> Pantau: [[tautan-status]]")


def test_a_long_skpd_name_is_shortened_not_the_message(
    make_case: MakeCase, process: Process, published: Published
) -> None:
    text = sms_text(make_case, process, published, CaseDisposed, skpd_name=LONG_NAME)
    assert text.endswith("ditindaklanjuti. Cek status: CEK LPR-7K3QX9MD. Pantau: [[tautan-status]]")


def test_a_short_sms_is_left_whole(
    make_case: MakeCase, process: Process, published: Published
) -> None:
    text = sms_text(
        make_case, process, published, FollowUpPosted, skpd_name="PDAM", text="Sudah diperbaiki."
    )
    assert '"Sudah diperbaiki."' in text


def test_email_keeps_the_whole_follow_up(
    make_case: MakeCase, process: Process, published: Published
) -> None:
    process(make_case(FollowUpPosted, channel=Channel.EMAIL, skpd_name="PDAM", text=LONG_TEXT))
    (out,) = published()
    assert LONG_TEXT.strip() in out.event.text  # type: ignore[attr-defined]


def test_shorten_cuts_at_a_word_boundary() -> None:
    assert shorten("tindak lanjut sudah dilakukan", 20) == "tindak lanjut..."


def test_fit_falls_back_to_cutting_the_end_when_no_value_can_shrink() -> None:
    text = fit(lambda values: "LPR-7K3QX9MD " + "x" * 500, {}, 100)
    assert len(text) <= 100 and text.startswith("LPR-7K3QX9MD")
