"""The stage tool splits intake->SKPD at intake's event, the reports record and routing's event."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from aiokafka import ConsumerRecord

from bench.generator import Generator
from bench.hop_latency import Hops
from shared import topics

ACCEPTED = [("event_type", b"ReportAccepted")]


def at(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat()


def kafka_record(topic: str, key: bytes, value: bytes, ts: int, headers: Any = ()) -> Any:
    return ConsumerRecord(topic, 0, 0, ts, 0, key, value, None, len(key), len(value), list(headers))


def accepted(report_id: bytes, sent: bytes, occurred_ms: int, ts: int) -> Any:
    """Intake's ReportAccepted of the adapter message `sent`, on lapor.reports.v1."""
    message = json.loads(sent)
    content = {k: message[k] for k in ("channel", "text", "location")}
    value = json.dumps({**content, "occurred_at": at(occurred_ms)}).encode()
    return kafka_record(topics.REPORTS, report_id, value, ts, ACCEPTED)


def test_the_stages_add_up_to_intake_to_skpd_and_each_is_the_gap_between_its_points() -> None:
    record = Generator("h1", malformed_share=0).report(0)
    hops = Hops()
    hops.watch.expect([record])
    routed = json.dumps({"occurred_at": at(1_250)}).encode()
    hops.see(kafka_record(topics.INTAKE, record.key, record.value, 1_000), 1_010)
    hops.see(accepted(b"r-1", record.value, 1_040, 1_100), 0)
    hops.see(kafka_record(topics.skpd_topic("PDAM"), b"r-1", routed, 1_300), 1_330)
    stages = hops.stages([record.key.decode()])
    assert stages == {
        "intake_consume": [40],
        "intake_write_relay": [60],
        "routing_consume": [150],
        "routing_write_relay": [50],
        "intake_to_skpd": [300],
    }
    assert hops.watcher_lag_ms["skpd"] == [30]


def test_a_report_that_never_reached_its_skpd_is_left_out() -> None:
    record = Generator("h2", malformed_share=0).report(0)
    hops = Hops()
    hops.watch.expect([record])
    hops.see(kafka_record(topics.INTAKE, record.key, record.value, 1_000), 1_010)
    hops.see(accepted(b"r-2", record.value, 1_040, 1_100), 0)
    assert hops.stages([record.key.decode()])["intake_to_skpd"] == []
