"""The SMS adapter's Kafka loop over `lapor.outbound.sms.v1`.

A record is committed only after smsbox took it or its failure was reported, so a crash submits
it again (at least once, as on the e-mail side); Kannel's own reports follow by HTTP.
"""

from __future__ import annotations

from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from services.adapters.common.outbound import OutboundLoop, outbound_consumer
from services.adapters.sms.adapter import SmsAdapter
from shared import topics
from shared.contracts import Channel
from shared.metrics import ConsumerMetrics

TOPIC = topics.outbound_topic(Channel.SMS)
SERVICE = "sms-adapter"


class OutboundSms(OutboundLoop):
    """Consumes `lapor.outbound.sms.v1`: every record ends submitted, failed or dead-lettered."""

    def __init__(
        self,
        consumer: AIOKafkaConsumer,
        producer: AIOKafkaProducer,
        adapter: SmsAdapter,
        max_bytes: int,
        metrics: ConsumerMetrics | None = None,
    ) -> None:
        super().__init__(
            consumer, producer, adapter.deliver, Channel.SMS, SERVICE, max_bytes, metrics
        )


def consumer_for(
    bootstrap: str, group: str, security: dict[str, Any] | None = None
) -> AIOKafkaConsumer:
    """A consumer of the outbound SMS topic with manual commits."""
    return outbound_consumer(Channel.SMS, bootstrap, group, security)
