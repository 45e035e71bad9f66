"""The outbox in memory: rows written with their events, translated when they are recorded."""

from __future__ import annotations

import json
from typing import Any

import pytest
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import IntegrityError, Tracking

from shared import topics
from shared.contracts import IntakeMessage
from shared.messaging import codec
from shared.messaging.deadletter import SourceRecord
from shared.messaging.outbox import Outgoing, install_outbox, pack_headers, unpack_headers
from shared.messaging.relay import OutboxRelay
from shared.processing import Delivery, Rejection, derived_id
from tests.plumbing_app import Note, NoteTaker, translator
from tests.unit.shared.test_shared_relay import Producer

POPO = {"PERSISTENCE_MODULE": "eventsourcing.popo"}


def intake(message_id: str, text: str = "air mati") -> IntakeMessage:
    return IntakeMessage.model_validate(
        {"event_type": "IntakeMessage", "occurred_at": "2026-12-01T08:00:00+07:00",
         "channel": "sms", "message_id": message_id, "text": text}
    )  # fmt: skip


def test_a_batch_records_its_outbox_rows_with_its_events_and_position() -> None:
    app = NoteTaker(env=POPO)
    install_outbox(app, translator("out"), legacy_relay="outbox-relay")
    app.process_batch([intake("1"), intake("2")], Tracking("in:0", 2))
    rows = app.recorder.select_outbox(0, 10)
    assert [r.id for r in rows] == [1, 2]
    decoded = [codec.decode("lapor.intake.v1", r.value, 10_000) for r in rows]
    assert [m.message_id for m in decoded] == ["1", "2"]  # type: ignore[union-attr]
    assert dict(rows[0].headers)["event_type"] == b"IntakeMessage"


def test_a_batch_that_cannot_record_its_position_leaves_no_row() -> None:
    app = NoteTaker(env=POPO)
    install_outbox(app, translator("out"), legacy_relay="outbox-relay")
    app.process_batch([intake("1")], Tracking("in:0", 1))
    with pytest.raises(IntegrityError):  # the same position again: the whole write is refused
        app.process_batch([intake("2")], Tracking("in:0", 1))
    assert app.recorder.max_outbox_id() == 1


def test_a_use_case_save_writes_rows_too() -> None:
    app = NoteTaker(env=POPO)
    install_outbox(app, translator("out"), legacy_relay="outbox-relay")
    app.save(Note(channel="web", message_id="m1", text="laporan"))
    assert app.recorder.max_outbox_id() == 1


def test_a_dead_letter_row_keeps_the_original_bytes() -> None:
    app = NoteTaker(env=POPO)
    install_outbox(app, translator("out"), legacy_relay="outbox-relay")
    source = SourceRecord("lapor.intake.v1", 1, 5, b"k", b"\x00\xffrusak", (("h", b"\xfe"),))
    failed = Delivery(source, failure=Rejection("not-json", "bad"))
    app.process_batch([failed], Tracking("lapor.intake.v1:1", 6), service="intake")
    [row] = app.recorder.select_outbox(0, 10)
    assert (row.topic, row.key, row.value) == (topics.DEADLETTER, b"k", b"\x00\xffrusak")
    assert row.headers[0] == ("h", b"\xfe")
    assert "notification_id" not in dict(row.record_headers())


def test_headers_survive_the_store_byte_for_byte() -> None:
    headers = (("event_type", b"X"), ("raw", bytes(range(256))))
    assert unpack_headers(pack_headers(headers)) == headers


class Counter(Aggregate):
    """An aggregate whose translation reads it at the event's version."""

    @event("Started")
    def __init__(self) -> None:
        self.count = 0

    @event("Bumped")
    def bump(self) -> None:
        self.count += 1


def test_a_translation_reads_its_aggregate_at_the_event_version_before_it_is_stored() -> None:
    app = NoteTaker(env=POPO)
    seen: list[tuple[int, int]] = []

    def translate(domain_event: Any) -> list[Outgoing]:
        if isinstance(domain_event, Counter.Bumped):  # type: ignore[attr-defined]
            at = app.repository.get(
                domain_event.originator_id, version=domain_event.originator_version
            )
            seen.append((domain_event.originator_version, at.count))
        return []

    install_outbox(app, translate, legacy_relay="outbox-relay")
    counter = Counter()
    counter.bump()
    counter.bump()
    app.save(counter)  # versions 1-3, none stored before
    counter.bump()
    app.save(counter)  # version 4, on top of the stored 1-3
    assert seen == [(2, 1), (3, 2), (4, 3)]


async def test_rows_recorded_before_a_crash_are_sent_by_the_next_relay_with_their_event_ids() -> (
    None
):
    app = NoteTaker(env=POPO)
    install_outbox(app, translator("out"), legacy_relay="outbox-relay")
    app.process_batch([intake("1"), intake("2")], Tracking("in:0", 2))
    # the service died before its relay sent anything; a relay started later sends both
    first, again = Producer(), Producer()
    relay = OutboxRelay(app, first, translator("out"))
    assert await relay.publish_pending() == 2
    await OutboxRelay(app, again, translator("out"), name="after-crash").publish_pending()
    ids = [dict(r["headers"])["event_id"] for r in first.sent]
    assert ids == [dict(r["headers"])["event_id"] for r in again.sent] and len(set(ids)) == 2
    assert [r["value"] for r in first.sent] == [r["value"] for r in again.sent]
    expected = derived_id(derived_id("note", "sms", "1"), 1, 0)
    assert ids[0] == str(expected).encode()


def test_events_recorded_before_the_outbox_are_moved_once() -> None:
    app = NoteTaker(env=POPO)  # written the old way: no outbox installed, an old relay position
    for n in range(5):
        app.save(Note(channel="web", message_id=f"m{n}", text=f"laporan {n}"))
    app.recorder.insert_tracking(Tracking("outbox-relay", 2))  # the old relay sent 1 and 2
    install_outbox(app, translator("out"), legacy_relay="outbox-relay")
    rows = app.recorder.select_outbox(0, 10)
    assert [json.loads(r.value or b"")["message_id"] for r in rows] == ["m2", "m3", "m4"]
    app.save(Note(channel="web", message_id="m5", text="laporan 5"))  # written with its row
    install_outbox(app, translator("out"), legacy_relay="outbox-relay")  # nothing moved twice
    assert app.recorder.max_outbox_id() == 4
