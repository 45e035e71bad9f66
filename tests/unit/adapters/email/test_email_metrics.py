"""The e-mail adapter's `/metrics`: dead letters by reason and source topic."""

from __future__ import annotations

from fastapi.testclient import TestClient

from services.adapters.email.app import create_app
from services.adapters.email.consumer import TOPIC, OutboundEmails
from services.adapters.email.settings import EmailAdapterSettings
from shared.metrics import ConsumerMetrics
from tests.metrics_helpers import samples_of, value
from tests.unit.adapters.email.test_email_consumer import Accepting, Producer, Record


async def test_a_dead_letter_is_counted_by_reason_and_source_topic() -> None:
    metrics = ConsumerMetrics()
    emails = OutboundEmails(None, Producer(), Accepting(), 65_536, metrics)  # type: ignore[arg-type]
    await emails.handle(Record(b"bukan json"))
    await emails.handle(Record(b"bukan json juga", offset=8))
    labels = {"reason": "not-json", "source_topic": TOPIC}
    assert metrics.registry.get_sample_value("lapor_dead_letters_total", labels) == 2


def test_the_adapter_serves_metrics_without_a_token() -> None:
    client = TestClient(create_app(EmailAdapterSettings()))  # no lifespan: nothing reaches Kafka
    assert client.get("/health/live").status_code == 200
    samples = samples_of(client.get("/metrics"))
    live = {"method": "GET", "route": "/health/live", "status": "200"}
    assert value(samples, "lapor_http_request_duration_seconds_count", **live) == 1
