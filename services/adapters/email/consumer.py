"""The e-mail adapter's Kafka loop: read outbound e-mails, deliver each, report, then commit."""

from __future__ import annotations

from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from services.adapters.common.outbound import OutboundLoop, outbound_consumer
from services.adapters.email.adapter import EmailAdapter
from shared import topics
from shared.contracts import Channel
from shared.metrics import ConsumerMetrics

TOPIC = topics.outbound_topic(Channel.EMAIL)
SERVICE = "email-adapter"


class OutboundEmails(OutboundLoop):
    """Consumes `lapor.outbound.email.v1`: every record ends delivered, failed or dead-lettered."""

    def __init__(
        self,
        consumer: AIOKafkaConsumer,
        producer: AIOKafkaProducer,
        adapter: EmailAdapter,
        max_bytes: int,
        metrics: ConsumerMetrics | None = None,
    ) -> None:
        super().__init__(
            consumer, producer, adapter.deliver, Channel.EMAIL, SERVICE, max_bytes, metrics
        )


def consumer_for(
    bootstrap: str, group: str, security: dict[str, Any] | None = None
) -> AIOKafkaConsumer:
    """A consumer of the outbound e-mail topic with manual commits."""
    return outbound_consumer(Channel.EMAIL, bootstrap, group, security)
