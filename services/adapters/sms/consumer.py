"""The adapter's Kafka loop: read outbound SMS, submit each to Kannel, then commit."""

from __future__ import annotations

import asyncio
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from services.adapters.sms.adapter import SmsAdapter
from shared import topics
from shared.contracts import Channel, DeliveryReported, OutboundMessage
from shared.messaging import codec
from shared.messaging.deadletter import send_dead_letter
from shared.metrics import ConsumerMetrics

TOPIC = topics.outbound_topic(Channel.SMS)
SERVICE = "sms-adapter"


async def publish(producer: AIOKafkaProducer, report: DeliveryReported) -> None:
    """Write one delivery report (key: the notification id) and wait for the broker's ack."""
    sent = await producer.send(
        topics.DELIVERY,
        key=str(report.notification_id).encode(),
        value=codec.encode(report),
        headers=codec.headers(report),
    )
    await sent


class OutboundSms:
    """Consumes `lapor.outbound.sms.v1`: every record ends submitted, failed or dead-lettered.

    A record is committed only after smsbox took it or its failure was reported, so a crash
    sends it again (smsbox may then send a message twice: at least once, like the e-mail side).
    """

    def __init__(
        self,
        consumer: AIOKafkaConsumer,
        producer: AIOKafkaProducer,
        adapter: SmsAdapter,
        max_bytes: int,
        metrics: ConsumerMetrics | None = None,
    ) -> None:
        self._consumer, self._producer, self._adapter = consumer, producer, adapter
        self._max_bytes = max_bytes
        self._metrics = metrics or ConsumerMetrics()
        self.handled = 0

    async def run(self, stopping: asyncio.Event) -> None:
        """Poll, handle each partition's batch in order, commit after it is handled."""
        while not stopping.is_set():
            batches = await self._consumer.getmany(timeout_ms=500, max_records=50)
            for partition, records in batches.items():
                for record in records:
                    await self.handle(record)
                await self._consumer.commit({partition: records[-1].offset + 1})

    async def handle(self, record: Any) -> None:
        """One record: decode, submit, report a failure (or dead-letter what cannot be read)."""
        try:
            message = codec.decode(record.topic, record.value, self._max_bytes)
        except codec.MalformedMessage as error:
            await self._dead_letter(record, error.reason, str(error))
            return
        if not isinstance(message, OutboundMessage):
            return  # a newer event type this adapter does not know
        if message.channel != Channel.SMS:
            await self._dead_letter(record, "wrong-channel", message.channel.value)
            return
        failure = await self._adapter.deliver(message)
        if failure is not None:
            await publish(self._producer, failure)
        self.handled += 1

    async def _dead_letter(self, record: Any, reason: str, error: str) -> None:
        await send_dead_letter(self._producer, SERVICE, record, reason, error)
        self._metrics.dead_lettered(reason, record.topic)


def consumer_for(
    bootstrap: str, group: str, security: dict[str, Any] | None = None
) -> AIOKafkaConsumer:
    """A consumer of the outbound SMS topic with manual commits."""
    return AIOKafkaConsumer(
        TOPIC,
        bootstrap_servers=bootstrap,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        client_id="lapor-sms-adapter",
        **(security or {}),
    )
