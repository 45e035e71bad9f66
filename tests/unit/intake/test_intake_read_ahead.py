"""A batch reads intake's tables once per table, whatever its size, and decides as it did when
each report read its own rows: flood counters, duplicate candidates (bounded), reporters' keys."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from intake_helpers import START, Feed, FixedClock, message, settings

from intake.adapters import books
from intake.application.app import IntakeApplication
from intake.bootstrap import bootstrap
from shared.contracts import Location, Reporter

TEXTS = [
    "Air PDAM tidak mengalir di gang Pekapuran sejak tiga hari lalu",
    "Air PDAM tidak mengalir di gang Pekapuran sejak empat hari lalu",
    "Lampu penerangan jalan mati sejak minggu lalu di gang tiga Pekapuran",
    "Mohon ditindak warga membuang puing di gang Pekapuran setiap malam",
]
PLACES = [
    Location(kelurahan="Pekapuran Raya"),
    Location(latitude=-3.3340, longitude=114.5950, kelurahan="Pekapuran Raya"),
]


def intake(database: Path) -> IntakeApplication:
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(database)}
    app: IntakeApplication = bootstrap(
        settings(flood_max_reports=3), clock=FixedClock(START), env=env
    ).application
    return app


def reports(start: int, count: int, days: int = 0) -> list[Any]:
    """Reports from a few reporters (floods), alike in text and place (duplicates)."""
    return [
        message(
            f"m-{n}",
            text=TEXTS[n % len(TEXTS)],
            location=PLACES[n % len(PLACES)],
            reporter=Reporter(phone=f"08120000{n % 2:04d}"),
            received_at=START + timedelta(days=days, minutes=n),
        )
        for n in range(start, start + count)
    ]


def outcomes(app: IntakeApplication, count: int) -> list[tuple[Any, ...]]:
    found = [app.intake_status("sms", f"m-{n}") for n in range(count)]
    by_tracking_id = {s.tracking_id: f"m-{n}" for n, s in enumerate(found)}
    return [
        (
            s.status,
            s.reason,
            by_tracking_id.get(s.duplicate_of or ""),
            by_tracking_id.get(s.possible_duplicate_of or ""),
        )
        for s in found
    ]


def counted(app: IntakeApplication, monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Reads of the tables by the table they name first."""
    reads: Counter[str] = Counter()
    db: Any = app.books.db  # type: ignore[attr-defined]
    read = db.read

    def counting(sql: str, params: Any) -> Any:
        reads[re.findall(r"FROM (intake_\w+)", sql)[0]] += 1
        return read(sql, params)

    monkeypatch.setattr(db, "read", counting)
    return reads


@pytest.mark.parametrize("size", [5, 50])
def test_a_batch_reads_each_table_once_whatever_its_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    app = intake(tmp_path / "intake.sqlite")
    Feed(app)(*reports(0, 40))  # reporters with keys, activity and open reports
    reads = counted(app, monkeypatch)
    Feed(app)(*reports(40, size))
    assert reads["intake_reporter_activity"] == 1
    assert reads["intake_keys"] == 1
    assert reads["intake_open_report_keys"] == 1
    assert reads["intake_open_reports"] <= 1  # entries not seen before, once


def pair(tmp_path: Path) -> tuple[IntakeApplication, IntakeApplication]:
    """Two applications: one reads ahead, the other reads per report (as before)."""
    ahead, per_report = intake(tmp_path / "a.sqlite"), intake(tmp_path / "b.sqlite")
    per_report._recorder.read_ahead = lambda batch, messages: None  # type: ignore[method-assign]
    return ahead, per_report


@pytest.mark.parametrize("limit", [2, 50])
def test_a_batch_read_ahead_decides_as_reads_per_report_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limit: int
) -> None:
    monkeypatch.setattr(books, "OPEN_REPORTS_LIMIT", limit)
    ahead, per_report = pair(tmp_path)
    for app in (ahead, per_report):
        feed = Feed(app)
        for start in range(0, 36, 12):
            feed(*reports(start, 12))
    assert outcomes(ahead, 36) == outcomes(per_report, 36)
    assert {o[0] for o in outcomes(ahead, 36)} >= {"accepted", "duplicate", "held"}


def test_a_batch_out_of_order_decides_as_reads_per_report_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch spanning months: the rows read ahead for a key are its most recent, beyond the
    window of the batch's oldest message, which then reads its own."""
    monkeypatch.setattr(books, "OPEN_REPORTS_LIMIT", 3)
    ahead, per_report = pair(tmp_path)
    for app in (ahead, per_report):
        Feed(app)(*reports(0, 8))
        Feed(app)(*reports(8, 8, days=100))
        Feed(app)(*reports(16, 4, days=100), *reports(20, 4, days=1))
    assert outcomes(ahead, 24) == outcomes(per_report, 24)
    assert all(o[2] or o[3] for o in outcomes(ahead, 24)[20:])  # found the old ones
