"""`/metrics` through the real `build_app` of each service, on in-memory persistence."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from aiokafka import TopicPartition
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from faststream.kafka import TestKafkaBroker

from shared import contracts as c
from shared import topics
from shared.messaging import codec
from shared.metrics import MetricSource
from shared.metrics.lag import consumer_lags
from shared.metrics.wiring import relay_for
from shared.runtime import ServiceSpec, build_app
from tests.metrics_helpers import Samples, samples_of, value
from tests.services_in_memory import close_all, in_memory_services
from tests.unit.shared.test_shared_relay import Producer
from tests.unit.shared.test_shared_runtime import Collector
from tests.unit.shared.test_shared_runtime import spec as unit_spec

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def scrape(client: TestClient) -> Samples:
    """Every sample of this app's `/metrics`."""
    return samples_of(client.get("/metrics"))


@pytest.fixture
def services(tmp_path: Path) -> Iterator[dict[str, ServiceSpec]]:
    specs = in_memory_services(tmp_path)
    yield specs
    close_all(specs)


def test_every_service_serves_its_metrics_without_a_token(
    services: dict[str, ServiceSpec],
) -> None:
    for spec in services.values():  # four apps in one process: a registry each, no clash
        samples = scrape(TestClient(build_app(spec)))
        assert value(samples, "lapor_relay_backlog") == 0
        assert value(samples, "lapor_relay_batch_notifications_count") == 0


def test_openapi_documents_metrics_as_the_prometheus_text_format(
    services: dict[str, ServiceSpec],
) -> None:
    document = TestClient(build_app(services["routing"])).get("/openapi.json").json()
    answer = document["paths"]["/metrics"]["get"]["responses"]["200"]
    assert list(answer["content"]) == ["text/plain"]
    assert answer["content"]["text/plain"]["schema"] == {"type": "string"}


def test_http_latency_is_labelled_with_the_route_template_never_the_raw_path(
    services: dict[str, ServiceSpec],
) -> None:
    client = TestClient(build_app(services["tracking"]))
    assert client.get("/v1/reports/LPR-NOTHERE").status_code == 404
    assert client.get("/tidak/ada/LPR-NOTHERE").status_code == 404
    text = client.get("/metrics").text
    samples = scrape(client)
    route = {"method": "GET", "route": "/v1/reports/{tracking_id}", "status": "404"}
    assert value(samples, "lapor_http_request_duration_seconds_count", **route) == 1
    unmatched = {"method": "GET", "route": "unmatched", "status": "404"}
    assert value(samples, "lapor_http_request_duration_seconds_count", **unmatched) == 1
    assert "LPR-NOTHERE" not in text


async def _consume(app: FastAPI, *values: bytes) -> None:
    async with TestKafkaBroker(app.state.runtime.broker) as broker:
        for number, raw in enumerate(values):
            await broker.publish(raw, topic=topics.INTAKE, key=f"sms:{number}".encode())


def _report(message_id: str) -> bytes:
    message = c.IntakeMessage(
        occurred_at=NOW, channel="sms", message_id=message_id, text="Air PDAM mati tiga hari",
        reporter_phone="+6281234567890",
    )  # fmt: skip
    return codec.encode(message)


async def test_a_consumed_batch_is_measured_and_what_it_recorded_waits_in_the_relay_backlog(
    services: dict[str, ServiceSpec],
) -> None:
    app = build_app(services["intake"])
    await _consume(app, _report("m-1"))
    samples = scrape(TestClient(app))
    assert value(samples, "lapor_consumer_batch_records_count", subscription="intake") == 1
    assert value(samples, "lapor_consumer_batch_seconds_count", subscription="intake") == 1
    assert value(samples, "lapor_store_transactions_total", kind="batch") == 1
    assert value(samples, "lapor_relay_backlog") > 0
    received = {"app_name": "intake", "broker": "kafka", "handler": topics.INTAKE}
    assert value(samples, "faststream_received_messages_total", **received) == 1


async def test_a_published_dead_letter_is_counted_by_reason_and_source_topic(
    services: dict[str, ServiceSpec],
) -> None:
    spec = services["intake"]
    app = build_app(spec)
    await _consume(app, b"bukan json", _report("m-2"))
    relay = relay_for(spec, Producer(), app.state.runtime.metrics)
    while await relay.publish_pending():
        pass
    samples = scrape(TestClient(app))
    letter = {"reason": "not-json", "source_topic": topics.INTAKE}
    assert value(samples, "lapor_dead_letters_total", **letter) == 1
    assert value(samples, "lapor_relay_batch_notifications_count") >= 1
    assert value(samples, "lapor_relay_backlog") == 0


def test_a_gauge_that_cannot_be_read_is_left_out_and_the_rest_still_answers(
    services: dict[str, ServiceSpec],
) -> None:
    def unreachable() -> dict[tuple[str, ...], float]:
        raise ConnectionError("database away")

    broken = MetricSource("lapor_broken", "never readable", (), unreachable)
    spec = services["notification"]
    app = build_app(ServiceSpec(**{**spec.__dict__, "metrics": [broken]}))
    samples = scrape(TestClient(app))
    assert not any(name == "lapor_broken" for name, _ in samples)
    assert value(samples, "lapor_relay_backlog") == 0


class Consumer:
    """The part of aiokafka's consumer the lag reads: assignment and cached end offsets."""

    def __init__(self, ends: dict[TopicPartition, int | None]) -> None:
        self.ends = ends

    def assignment(self) -> set[TopicPartition]:
        return set(self.ends)

    def highwater(self, tp: TopicPartition) -> int | None:
        return self.ends[tp]


class Admin:
    def __init__(self, committed: dict[TopicPartition, int]) -> None:
        self.committed = committed
        self.asked: list[tuple[str, list[TopicPartition]]] = []

    async def list_consumer_group_offsets(
        self, group_id: str, group_coordinator_id: int | None = None, partitions: Any = None
    ) -> dict[TopicPartition, Any]:
        self.asked.append((group_id, list(partitions)))
        return {
            tp: SimpleNamespace(offset=self.committed[tp])
            for tp in partitions
            if tp in self.committed
        }


async def test_lag_is_the_end_minus_the_committed_offset_of_each_assigned_partition() -> None:
    a0, a1, a2 = (TopicPartition("lapor.reports.v1", p) for p in range(3))
    reports = SimpleNamespace(group_id="g-reports", consumer=Consumer({a0: 120, a1: 7, a2: None}))
    stopped = SimpleNamespace(group_id="g-other", consumer=None)
    admin = Admin({a0: 100})  # a1 has no commit yet: the whole partition is behind
    lags = await consumer_lags([reports, stopped], admin)
    assert lags == [("g-reports", a0.topic, 0, 20), ("g-reports", a1.topic, 1, 7)]
    assert admin.asked == [("g-reports", [a0, a1])]  # one request per group, never per message


def test_a_request_that_fails_unhandled_is_timed_as_a_500() -> None:
    broken = APIRouter()

    @broken.get("/v1/rusak/{item}")
    def fail(item: str) -> None:
        raise RuntimeError("a bug")

    app = build_app(dataclasses.replace(unit_spec(Collector()), routers=[broken]))
    client = TestClient(app, raise_server_exceptions=False)
    assert client.get("/v1/rusak/42").status_code == 500
    failed = {"method": "GET", "route": "/v1/rusak/{item}", "status": "500"}
    assert value(scrape(client), "lapor_http_request_duration_seconds_count", **failed) == 1
