"""`/metrics` of the four services as processes, after reports flowed and a bad record came."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from shared import topics
from tests.e2e.conftest import SERVICES, System
from tests.e2e.test_report_path import intake_message, poll, submit
from tests.kafka_helpers import produce
from tests.metrics_helpers import Samples, samples_of, series, value

pytestmark = pytest.mark.e2e

NOT_JSON = {"reason": "not-json", "source_topic": topics.REPORTS}


def scrape(system: System, name: str) -> Samples:
    return samples_of(httpx.get(f"{system.url(name)}/metrics", timeout=10))


def dead_letters(system: System, name: str) -> float:
    return scrape(system, name).get(("lapor_dead_letters_total", frozenset(NOT_JSON.items())), 0.0)


def batches(samples: Samples) -> float:
    return sum(v for _, v in series(samples, "lapor_consumer_batch_records_count"))


def settled(system: System, name: str) -> Samples | None:
    """The samples once the service consumed, has nothing to publish and no lag."""
    samples = scrape(system, name)
    lags = series(samples, "lapor_consumer_lag")
    busy = value(samples, "lapor_relay_backlog") > 0 or any(v > 0 for _, v in lags)
    return None if busy or not lags or batches(samples) == 0 else samples


def test_metrics_show_batches_lag_backlog_latency_and_a_dead_letter_by_reason(
    system: System,
) -> None:
    before = {name: dead_letters(system, name) for name in ("routing", "tracking")}
    submit(system, intake_message("Lampu jalan mati di Jl. Pramuka", "+6281255507701"))
    asyncio.run(produce(system.kafka, topics.REPORTS, [(b"metrics-e2e", b"bukan json")]))
    for name in ("routing", "tracking"):  # both read the reports topic: one dead letter each
        poll(lambda n=name: True if dead_letters(system, n) >= before[n] + 1 else None)
    for name in SERVICES:
        samples = poll(lambda n=name: settled(system, n))
        assert value(samples, "lapor_relay_batch_notifications_count") > 0
    routing = scrape(system, "routing")
    partitions = {
        labels["partition"]
        for labels, _ in series(routing, "lapor_consumer_lag")
        if labels["topic"] == topics.REPORTS
    }
    assert partitions == {str(p) for p in range(topics.PARTITIONS)}
    intake = scrape(system, "intake")
    asked = {"method": "GET", "route": "/v1/intake/{channel}/{message_id:path}", "status": "200"}
    assert value(intake, "lapor_http_request_duration_seconds_count", **asked) >= 1
