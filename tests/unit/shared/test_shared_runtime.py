"""The runtime's edges without a broker: FastStream's TestKafkaBroker and FastAPI's TestClient."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from eventsourcing.persistence import Tracking
from fastapi.testclient import TestClient
from faststream.kafka import TestKafkaBroker

from shared import contracts as c
from shared import topics
from shared.auth import TokenStore, digest
from shared.clock import OffsetClock
from shared.messaging import codec
from shared.messaging.consumer import IdempotentConsumer
from shared.runtime import (
    ServiceSpec,
    Subscription,
    asyncapi_document,
    build_app,
    build_broker,
    consumer_for,
)
from shared.settings import CommonSettings

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


class Collector:
    def __init__(self) -> None:
        self.batches: list[tuple[list[Any], Tracking]] = []

    def position(self, tracking_name: str) -> int | None:
        return None

    def process_batch(self, messages: Sequence[Any], tracking: Tracking, **kw: Any) -> list[Any]:
        self.batches.append((list(messages), tracking))
        return []


def spec(collector: Collector, **common: Any) -> ServiceSpec:
    return ServiceSpec(
        name="unit",
        common=CommonSettings(**common),
        application=None,
        translate=lambda event: [],
        tokens=TokenStore({digest("admin-token"): "admin"}),
        clock=OffsetClock(),
        subscriptions=[Subscription("in", [topics.INTAKE], collector)],
        publishes=[(topics.REPORTS, c.ReportReceived)],
    )


def consumers(sub: Subscription) -> IdempotentConsumer:
    return consumer_for(spec(Collector()), sub)


async def test_a_subscribed_record_reaches_the_application_with_its_partition_position() -> None:
    collector = Collector()
    broker = build_broker(spec(collector), consumers)
    message = c.IntakeMessage(occurred_at=NOW, channel="sms", message_id="1", text="Air mati")
    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish(codec.encode(message), topic=topics.INTAKE, key=b"sms:1")
    [(deliveries, tracking)] = collector.batches
    assert [d.message for d in deliveries] == [message]
    assert tracking.application_name.startswith(f"{topics.INTAKE}:")


def test_the_asyncapi_document_lists_subscriptions_and_publications() -> None:
    broker = build_broker(spec(Collector()), consumers)
    document = asyncapi_document(spec(Collector()), broker)
    assert document["asyncapi"].startswith("3.")
    assert {"unit:in", f"{topics.REPORTS}:ReportReceived"} <= set(document["channels"])


def test_the_test_clock_endpoint_exists_only_in_test_mode_and_needs_admin() -> None:
    live = TestClient(build_app(spec(Collector())))
    assert live.post("/v1/test/clock/advance", json={"seconds": 60}).status_code == 404
    testing = TestClient(build_app(spec(Collector(), test_mode=True)))
    assert testing.post("/v1/test/clock/advance", json={"seconds": 60}).status_code == 401
    moved = testing.post(
        "/v1/test/clock/advance",
        json={"seconds": 60},
        headers={"Authorization": "Bearer admin-token"},
    )
    assert moved.status_code == 200


def test_liveness_answers_without_a_broker() -> None:
    assert TestClient(build_app(spec(Collector()))).get("/health/live").json() == {"status": "ok"}


def test_readiness_names_the_unreachable_event_store() -> None:
    app = build_app(spec(Collector()))
    [consumer] = app.state.runtime.consumers
    consumer.health.waiting(ConnectionRefusedError("127.0.0.1:5432"))
    answer = TestClient(app).get("/health/ready")
    assert answer.status_code == 503
    assert "event store unreachable" in answer.json()["reasons"][0]


def test_retry_settings_reach_the_consumers() -> None:
    app = build_app(spec(Collector(), record_attempts=7, retry_backoff_seconds=0.5))
    [consumer] = app.state.runtime.consumers
    assert consumer.retry.attempts == 7 and consumer.retry.record_delay(2) == 1.0
