"""A store whose indexes main (7e70ff5) kept as aggregates keeps working: they move into tables.

`tests/fixtures/notification/stored_pre_tables.json` holds what that main stored
(`make_stored_pre_tables.py` beside it wrote it): an agenda shard with a night SMS planned, the
admin's waiting list (alerted, Friday's digest sent), report indexes (contacts noted, a case event
parked until its report's event comes) and a duplicate link. Opening it moves them once.
"""

from __future__ import annotations

import functools
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from eventsourcing.persistence import Tracking

from notification.application.migration import MIGRATION, migrate_indexes
from notification.application.scheduler import Scheduler
from notification.application.service import NotificationApplication
from shared import topics
from shared.clock import FixedClock
from shared.contracts import (
    CaseDisposed,
    Channel,
    ContactKind,
    ReportKind,
    ReportReceived,
    StatusBucket,
)
from shared.processing import derived_id
from tests.unit.notification.old_store import old_store, opened

FIXTURE = Path(__file__).parents[2] / "fixtures" / "notification" / "stored_pre_tables.json"
SATURDAY_MORNING = datetime(2026, 11, 27, 23, 30, tzinfo=UTC)  # 07.30 WITA
MONDAY_MORNING = datetime(2026, 11, 30, 0, 30, tzinfo=UTC)  # 08.30 WITA


@functools.cache
def _fixture() -> dict[str, Any]:
    return dict(json.loads(FIXTURE.read_text()))


class Weekdays:
    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5


def _clock() -> FixedClock:
    return FixedClock(datetime.fromisoformat(_fixture()["clock"]))


def _loaded(tmp_path: Path, clock: FixedClock | None = None) -> NotificationApplication:
    return old_store(tmp_path / "pre-tables.sqlite", _fixture()["stored"], clock or _clock())


def _view(message: Any) -> dict[str, Any]:
    fields = ("notification_id", "tracking_id", "audience", "channel", "template", "status")
    view = {name: str(getattr(message, name)) for name in fields}
    view["attempt"] = message.attempt
    return view


def _templates(app: NotificationApplication, tracking_id: str) -> list[tuple[str, str]]:
    return [(m.template, m.status) for m in app.messages_for(tracking_id)]


def test_each_reports_messages_read_as_main_listed_them(tmp_path: Path) -> None:
    app = _loaded(tmp_path)
    expected = _fixture()["messages"]
    assert {tid: [_view(m) for m in app.messages_for(tid)] for tid in expected} == expected


def test_the_sms_main_planned_for_the_morning_goes_out_then(tmp_path: Path) -> None:
    clock = _clock()
    app = _loaded(tmp_path, clock)
    scheduler = Scheduler(app, Weekdays())
    scheduler.tick()  # still night: nothing goes
    night = ("case_disposed", "requested")
    assert night in _templates(app, "LPR-SMS00005")
    clock.set(SATURDAY_MORNING)
    scheduler.tick()
    assert ("case_disposed", "sent") in _templates(app, "LPR-SMS00005")


def test_the_waiting_list_moves_alerts_once_and_digests_once_a_day(tmp_path: Path) -> None:
    clock = _clock()
    app = _loaded(tmp_path, clock)
    scheduler = Scheduler(app, Weekdays())
    scheduler.tick()  # Friday night: Friday's digest went, the alert too
    friday = _templates(app, "LPR-SMS00003")
    clock.set(MONDAY_MORNING)
    scheduler.tick()
    monday = [m for m in app.messages_for("LPR-SMS00003") if m.template == "admin_digest"]
    assert friday.count(("admin_digest", "sent")) == 2
    assert friday.count(("admin_waiting", "sent")) == 1
    assert len(monday) == 3 and "LPR-SMS00003" in monday[-1].text
    assert "LPR-SMS00005" not in monday[-1].text  # disposed: it left the list


def test_a_case_event_main_parked_is_told_when_its_reports_event_comes(tmp_path: Path) -> None:
    app = _loaded(tmp_path)
    received = ReportReceived(
        occurred_at=datetime.fromisoformat(_fixture()["clock"]),
        report_id=derived_id("pre-tables-report", "LPR-WEB00002"),
        tracking_id="LPR-WEB00002",
        channel=Channel.WEB,
        kind=ReportKind.PENGADUAN,
        text="Lampu jalan padam di depan sekolah.",
        reporter_ref="rref-LPR-WEB00002",
        received_at=datetime.fromisoformat(_fixture()["clock"]),
        contact_kinds=(ContactKind.EMAIL,),
    )
    app.process_batch([received], Tracking(f"{topics.REPORTS}:0", 100))
    (told,) = app.messages_for("LPR-WEB00002")
    assert (told.template, told.channel, told.status) == ("case_opened", "email", "sent")


def test_a_duplicate_main_linked_hears_when_its_original_moves(tmp_path: Path) -> None:
    app = _loaded(tmp_path)
    moved = CaseDisposed(
        occurred_at=datetime.fromisoformat(_fixture()["clock"]) + timedelta(hours=10),
        report_id=derived_id("pre-tables-report", "LPR-SMS00003"),
        tracking_id="LPR-SMS00003",
        channel=Channel.SMS,
        kind=ReportKind.PENGADUAN,
        reporter_ref="rref-LPR-SMS00003",
        status=StatusBucket.BELUM_DITINDAKLANJUTI,
        skpd_code="PDAM",
        skpd_name="PDAM Bandarmasih",
    )
    app.clock = FixedClock(SATURDAY_MORNING)
    app.process_batch([moved], Tracking(f"{topics.CASES}:0", 100))
    told = [(m.template, m.channel) for m in app.messages_for("LPR-SMS00007")]
    assert told == [("case_linked_as_duplicate", "sms"), ("duplicate_original_moved", "sms")]


def test_the_indexes_move_once(tmp_path: Path) -> None:
    database = tmp_path / "pre-tables.sqlite"
    first = old_store(database, _fixture()["stored"], _clock())
    assert first.tables.migrated(MIGRATION)
    first.close()
    again = opened(database, _clock())
    assert migrate_indexes(again, again.tables) == 0
    assert len(again.messages_for("LPR-SMS00005")) == 5
