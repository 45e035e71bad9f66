"""Intake reads a batch's aggregates with one query; a taken tracking id costs a retry, no read."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from aiokafka.structs import ConsumerRecord
from intake_helpers import START, Feed, FixedClock, message, settings

from intake.application.app import IntakeApplication
from intake.bootstrap import bootstrap
from intake.domain.identifiers import TrackingIdFormat
from shared import topics
from shared.contracts import Location, Reporter
from shared.messaging import codec
from shared.messaging.consumer import IdempotentConsumer, RetryPolicy
from tests.preload_app import counting_reads

PLACES = [
    Location(latitude=-3.3340, longitude=114.5950),
    Location(kecamatan="Banjarmasin Utara", kelurahan="Kayu Tangi"),
    Location(latitude=-3.3200, longitude=114.6000, kelurahan="Sungai Miai"),
]
TEXTS = [
    "Jalan berlubang besar di Jl. Kelayan A depan masjid, pengendara jatuh",
    "Lampu penerangan jalan mati sejak minggu lalu di gang tiga",
    "Sampah menumpuk di pinggir sungai dan berbau tidak sedap",
]


def intake(database: Path) -> IntakeApplication:
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(database)}
    app: IntakeApplication = bootstrap(settings(), clock=FixedClock(START), env=env).application
    return app


def reports(start: int, count: int) -> list:
    return [
        message(
            f"m-{n}",
            text=TEXTS[n % 3],
            location=PLACES[n % 3],
            reporter=Reporter(phone=f"08120000{n % 7:04d}"),
            received_at=START + timedelta(minutes=n),
        )
        for n in range(start, start + count)
    ]


@pytest.mark.parametrize("size", [4, 40])
def test_a_batch_of_reports_reads_the_store_once_whatever_its_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    app = intake(tmp_path / "intake.sqlite")
    feed = Feed(app)
    feed(*reports(0, 60))  # reporters, queue and index cells with history (and snapshots)
    again = reports(50, 10)  # seen before: recorded once only
    with counting_reads(app, monkeypatch) as reads:
        feed(*reports(100, size), *again)
    assert (reads.preloads, reads.per_aggregate) == (1, 0)
    assert app.intake_status("sms", f"m-{100 + size - 1}").tracking_id


def test_a_batch_reads_the_same_as_message_by_message(tmp_path: Path) -> None:
    batched, single = intake(tmp_path / "a.sqlite"), intake(tmp_path / "b.sqlite")
    Feed(batched)(*reports(0, 30))
    feed_single = Feed(single)
    for one in reports(0, 30):
        feed_single(one)
    for n in range(30):
        got, want = batched.intake_status("sms", f"m-{n}"), single.intake_status("sms", f"m-{n}")
        assert (got.status, got.reason, got.duplicate_of is None) == (
            want.status,
            want.reason,
            want.duplicate_of is None,
        )


def scripted_ids(monkeypatch: pytest.MonkeyPatch, drawn: list[str]) -> None:
    """Tracking ids come from this list first, then at random."""
    fresh = TrackingIdFormat.new_id
    monkeypatch.setattr(
        TrackingIdFormat, "new_id", lambda self: drawn.pop(0) if drawn else fresh(self)
    )


def test_a_taken_tracking_id_fails_the_insert_and_the_retry_draws_another(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = intake(tmp_path / "intake.sqlite")
    scripted_ids(monkeypatch, ["LPR-AAAAAAAA"])
    first, _ = app.submit(message("m-1"))
    scripted_ids(monkeypatch, ["LPR-AAAAAAAA"])  # the same id drawn again: the claim conflicts
    with counting_reads(app, monkeypatch) as reads:
        second, created = app.submit(message("m-2", reporter=Reporter(phone="081299999999")))
    assert (reads.preloads, reads.per_aggregate) == (2, 0)  # no read of the claim: a retry
    assert created and first.tracking_id == "LPR-AAAAAAAA"
    assert second.tracking_id not in (None, first.tracking_id)


def record(offset: int, value: bytes) -> ConsumerRecord[bytes, bytes]:
    return ConsumerRecord(topics.INTAKE, 0, offset, 0, 0, b"k", value, None, 1, len(value), [])


def test_a_taken_tracking_id_in_a_consumed_batch_records_every_report_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = intake(tmp_path / "intake.sqlite")
    scripted_ids(monkeypatch, ["LPR-BBBBBBBB"])
    app.submit(message("m-0"))
    batch = reports(1, 5)
    scripted_ids(monkeypatch, ["LPR-CCCCCCCC", "LPR-BBBBBBBB"])
    consumer = IdempotentConsumer(
        app, service="intake", max_bytes=1_000_000, retry=RetryPolicy(backoff_seconds=0.001)
    )
    records = [record(n, codec.encode(m)) for n, m in enumerate(batch)]
    asyncio.run(consumer.handle(records))
    asyncio.run(consumer.handle(records))  # delivered again: nothing new
    tracking_ids = [app.intake_status("sms", m.message_id).tracking_id for m in batch]
    assert len(set(tracking_ids)) == 5 and "LPR-BBBBBBBB" not in tracking_ids
    assert app.position(f"{topics.INTAKE}:0") == 5
