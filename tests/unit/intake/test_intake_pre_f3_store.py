"""A store written before F3 (bookkeeping as aggregates) is read by today's intake (tables)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from intake_helpers import START, Feed, message, settings

from intake.adapters.keys import SqlKeys
from intake.application.app import IntakeApplication
from intake.application.migration import MIGRATION
from intake.bootstrap import bootstrap
from shared.clock import FixedClock
from shared.contracts import Location, Reporter

FIXTURES = Path(__file__).parent / "fixtures"
EXPECTED = json.loads((FIXTURES / "pre_f3_expected.json").read_text())
SAME_HOLE = "Ada lubang besar di jalan Kelayan A dekat masjid, motor sering jatuh"
WATER = "Air PDAM tidak mengalir di Kelurahan Pekapuran Raya sejak tiga hari lalu"
NEAR = Location(latitude=-3.3340, longitude=114.5950, kelurahan="Kelayan Tengah")


@pytest.fixture
def old_store(tmp_path: Path) -> Iterator[IntakeApplication]:
    folder = tmp_path / "store"
    shutil.copytree(FIXTURES / "pre_f3_store", folder)
    keys = SqlKeys(f"sqlite:///{folder / 'intake-events-keys.sqlite'}")
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(folder / "intake-events.sqlite"),
    }
    clock = FixedClock(START + timedelta(minutes=200))
    app: IntakeApplication = bootstrap(settings(), clock=clock, env=env, keys=keys).application
    yield app
    keys.close()


def _at(minutes: int) -> object:
    return START + timedelta(minutes=minutes)


def test_every_old_report_is_found_by_its_tracking_id(old_store: IntakeApplication) -> None:
    for name, expected in EXPECTED.items():
        status = old_store.intake_status("sms", name)
        assert (status.tracking_id, status.status) == (expected["tracking_id"], expected["status"])
        if name != "reply":
            assert old_store.report_by_tracking_id(expected["tracking_id"]).id is not None


def test_the_old_held_queue_is_the_admins_queue(old_store: IntakeApplication) -> None:
    assert [w.tracking_id for w in old_store.admin.held()] == [EXPECTED["held"]["tracking_id"]]
    old_store.admin.verify(EXPECTED["held"]["tracking_id"])
    assert old_store.admin.held() == []


def test_old_flood_counts_still_hold_the_sixth_report(old_store: IntakeApplication) -> None:
    flooder = Reporter(phone="081299990000")
    text = "Sampah menumpuk lagi di gang Sungai Miai belum diangkut petugas kebersihan"
    Feed(old_store)(message("flood-5", text=text, reporter=flooder, received_at=_at(105)))
    assert old_store.intake_status("sms", "flood-5").status == "held"


def test_an_old_open_report_is_still_a_duplicate_candidate(old_store: IntakeApplication) -> None:
    again = message("again", text=SAME_HOLE, location=NEAR, reporter=Reporter(phone="0812777"))
    Feed(old_store)(again.model_copy(update={"received_at": _at(60)}))
    status = old_store.intake_status("sms", "again")
    assert status.duplicate_of == EXPECTED["open-hole"]["tracking_id"]


def test_an_old_closed_report_is_no_longer_a_candidate(old_store: IntakeApplication) -> None:
    water = Location(kelurahan="Pekapuran Raya")
    again = message("water-again", text=WATER, location=water, reporter=Reporter(phone="0812888"))
    Feed(old_store)(again.model_copy(update={"received_at": _at(60)}))
    status = old_store.intake_status("sms", "water-again")
    assert (status.status, status.possible_duplicate_of) == ("accepted", None)


def test_a_reply_to_an_old_report_reaches_it(old_store: IntakeApplication) -> None:
    hole = EXPECTED["open-hole"]["tracking_id"]
    reply = message("reply-2", text=f"{hole} masih belum ditambal", received_at=_at(160))
    Feed(old_store)(reply.model_copy(update={"reporter": Reporter(phone="081200000001")}))
    assert old_store.intake_status("sms", "reply-2").status == "reply"


def test_the_migration_runs_once(old_store: IntakeApplication) -> None:
    assert old_store.books.migrated(MIGRATION)
    claims = old_store.books.db.read("SELECT count(*) AS n FROM intake_tracking_ids", {})  # type: ignore[attr-defined]
    assert claims[0]["n"] == 9  # nine reports: the reply claims none
