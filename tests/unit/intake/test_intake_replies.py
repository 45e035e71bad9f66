"""Replies, ratings and status requests: only from the report's own contact and channel."""

from __future__ import annotations

import pytest
from intake_helpers import Feed, message, published, tracking_id_of

from intake.application.app import IntakeApplication
from intake.domain.replies import RATING, REPLY, STATUS_REQUEST, read_command
from shared.contracts import (
    Reporter,
    ReporterRatingReceived,
    ReporterReplyReceived,
    ReporterStatusRequested,
)

STRANGER = Reporter(name="Orang Lain", phone="081299998888")


@pytest.fixture
def original(app: IntakeApplication, feed: Feed) -> str:
    """A report from PHONE by SMS; its tracking id."""
    feed(message("m-1"))
    return tracking_id_of(app, "m-1")


def last_published(app: IntakeApplication) -> object:
    return published(app)[-1]


def test_text_starting_with_the_tracking_id_from_the_reporter_is_a_reply(
    app: IntakeApplication, feed: Feed, original: str
) -> None:
    feed(message("m-2", text=f"{original} sudah diperbaiki tapi bocor lagi"))
    status = app.intake_status("sms", "m-2")
    assert (status.status, status.tracking_id) == (REPLY, original)
    reply = last_published(app)
    assert isinstance(reply, ReporterReplyReceived)
    assert (reply.tracking_id, reply.text) == (original, "sudah diperbaiki tapi bocor lagi")
    assert reply.report_id == app.report_by_tracking_id(original).id


def test_balas_form_with_a_differently_written_phone_is_a_reply(
    app: IntakeApplication, feed: Feed, original: str
) -> None:
    reporter = Reporter(phone="+62 812-3456-7890")
    feed(message("m-2", text=f"BALAS {original.lower()} terima kasih", reporter=reporter))
    assert app.intake_status("sms", "m-2").status == REPLY


def test_nilai_rates_the_report(app: IntakeApplication, feed: Feed, original: str) -> None:
    feed(message("m-2", text=f"NILAI {original} 4 cepat ditangani"))
    assert app.intake_status("sms", "m-2").status == RATING
    rating = last_published(app)
    assert isinstance(rating, ReporterRatingReceived)
    assert (rating.rating, rating.comment) == (4, "cepat ditangani")


def test_cek_asks_for_the_status(app: IntakeApplication, feed: Feed, original: str) -> None:
    feed(message("m-2", text=f"cek {original}"))
    assert app.intake_status("sms", "m-2").status == STATUS_REQUEST
    assert isinstance(last_published(app), ReporterStatusRequested)


def test_reply_from_another_contact_is_a_new_report(
    app: IntakeApplication, feed: Feed, original: str
) -> None:
    feed(message("m-2", text=f"{original} jalan di depan rumah saya juga rusak", reporter=STRANGER))
    status = app.intake_status("sms", "m-2")
    assert status.status == "accepted"
    assert status.tracking_id != original


def test_reply_on_another_channel_is_a_new_report(
    app: IntakeApplication, feed: Feed, original: str
) -> None:
    feed(message("m-2", channel="whatsapp", text=f"{original} masih rusak sampai sekarang"))
    assert app.intake_status("whatsapp", "m-2").tracking_id != original


@pytest.mark.parametrize("text", ["CEK {id}", "NILAI {id} 5"])
def test_cek_or_nilai_from_another_contact_is_refused_with_the_reason(
    app: IntakeApplication, feed: Feed, original: str, text: str
) -> None:
    before = len(published(app))
    feed(message("m-2", text=text.format(id=original), reporter=STRANGER))
    status = app.intake_status("sms", "m-2")
    assert (status.status, status.tracking_id) == ("archived", None)
    assert "hanya diterima dari kontak pelapornya" in (status.reason or "")
    assert len(published(app)) == before


def test_nilai_out_of_range_is_refused(app: IntakeApplication, feed: Feed, original: str) -> None:
    feed(message("m-2", text=f"NILAI {original} 9"))
    status = app.intake_status("sms", "m-2")
    assert status.status == "archived"
    assert "1 sampai 5" in (status.reason or "")


def test_cek_of_an_unknown_tracking_id_is_refused(app: IntakeApplication, feed: Feed) -> None:
    feed(message("m-2", text="CEK LPR-ZZZZZZZZ"))
    status = app.intake_status("sms", "m-2")
    assert status.status == "archived"
    assert "LPR-ZZZZZZZZ tidak dikenal" in (status.reason or "")


def test_the_same_reply_at_a_new_offset_is_recorded_once(
    app: IntakeApplication, feed: Feed, original: str
) -> None:
    feed(message("m-2", text=f"{original} masih bocor"))
    feed(message("m-2", text=f"{original} masih bocor"))
    assert [type(e).__name__ for e in published(app)].count("ReporterReplyReceived") == 1


def test_a_tracking_id_typed_with_o_and_l_reads_as_0_and_1() -> None:
    found = read_command("cek lpr-0ol1abcd", "LPR")
    assert found is not None and found.tracking_id == "LPR-0011ABCD"


def test_an_ordinary_report_is_no_command() -> None:
    assert read_command("Lampu jalan mati di Jl. Kayu Tangi", "LPR") is None
