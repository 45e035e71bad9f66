"""On PostgreSQL: a batch's read ahead (one read per table, merged inserts) decides as reads per
report did, and leaves the same rows."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from eventsourcing.persistence import Tracking

from intake.adapters import books
from intake.adapters.keys import MemoryKeys
from intake.application.app import IntakeApplication
from intake.bootstrap import bootstrap
from intake.domain.duplicates import Indexed
from intake.settings import IntakeSettings
from shared.clock import FixedClock
from shared.contracts import Channel, IntakeMessage, Location, Reporter
from shared.db import ensure_database
from shared.settings import CommonSettings

pytestmark = pytest.mark.integration

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TEXTS = [
    "Air PDAM tidak mengalir di gang Pekapuran sejak tiga hari lalu",
    "Air PDAM tidak mengalir di gang Pekapuran sejak empat hari lalu",
    "Lampu penerangan jalan mati sejak minggu lalu di gang tiga Pekapuran",
    "Dasar goblok petugas, puing di gang Pekapuran tidak diangkut",
]
PLACES = [
    Location(kelurahan="Pekapuran Raya"),
    Location(latitude=-3.3340, longitude=114.5950, kelurahan="Pekapuran Raya"),
]


def reports(start: int, count: int, days: int = 0) -> list[IntakeMessage]:
    return [
        IntakeMessage(
            occurred_at=START,
            received_at=START + timedelta(days=days, minutes=n),
            channel=Channel.SMS,
            message_id=f"m-{n}",
            text=TEXTS[n % len(TEXTS)],
            location=PLACES[n % len(PLACES)],
            reporter=Reporter(phone=f"08120000{n % 3:04d}"),
        )
        for n in range(start, start + count)
    ]


@pytest.fixture
def pair(postgres_url: str) -> Iterator[tuple[IntakeApplication, IntakeApplication]]:
    """Two intakes on PostgreSQL: one reads ahead, the other reads per report (as before)."""
    opened = []
    common = CommonSettings(database_url=postgres_url)
    for _ in range(2):
        service = f"t{uuid.uuid4().hex[:10]}"
        ensure_database(postgres_url, common.database_name(service))
        env = common.eventsourcing_env(service)
        settings = IntakeSettings(flood_max_reports=3)
        spec = bootstrap(settings, clock=FixedClock(START), env=env, keys=MemoryKeys())
        opened.append(spec.application)
    ahead, per_report = opened
    per_report._recorder.read_ahead = lambda batch, messages: None  # type: ignore[method-assign]
    yield ahead, per_report
    for app in opened:
        app.close()


def outcomes(app: IntakeApplication, count: int) -> list[tuple[Any, ...]]:
    found = [app.intake_status("sms", f"m-{n}") for n in range(count)]
    names = {s.tracking_id: n for n, s in enumerate(found)}
    return [
        (
            s.status,
            s.reason,
            names.get(s.duplicate_of or ""),
            names.get(s.possible_duplicate_of or ""),
        )
        for s in found
    ]


def rows(app: IntakeApplication) -> dict[str, Any]:
    db: Any = app.books.db  # type: ignore[attr-defined]
    read = db.read
    return {
        "activity": read("SELECT count(*) AS n FROM intake_reporter_activity", {})[0]["n"],
        "claims": read("SELECT count(*) AS n FROM intake_tracking_ids", {})[0]["n"],
        "held": read("SELECT count(*) AS n FROM intake_held", {})[0]["n"],
        "open": read("SELECT count(*) AS n FROM intake_open_reports", {})[0]["n"],
        "keys": read("SELECT count(*) AS n FROM intake_open_report_keys", {})[0]["n"],
        "reporters": read("SELECT count(*) AS n FROM intake_reporters", {})[0]["n"],
        "persons": read("SELECT count(*) AS n FROM intake_keys", {})[0]["n"],
    }


def test_a_batch_read_ahead_decides_and_writes_as_reads_per_report_do(
    pair: tuple[IntakeApplication, IntakeApplication], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(books, "OPEN_REPORTS_LIMIT", 3)
    for app in pair:
        late_and_old = [*reports(80, 10, days=100), *reports(90, 10, days=1)]  # one batch
        batches = [reports(0, 40), reports(40, 40, days=100), late_and_old]
        for n, batch in enumerate(batches, start=1):
            app.process_batch(batch, Tracking("lapor.intake.v1:0", n))
    ahead, per_report = pair
    assert outcomes(ahead, 100) == outcomes(per_report, 100)
    assert {o[0] for o in outcomes(ahead, 100)} >= {"accepted", "duplicate", "held"}
    assert rows(ahead) == rows(per_report)
    assert rows(ahead)["persons"] == 3  # one key per reporter, made once


def test_the_index_keys_read_at_once_are_those_read_key_by_key(
    pair: tuple[IntakeApplication, IntakeApplication],
) -> None:
    table: Any = pair[0].books
    for n in range(30):  # key "a" holds every entry, "b" every other, "c" every third
        entry = Indexed(f"r-{n}", f"t-{n}", START + timedelta(minutes=n), ("air", "bocor"))
        keys = [k for k, every in (("a", 1), ("b", 2), ("c", 3)) if n % every == 0]
        table.db.run(table.index(entry, keys))
    keys = ["c", "a", "b", "none", "a"]  # a key without rows, and one asked twice
    since, until = START + timedelta(minutes=5), START + timedelta(minutes=20)
    bounds = {"since": since.timestamp(), "until": until.timestamp(), "limit": 6}
    at_once = table._keyed_at_once(["c", "a", "b", "none"], bounds)
    assert at_once == table._keyed_in_chunks(keys, bounds)
    assert [len(at_once[k]) for k in "abc"] == [6, 6, 5]  # bounded, the most recent first
    assert at_once["a"][0] == ((START + timedelta(minutes=20)).timestamp(), "r-20")
