"""One report through the four services as processes, on the real broker and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from shared import topics
from shared.contracts import IntakeMessage, Location, Reporter
from shared.messaging import codec
from tests.e2e.conftest import System
from tests.kafka_helpers import produce, read_topic

pytestmark = pytest.mark.e2e


def intake_message(text: str, phone: str) -> IntakeMessage:
    now = datetime.now(UTC)
    return IntakeMessage(
        occurred_at=now,
        received_at=now,
        channel="sms",
        message_id=f"e2e-{uuid.uuid4()}",
        text=text,
        location=Location(kecamatan="Banjarmasin Utara"),
        reporter=Reporter(name="Siti Aminah", phone=phone),
    )


def poll(fetch: Any, timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = fetch()
        if found is not None:
            return found
        time.sleep(0.3)
    raise AssertionError("no answer in time")


def submit(system: System, message: IntakeMessage) -> str:
    """Publish as an adapter and ask intake for the tracking id."""
    asyncio.run(
        produce(system.kafka, topics.INTAKE, [(message.key.encode(), codec.encode(message))])
    )
    url = f"{system.url('intake')}/v1/intake/{message.channel.value}/{message.message_id}"

    def answer() -> str | None:
        response = httpx.get(url, headers=system.auth("adapter"), timeout=5)
        if response.status_code == 404:
            return None
        response.raise_for_status()
        body = response.json()
        assert body["status"] == "accepted", body
        return str(body["tracking_id"])

    return str(poll(answer))


def public_status(system: System, tracking_id: str, skpd: str) -> dict[str, Any]:
    def answer() -> dict[str, Any] | None:
        response = httpx.get(f"{system.url('tracking')}/v1/reports/{tracking_id}", timeout=5)
        if response.status_code != 200:
            return None
        body: dict[str, Any] = response.json()
        return body if (body.get("skpd") or {}).get("code") == skpd else None

    return dict(poll(answer))


def records_about(system: System, topic: str, tracking_id: str, at_least: int) -> list[Any]:
    def mine(record: Any) -> bool:
        return tracking_id.encode() in (record.value or b"")

    return asyncio.run(
        read_topic(system.kafka, topic, until=lambda f: len(f) >= at_least, where=mine, timeout=60)
    )


def event_types(records: list[Any]) -> list[str]:
    return [json.loads(r.value)["event_type"] for r in records]


def test_a_water_report_travels_from_intake_to_the_reporter(system: System) -> None:
    phone = "+6281255501234"
    message = intake_message("Air PDAM mati sejak kemarin di Jl. Sultan Adam", phone)
    tracking_id = submit(system, message)

    routed = records_about(system, topics.skpd_topic("PDAM"), tracking_id, 1)
    assert event_types(routed) == ["ReportRouted"]
    status = public_status(system, tracking_id, "PDAM")
    assert status["status"] == "Terdisposisi: Belum Ditindaklanjuti"
    assert status["skpd"]["name"].startswith("Perumda Air Minum")
    outbound = records_about(system, topics.outbound_topic("sms"), tracking_id, 2)
    texts = [json.loads(r.value)["text"] for r in outbound]
    assert any("Perumda Air Minum" in text for text in texts), texts
    for topic in (
        topics.REPORTS,
        topics.DISPOSITIONS,
        topics.CASES,
        topics.skpd_topic("PDAM"),
        topics.outbound_topic("sms"),
    ):
        for record in records_about(system, topic, tracking_id, 1):
            assert phone.encode() not in record.value and b"Siti Aminah" not in record.value


def test_restarting_routing_between_two_reports_loses_and_repeats_nothing(
    system: System,
) -> None:
    first = submit(system, intake_message("Lampu jalan mati di Jl. Kayu Tangi 2", "+628125550001"))
    public_status(system, first, "DISPERKIM")
    system.stop("routing")
    system.start("routing")
    system.wait_ready("routing")
    second = submit(system, intake_message("Air keruh dan bau dari pipa PDAM", "+628125550002"))
    public_status(system, second, "PDAM")
    for tracking_id, body in ((first, "DISPERKIM"), (second, "PDAM")):
        assert event_types(records_about(system, topics.DISPOSITIONS, tracking_id, 1)) == [
            "ReportDisposed"
        ]
        assert event_types(records_about(system, topics.skpd_topic(body), tracking_id, 1)) == [
            "ReportRouted"
        ]
        reports = event_types(records_about(system, topics.REPORTS, tracking_id, 1))
        assert reports == ["ReportAccepted"]  # one event carries the content (F3)
        cases = event_types(records_about(system, topics.CASES, tracking_id, 2))
        assert cases == ["CaseOpened", "CaseDisposed"]
        outbound = records_about(system, topics.outbound_topic("sms"), tracking_id, 2)
        ids = [json.loads(r.value)["notification_id"] for r in outbound]
        assert len(ids) == len(set(ids)) == 2
