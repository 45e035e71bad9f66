"""The adapter's Kafka loop on `lapor.outbound.email.v1` (the shared outbound loop)."""

from __future__ import annotations

from typing import Any

from aiokafka import AIOKafkaConsumer

from services.adapters.common.outbound import Deliverer, OutboundLoop, outbound_consumer
from shared import topics
from shared.contracts import Channel
from shared.messaging.deadletter import RecordProducer
from shared.metrics import ConsumerMetrics

TOPIC = topics.outbound_topic(Channel.EMAIL)
SERVICE = "email-adapter"


class OutboundEmails(OutboundLoop):
    """Consumes `lapor.outbound.email.v1`: every record ends delivered, failed or dead-lettered."""

    def __init__(
        self,
        consumer: AIOKafkaConsumer,
        producer: RecordProducer,
        adapter: Deliverer,
        max_bytes: int,
        metrics: ConsumerMetrics | None = None,
    ) -> None:
        super().__init__(consumer, producer, adapter, Channel.EMAIL, SERVICE, max_bytes, metrics)


def consumer_for(
    bootstrap: str, group: str, security: dict[str, Any] | None = None
) -> AIOKafkaConsumer:
    """A consumer of the outbound e-mail topic with manual commits."""
    return outbound_consumer(Channel.EMAIL, bootstrap, group, security)
