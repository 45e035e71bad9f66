"""Skipping by header before decoding, and the fast decoder of internal topics."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from aiokafka.structs import ConsumerRecord

from shared import contracts as c
from shared import topics
from shared.messaging import codec
from tests.plumbing_app import NoteTaker
from tests.unit.shared.test_shared_consumer import INMEMORY, consumer, dead_letters, reasons

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def on(
    topic: str, offset: int, value: bytes, event_type: str | None
) -> ConsumerRecord[bytes, bytes]:
    headers = [("event_type", event_type.encode())] if event_type else []
    return ConsumerRecord(topic, 0, offset, 0, 0, b"k", value, None, 1, len(value), headers)


def accepted(text: str) -> c.ReportAccepted:
    return c.ReportAccepted(
        report_id=uuid.uuid4(), tracking_id="LPR-0001", occurred_at=NOW, received_at=NOW,
        channel="web", kind="pengaduan", text=text, reporter_ref="ref-1",
    )  # fmt: skip


def test_the_policy_s_ignored_types_are_named_per_topic() -> None:
    app = NoteTaker(env=INMEMORY)  # acts on IntakeMessage only
    assert "ReportHeld" in app.ignored_types(topics.REPORTS)
    assert app.ignored_types(topics.INTAKE) == []


async def test_an_ignored_type_is_skipped_undecoded_and_the_position_still_advances() -> None:
    app = NoteTaker(env=INMEMORY)
    handler, _ = consumer(app)
    # not even JSON: had it been decoded it would have been dead-lettered
    await handler.handle([on(topics.REPORTS, 7, b"\xff not json", "ReportHeld")])
    assert app.position(f"{topics.REPORTS}:0") == 8
    assert dead_letters(app) == [] and handler.skipped == 1


async def test_a_record_without_its_header_is_still_read_and_a_bad_one_dead_lettered() -> None:
    app = NoteTaker(env=INMEMORY)
    handler, _ = consumer(app)
    await handler.handle([on(topics.REPORTS, 0, b"\xff not json", None)])
    assert reasons(app) == ["not-json"] and handler.skipped == 0


def test_the_fast_way_reads_the_same_event_as_the_edge_way() -> None:
    event = accepted("Jalan berlubang di depan pasar")
    value = codec.encode(event)
    fast = codec.decode(topics.REPORTS, value, 65536, b"ReportAccepted")
    assert fast == codec.decode(topics.REPORTS, value, 65536) == event


def test_texts_keep_the_rule_at_the_edge_only() -> None:
    raw = codec.encode(accepted("baris satu")).replace(b"baris satu", b"baris\\r\\nsatu")
    internal = codec.decode(topics.REPORTS, raw, 65536, b"ReportAccepted")
    edge_way = codec.decode(topics.REPORTS, raw, 65536)  # no header: decoded as at an edge
    assert internal.text == "baris\r\nsatu"  # type: ignore[union-attr]
    assert edge_way.text == "baris\nsatu"  # type: ignore[union-attr]
    message = b'{"event_type":"IntakeMessage","occurred_at":"2026-11-27T10:00:00Z",'
    message += b'"channel":"sms","message_id":"1","text":"air\\r\\nmati"}'
    at_intake = codec.decode(topics.INTAKE, message, 65536, b"IntakeMessage")
    assert at_intake.text == "air\nmati"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (b"\xff\xfe", "not-json"),
        (b"[1, 2]", "not-an-object"),
        (b'{"event_type": "ReportAccepted", "text": 7}', "invalid-fields"),
    ],
)
def test_a_bad_internal_record_is_refused_for_the_same_reason_either_way(
    value: bytes, reason: str
) -> None:
    with pytest.raises(codec.MalformedMessage) as fast:
        codec.decode(topics.REPORTS, value, 65536, b"ReportAccepted")
    with pytest.raises(codec.MalformedMessage) as edge_way:
        codec.decode(topics.REPORTS, value, 65536)
    assert fast.value.reason == edge_way.value.reason == reason
