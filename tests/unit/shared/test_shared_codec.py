"""The wire format: what decodes, and what is dead-lettered with which reason."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from uuid import uuid4

import pytest

from shared import contracts as c
from shared import topics
from shared.messaging import codec

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def intake(**fields: object) -> c.IntakeMessage:
    return c.IntakeMessage(
        occurred_at=NOW, channel="sms", message_id="m1", text="Air PDAM mati", **fields
    )  # type: ignore[arg-type]


def reason_of(topic: str, value: bytes | None, max_bytes: int = 65536) -> str:
    with pytest.raises(codec.MalformedMessage) as caught:
        codec.decode(topic, value, max_bytes)
    return caught.value.reason


def test_an_encoded_event_decodes_to_an_equal_event() -> None:
    event = intake()
    assert codec.decode(topics.INTAKE, codec.encode(event), 65536) == event


def test_the_wire_carries_event_type_and_schema_version() -> None:
    wire = json.loads(codec.encode(intake()))
    assert (wire["event_type"], wire["schema_version"]) == (
        "IntakeMessage",
        c.IntakeMessage.schema_version,
    )


def test_consumers_ignore_fields_they_do_not_know() -> None:
    wire = json.loads(codec.encode(intake()))
    wire["added_by_a_newer_producer"] = {"x": 1}
    decoded = codec.decode(topics.INTAKE, json.dumps(wire).encode(), 65536)
    assert isinstance(decoded, c.IntakeMessage)


def test_an_unknown_event_type_is_skipped_not_dead_lettered() -> None:
    value = json.dumps({"event_type": "ReportTeleported"}).encode()
    assert codec.decode(topics.REPORTS, value, 65536) == codec.UnknownEventType("ReportTeleported")


def test_bytes_that_are_not_json_are_malformed() -> None:
    assert reason_of(topics.INTAKE, b"\xff\xfe") == "not-json"


def test_a_record_without_a_value_is_malformed() -> None:
    assert reason_of(topics.INTAKE, None) == "empty-value"


def test_a_json_array_is_malformed() -> None:
    assert reason_of(topics.INTAKE, b"[1, 2]") == "not-an-object"


def test_a_missing_event_type_is_malformed() -> None:
    assert reason_of(topics.INTAKE, b'{"text": "x"}') == "missing-field"


def test_an_oversized_record_is_malformed_before_parsing() -> None:
    assert reason_of(topics.INTAKE, codec.encode(intake()), max_bytes=10) == "too-large"


def test_an_invalid_field_is_named_in_the_detail() -> None:
    wire = json.loads(codec.encode(intake()))
    wire["text"] = "   "
    with pytest.raises(codec.MalformedMessage) as caught:
        codec.decode(topics.INTAKE, json.dumps(wire).encode(), 65536)
    assert caught.value.reason == "invalid-fields"
    assert caught.value.detail.startswith("text:")


def test_headers_carry_type_version_event_id_and_the_notification_id() -> None:
    event = intake()
    headers = dict(codec.headers(event, 42))
    assert headers == {
        "event_type": b"IntakeMessage",
        "schema_version": str(c.IntakeMessage.schema_version).encode(),
        "event_id": str(event.event_id).encode(),
        "notification_id": b"42",
    }


def test_headers_keep_their_order_record_after_record() -> None:
    for event in (intake(), intake()):  # the second from the class's kept headers
        names = [name for name, _ in codec.headers(event, 7)]
        assert names == ["event_type", "schema_version", "event_id", "notification_id"]


def test_every_case_event_may_appear_on_the_cases_topic() -> None:
    known = codec.events_for(topics.CASES)
    assert {"CaseOpened", "CaseDisposed", "DeadlineMissed", "CaseReturned"} <= set(known)


def test_body_topics_carry_routed_reports_and_actions() -> None:
    assert set(codec.events_for(topics.skpd_topic("PDAM"))) == {"ReportRouted"}
    assert "RejectNotCompetent" in codec.events_for(topics.skpd_actions_topic("PLN-UID-KALSELTENG"))


def test_a_topic_without_a_contract_is_a_programming_error() -> None:
    with pytest.raises(KeyError):
        codec.events_for("lapor.nowhere.v1")


def test_a_version_1_intake_message_without_attachments_or_category_still_reads() -> None:
    wire = json.loads(codec.encode(intake()))
    wire["schema_version"] = 1
    del wire["attachments"], wire["category"]
    event = codec.decode(topics.INTAKE, json.dumps(wire).encode(), 65536)
    assert isinstance(event, c.IntakeMessage)
    assert event.attachments == () and event.category is None


@pytest.mark.parametrize(
    "attachments",
    [
        ["ftp://example.org/a.jpg"],
        ["https://example.org/a b.jpg"],
        [f"https://example.org/{i}.jpg" for i in range(6)],
        ["https://example.org/" + "a" * 2000],
    ],
)
def test_attachments_are_at_most_five_http_links_of_bounded_length(
    attachments: list[str],
) -> None:
    wire = json.loads(codec.encode(intake()))
    wire["attachments"] = attachments
    with pytest.raises(codec.MalformedMessage) as caught:
        codec.decode(topics.INTAKE, json.dumps(wire).encode(), 65536)
    assert caught.value.detail.startswith("attachments")


def test_a_rating_outside_one_to_five_is_refused() -> None:
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    rating = c.ReporterRatingReceived(
        report_id=uuid4(),
        tracking_id="LPR-ABCD2345",
        channel=c.Channel.SMS,
        received_at=now,
        occurred_at=now,
        rating=5,
    )
    wire = json.loads(codec.encode(rating))
    assert isinstance(codec.decode(topics.REPORTS, codec.encode(rating), 65536), type(rating))
    wire["rating"] = 6
    with pytest.raises(codec.MalformedMessage):
        codec.decode(topics.REPORTS, json.dumps(wire).encode(), 65536)
