"""The event store round trip: state survives a restart (SQLite file, snapshots included)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from intake_helpers import PHONE, START, Feed, FixedClock, message, settings

from intake.application import ids
from intake.application.app import IntakeApplication
from intake.bootstrap import bootstrap
from intake.domain.identity import Identity


def open_intake(database: Path) -> IntakeApplication:
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(database)}
    app: IntakeApplication = bootstrap(
        settings(flood_max_reports=1), clock=FixedClock(START), env=env
    ).application
    return app


def test_recorded_report_is_read_back_after_a_restart(tmp_path: Path) -> None:
    Feed(open_intake(tmp_path / "intake.sqlite"))(message("m-1", anonim=True))
    status = open_intake(tmp_path / "intake.sqlite").intake_status("sms", "m-1")
    assert status.status == "accepted"


def test_flood_count_survives_a_restart(tmp_path: Path) -> None:
    database = tmp_path / "intake.sqlite"
    hourly = [message(f"m-{n}", received_at=START + timedelta(hours=n)) for n in range(3)]
    Feed(open_intake(database))(*hourly)
    restarted = open_intake(database)
    last = START + timedelta(hours=2)
    Feed(restarted)(message("m-next", received_at=last + timedelta(minutes=1)))
    assert restarted.intake_status("sms", "m-next").status == "held"


def test_flood_counters_are_rows_keyed_without_the_contact_in_clear(tmp_path: Path) -> None:
    app = open_intake(tmp_path / "intake.sqlite")
    Feed(app)(message("m-1"))
    rows = app.books.db.read("SELECT contact_key FROM intake_reporter_activity", {})  # type: ignore[attr-defined]
    counter = str(ids.activity_id(Identity(phone=PHONE).flood_keys("sms")[0]))
    assert counter in {row["contact_key"] for row in rows}
    assert not any(PHONE in row["contact_key"] for row in rows)
    topics = {n.topic for n in app.recorder.select_notifications(1, 100)}
    assert not any("ReporterActivity" in topic or "TrackingIdClaim" in topic for topic in topics)


def test_a_version_1_report_event_reads_back_without_its_clear_identity(tmp_path: Path) -> None:
    app = open_intake(tmp_path / "intake.sqlite")
    Feed(app)(message("m-1"))
    [stored] = app.recorder.select_events(ids.report_id("sms", "m-1"), limit=1)
    state = app.mapper.transcoder.decode(stored.state)
    for field in ("sealed_identity", "duplicate_of", "possible_duplicate_of", "class_version"):
        state.pop(field, None)
    state["reporter"] = {"name": "Siti", "phone": PHONE}
    old = replace(stored, state=app.mapper.transcoder.encode(state))
    recorded = app.mapper.to_domain_event(old)
    assert recorded.sealed_identity == ""  # type: ignore[attr-defined]
    assert not hasattr(recorded, "reporter")
    assert recorded.status == "accepted"  # type: ignore[attr-defined]
