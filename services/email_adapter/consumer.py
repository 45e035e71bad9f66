"""The adapter's Kafka loop: read outbound e-mails, deliver each, report, then commit."""

from __future__ import annotations

import asyncio
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from services.email_adapter.adapter import EmailAdapter
from shared import topics
from shared.contracts import Channel, OutboundMessage
from shared.logging import get_logger
from shared.messaging import codec
from shared.messaging.deadletter import send_dead_letter
from shared.metrics import ConsumerMetrics

log = get_logger(__name__)

TOPIC = topics.outbound_topic(Channel.EMAIL)
SERVICE = "email-adapter"


class OutboundEmails:
    """Consumes `lapor.outbound.email.v1`: every record ends delivered, failed or dead-lettered."""

    def __init__(
        self,
        consumer: AIOKafkaConsumer,
        producer: AIOKafkaProducer,
        adapter: EmailAdapter,
        max_bytes: int,
        metrics: ConsumerMetrics | None = None,
    ) -> None:
        self._metrics = metrics or ConsumerMetrics()
        self._consumer = consumer
        self._producer = producer
        self._adapter = adapter
        self._max_bytes = max_bytes
        self.handled = 0

    async def run(self, stopping: asyncio.Event) -> None:
        """Poll, handle each partition's batch in order, commit after its reports are written."""
        while not stopping.is_set():
            batches = await self._consumer.getmany(timeout_ms=500, max_records=50)
            for partition, records in batches.items():
                for record in records:
                    await self.handle(record)
                await self._consumer.commit({partition: records[-1].offset + 1})

    async def handle(self, record: Any) -> None:
        """One record: decode, deliver, report (or dead-letter what cannot be read)."""
        try:
            message = codec.decode(record.topic, record.value, self._max_bytes)
        except codec.MalformedMessage as error:
            await self._dead_letter(record, error.reason, str(error))
            return
        if not isinstance(message, OutboundMessage):
            return  # a newer event type this adapter does not know
        if message.channel != Channel.EMAIL:
            await self._dead_letter(record, "wrong-channel", message.channel.value)
            return
        report = await self._adapter.deliver(message)
        sent = await self._producer.send(
            topics.DELIVERY,
            key=str(report.notification_id).encode(),
            value=codec.encode(report),
            headers=codec.headers(report),
        )
        await sent
        self.handled += 1

    async def _dead_letter(self, record: Any, reason: str, error: str) -> None:
        await send_dead_letter(self._producer, SERVICE, record, reason, error)
        self._metrics.dead_lettered(reason, record.topic)


def consumer_for(
    bootstrap: str, group: str, security: dict[str, Any] | None = None
) -> AIOKafkaConsumer:
    """A consumer of the outbound e-mail topic with manual commits."""
    return AIOKafkaConsumer(
        TOPIC,
        bootstrap_servers=bootstrap,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        client_id="lapor-email-adapter",
        **(security or {}),
    )
