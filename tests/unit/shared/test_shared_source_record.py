"""A record as it arrived: made cheaply for every record read, the same record when used."""

from __future__ import annotations

import dataclasses

import pytest
from aiokafka.structs import ConsumerRecord

from shared.messaging.deadletter import DeadLetter, SourceRecord, dead_letter_record


def arrived(headers: object) -> ConsumerRecord[bytes, bytes]:
    return ConsumerRecord("lapor.intake.v1", 3, 41, 0, 0, b"sms:1", b"\xffbad", None, 5, 4, headers)  # type: ignore[arg-type]


def test_a_record_read_carries_its_headers_names_as_text_and_a_missing_value_as_empty() -> None:
    source = SourceRecord.of(arrived((("event_type", b"IntakeMessage"), ("x-none", None))))
    assert source.headers == (("event_type", b"IntakeMessage"), ("x-none", b""))
    assert (source.topic, source.partition, source.offset) == ("lapor.intake.v1", 3, 41)
    assert (source.key, source.value) == (b"sms:1", b"\xffbad")


def test_a_record_read_equals_the_same_record_made_by_hand() -> None:
    source = SourceRecord.of(arrived([("h", b"\xfe")]))
    by_hand = SourceRecord("lapor.intake.v1", 3, 41, b"sms:1", b"\xffbad", (("h", b"\xfe"),))
    assert source == by_hand and hash(source) == hash(by_hand)
    assert source != SourceRecord("lapor.intake.v1", 3, 42, b"sms:1", b"\xffbad", (("h", b"\xfe"),))


def test_a_record_without_headers_has_none() -> None:
    assert SourceRecord.of(arrived(None)).headers == ()


def test_a_source_record_cannot_be_changed() -> None:
    source = SourceRecord.of(arrived(()))
    with pytest.raises(dataclasses.FrozenInstanceError):
        source.offset = 7  # type: ignore[misc]


def test_a_dead_letter_keeps_the_headers_of_the_record_read() -> None:
    source = SourceRecord.of(arrived([("x-origin", b"\xfe")]))
    letter = dead_letter_record("intake", source, "not-json", "bad bytes")
    assert letter.headers[0] == ("x-origin", b"\xfe")
    stored = DeadLetter.record("intake", source, "not-json", "bad bytes").source
    assert SourceRecord.from_json(stored) == source


def test_a_huge_value_is_cut_in_the_dead_letter_and_the_rest_is_kept() -> None:
    huge = SourceRecord("t", 0, 1, b"k", b"x" * (600 * 1024), (("h", b"v"),))
    kept = SourceRecord.from_json(DeadLetter.record("s", huge, "r", "e").source)
    assert kept.value == b"x" * (512 * 1024)
    assert (kept.topic, kept.key, kept.headers) == ("t", b"k", (("h", b"v"),))
