"""The adapter's Kafka loop on `lapor.outbound.whatsapp.v1` (the shared outbound loop)."""

from __future__ import annotations

from aiokafka import AIOKafkaConsumer

from services.adapters.common.outbound import Deliver, OutboundLoop
from shared import topics
from shared.contracts import Channel
from shared.messaging.deadletter import RecordProducer
from shared.metrics import ConsumerMetrics

TOPIC = topics.outbound_topic(Channel.WHATSAPP)
SERVICE = "whatsapp-adapter"


def outbound_whatsapp(
    consumer: AIOKafkaConsumer, producer: RecordProducer, deliver: Deliver, max_bytes: int,
    metrics: ConsumerMetrics | None = None,
) -> OutboundLoop:  # fmt: skip
    """Consumes `lapor.outbound.whatsapp.v1`: every record ends sent, failed or dead-lettered."""
    return OutboundLoop(consumer, producer, deliver, Channel.WHATSAPP, SERVICE, max_bytes, metrics)
