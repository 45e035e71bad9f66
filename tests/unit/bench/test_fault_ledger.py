"""The fault scenario's audit: effects counted once, relay re-sends apart, dead letters exact."""

from __future__ import annotations

import json
import uuid

from bench.faults import expected_dead_letters, side_records
from bench.generator import Generator, Record
from bench.ledger import Ledger, audit
from shared import topics

SMS = topics.outbound_topic("sms")


def event(
    event_type: str, report_id: str, **fields: object
) -> tuple[bytes, list[tuple[str, bytes]]]:
    body = {"event_id": str(uuid.uuid4()), "report_id": report_id, **fields}
    return json.dumps(body).encode(), [("event_type", event_type.encode())]


def report_through(ledger: Ledger, record: Record, report_id: str) -> list[bytes]:
    """The report's ReportReceived, ReportAccepted, CaseOpened and "received" note; their values."""
    sent = json.loads(record.value)
    content = {"channel": sent["channel"], "location": sent["location"]}
    values = []
    for topic, kind, fields in (
        (topics.REPORTS, "ReportReceived", content),
        (topics.REPORTS, "ReportAccepted", content),
        (topics.CASES, "CaseOpened", {}),
        (SMS, "OutboundMessage", {"template": "case_opened"}),
    ):
        value, headers = event(kind, report_id, **fields)
        ledger.see(topic, report_id.encode(), value, 1, headers)
        values.append(value)
    return values


def dead_letter(ledger: Ledger, service: str, record: Record, topic: str, offset: int) -> None:
    headers = [
        ("lapor.dlq.service", service.encode()),
        ("lapor.dlq.source.topic", topic.encode()),
        ("lapor.dlq.source.partition", b"0"),
        ("lapor.dlq.source.offset", str(offset).encode()),
    ]
    ledger.see(topics.DEADLETTER, record.key, record.value, 1, headers)


def test_a_relay_re_send_with_the_same_event_id_is_a_copy_not_a_second_effect() -> None:
    record = Generator("l1", malformed_share=0).report(0)
    ledger = Ledger()
    ledger.expect([record])
    values = report_through(ledger, record, "r-1")
    ledger.see(topics.CASES, b"r-1", values[2], 2, [("event_type", b"CaseOpened")])
    result = audit(ledger, [record], set())
    assert result.problems == {"reports": [], "cases": [], "received_notes": [], "dead_letters": []}
    assert result.counts["cases"] == 1 and result.counts["wire_copies"] == {"cases": 1}


def test_a_second_case_or_note_for_one_report_is_a_duplicate_effect() -> None:
    record = Generator("l2", malformed_share=0).report(0)
    ledger = Ledger()
    ledger.expect([record])
    report_through(ledger, record, "r-2")
    value, headers = event("CaseOpened", "r-2")
    ledger.see(topics.CASES, b"r-2", value, 2, headers)
    value, headers = event("OutboundMessage", "r-2", template="case_opened")
    ledger.see(SMS, b"r-2", value, 2, headers)
    problems = audit(ledger, [record], set()).problems
    assert problems["cases"] == ["report r-2: 2 cases"]
    assert problems["received_notes"] == ["report r-2: 2 received notes"]


def test_one_adapter_message_recorded_as_two_reports_is_a_duplicate() -> None:
    record = Generator("l3", malformed_share=0).report(0)
    ledger = Ledger()
    ledger.expect([record])
    report_through(ledger, record, "r-3")
    report_through(ledger, record, "r-4")
    assert audit(ledger, [record], set()).problems["reports"] == [
        f"{record.key.decode()}: 2 reports"
    ]


def test_dead_letters_must_be_exactly_one_per_bad_record_and_reader() -> None:
    bad = Generator("l4", malformed_share=0.5).records(2)[1]
    side = side_records("l4", 1)
    readers = {topics.INTAKE: {"intake"}, topics.CASES: {"routing", "notification"}}
    expected = expected_dead_letters([bad], side, readers)
    ledger = Ledger()
    dead_letter(ledger, "intake", bad, topics.INTAKE, 7)
    dead_letter(ledger, "intake", bad, topics.INTAKE, 7)  # the relay's re-send: a copy
    dead_letter(ledger, "intake", bad, topics.INTAKE, 8)  # another offset: dead-lettered twice
    [on_cases] = side[topics.CASES]
    dead_letter(ledger, "routing", on_cases, topics.CASES, 3)
    result = audit(ledger, [bad], expected)
    key = on_cases.key.decode()
    assert result.problems["dead_letters"] == [
        f"dead letter missing: ('notification', '{topics.CASES}', '{key}')",
        f"dead-lettered 2 times: ('intake', '{topics.INTAKE}', '{bad.key.decode()}')",
    ]
    assert result.counts["wire_copies"] == {"deadletter": 1}
