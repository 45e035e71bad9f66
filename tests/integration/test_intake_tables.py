"""Intake's bookkeeping tables on both real stores: written with the batch, or not at all."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.persistence import IntegrityError, Tracking

from intake.adapters.keys import MemoryKeys
from intake.application.app import IntakeApplication
from intake.bootstrap import bootstrap
from intake.domain.contacts import ContactState, contact_digest
from intake.domain.identifiers import TrackingIdFormat
from intake.settings import IntakeSettings
from shared.clock import FixedClock
from shared.contracts import Channel, IntakeMessage, Location, Reporter
from tests.integration.intake_old_stores import FIXTURES, old_store_on_postgres

pytestmark = pytest.mark.integration

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HOLE = "Jalan berlubang besar di Jl. Kelayan A depan masjid, sudah ada pengendara jatuh"
SAME_HOLE = "Ada lubang besar di jalan Kelayan A dekat masjid, motor sering jatuh"
SPOT = Location(latitude=-3.3340, longitude=114.5950, kelurahan="Kelayan Tengah")


def _message(
    message_id: str, text: str, phone: str, minutes: int = 0, **more: Any
) -> IntakeMessage:
    at = START + timedelta(minutes=minutes)
    return IntakeMessage(
        occurred_at=at,
        received_at=at,
        channel=Channel.SMS,
        message_id=message_id,
        text=text,
        reporter=Reporter(phone=phone),
        **more,
    )


@pytest.fixture
def open_intake(store_env: dict[str, str]) -> Iterator[Any]:
    opened: list[IntakeApplication] = []

    def open_() -> IntakeApplication:
        settings = IntakeSettings(flood_max_reports=2)
        spec = bootstrap(settings, clock=FixedClock(START), env=dict(store_env), keys=MemoryKeys())
        opened.append(spec.application)
        return spec.application

    yield open_
    for app in opened:
        app.close()


def test_tables_written_with_a_batch_are_read_after_a_restart(open_intake: Any) -> None:
    app = open_intake()
    app.process_batch(
        [
            _message("hole", HOLE, "081200000001", location=SPOT),
            _message("rude", "Dasar goblok petugas jalan di Kayu Tangi rusak", "081200000002"),
            _message("f-1", "Sampah menumpuk di gang Sungai Miai belum diangkut", "081299"),
            _message("f-2", "Sampah menumpuk lagi di Sungai Miai dekat sekolah", "081299", 1),
        ],
        Tracking("lapor.intake.v1:0", 4),
    )
    again = open_intake()
    held = again.admin.held()
    assert [w.tracking_id for w in held] == [again.intake_status("sms", "rude").tracking_id]
    again.process_batch(
        [
            _message("same", SAME_HOLE, "081200000003", 30, location=SPOT),
            _message("f-3", "Sampah di Sungai Miai belum diangkut sudah tiga hari", "081299", 2),
        ],
        Tracking("lapor.intake.v1:0", 6),
    )
    hole = again.intake_status("sms", "hole").tracking_id
    assert again.intake_status("sms", "same").duplicate_of == hole
    assert again.intake_status("sms", "f-3").status == "held"  # the third from one contact
    assert again.report_by_tracking_id(hole).submission.text == HOLE


def test_a_batch_whose_position_does_not_advance_leaves_no_rows(open_intake: Any) -> None:
    app = open_intake()
    app.process_batch([_message("a", HOLE, "0812001", location=SPOT)], Tracking("in:0", 5))
    with pytest.raises(IntegrityError):
        app.process_batch([_message("b", "Dasar goblok petugas", "0812002")], Tracking("in:0", 5))
    assert app.admin.held() == []
    rows = app.books.db.read("SELECT count(*) AS n FROM intake_tracking_ids", {})
    assert rows[0]["n"] == 1


def test_a_tracking_id_already_claimed_fails_the_write_and_a_retry_draws_another(
    open_intake: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = open_intake()
    app.submit(_message("first", HOLE, "0812001", location=SPOT))
    taken = app.intake_status("sms", "first").tracking_id
    draws = iter([taken, "LPR-FRESH001"])
    monkeypatch.setattr(TrackingIdFormat, "new_id", lambda self: next(draws))
    status, created = app.submit(_message("second", "Lampu jalan mati di Jl. Veteran", "0812002"))
    assert (created, status.tracking_id) == (True, "LPR-FRESH001")
    assert app.report_by_tracking_id(taken).submission.text == HOLE


def test_a_store_written_before_f3_is_migrated_on_postgres(
    postgres_url: str, tmp_path: Path
) -> None:
    """The fixture's events copied into PostgreSQL in log order, then read by today's code."""
    expected = json.loads((FIXTURES / "pre_f3_expected.json").read_text())
    clock = FixedClock(START + timedelta(minutes=200))
    open_, keys = old_store_on_postgres(postgres_url, "pre_f3_store", tmp_path, clock)
    app = open_()
    hole = expected["open-hole"]["tracking_id"]
    assert [w.tracking_id for w in app.admin.held()] == [expected["held"]["tracking_id"]]
    assert app.report_by_tracking_id(hole).submission.text.startswith("Jalan berlubang")
    again = _message("again", SAME_HOLE, "0812777", 60, location=SPOT)
    flood = _message("flood-5", "Sampah menumpuk lagi di gang Sungai Miai", "081299990000", 105)
    app.process_batch([again, flood], Tracking("lapor.intake.v1:0", 100))
    assert app.intake_status("sms", "again").duplicate_of == hole
    assert app.intake_status("sms", "flood-5").status == "held"
    app.close()
    keys.close()


def test_the_held_queue_is_read_a_page_at_a_time_oldest_first(open_intake: Any) -> None:
    app = open_intake()
    rude = "Dasar goblok petugas jalan di Kayu Tangi rusak"
    app.process_batch(
        [_message(f"r-{n}", rude, f"08120000{n:04d}", minutes=10 - n) for n in range(5)],
        Tracking("lapor.intake.v1:0", 5),
    )
    oldest_first = [app.intake_status("sms", f"r-{n}").tracking_id for n in range(4, -1, -1)]
    again = open_intake()
    assert again.admin.held_count() == 5
    assert [w.tracking_id for w in again.admin.held(2, 1)] == oldest_first[1:3]
    assert [w.tracking_id for w in again.admin.held(2, 4)] == oldest_first[4:]
    assert again.admin.held(2, 5) == []
    assert [w.tracking_id for w in again.admin.held()] == oldest_first


def test_a_batch_confirms_each_sms_contact_once_however_often_it_wrote(open_intake: Any) -> None:
    app = open_intake()
    contacts = app.vault.contacts
    # numbers of this run alone: the contact table may outlive a test's event store
    first, second = (f"0812{uuid.uuid4().int % 10**8:08d}" for _ in range(2))
    known, fresh = (contact_digest(contacts.secret, f"phone:62{n[1:]}") for n in (first, second))
    contacts.book.take(known, "2026-03-02", 3)  # a row already there: counted, unconfirmed
    app.process_batch(
        [
            _message("a", HOLE, first, location=SPOT),
            _message("b", "Sampah menumpuk di gang Sungai Miai belum diangkut", first),
            _message("c", "Lampu jalan mati di Jl. Veteran sejak kemarin", second),
        ],
        Tracking("lapor.intake.v1:0", 3),
    )
    assert contacts.book.state(known) == ContactState(confirmed=True, day="2026-03-02", sent=1)
    assert contacts.book.state(fresh) == ContactState(confirmed=True)
