"""An adapter's outbound loop: read `lapor.outbound.<channel>.v1`, deliver each message, report
on `lapor.delivery.v1`, commit; dead-letter what cannot be read. Plus the Kafka clients it uses."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import KafkaError
from sqlalchemy.exc import SQLAlchemyError

from shared import topics
from shared.contracts import (
    Channel,
    DeliveryReported,
    DeliveryStatus,
    GatewayStatus,
    OutboundMessage,
)
from shared.logging import get_logger
from shared.messaging import codec
from shared.messaging.deadletter import RecordProducer, send_dead_letter
from shared.messaging.kafka_auth import security_options
from shared.metrics import ConsumerMetrics
from shared.settings import CommonSettings

log = get_logger(__name__)

Deliver = Callable[[OutboundMessage], Awaitable[DeliveryReported | None]]
"""Deliver one message: the report to publish now, or None when the gateway reports later."""


def delivery_report(
    channel: Channel,
    notification_id: UUID,
    attempt: int | None,
    status: DeliveryStatus | GatewayStatus,
    detail: str,
    *,
    at: datetime,
    final: bool = False,
    tracking_id: str | None = None,
) -> DeliveryReported:
    """An adapter's report on one try (a gateway's word, or a coarse status), logged as
    `<channel>-delivery` without address or text; `detail` comes already scrubbed."""
    fields: dict[str, Any] = {
        "occurred_at": at,
        "notification_id": notification_id,
        "channel": channel,
        "detail": detail,
        "attempt": attempt,
        "final": final,
    }
    if isinstance(status, GatewayStatus):
        report = DeliveryReported.from_gateway(status, **fields)
    else:
        report = DeliveryReported(status=status, **fields)
    about = {"tracking_id": tracking_id} if tracking_id is not None else {}
    log.info(
        f"{channel.value}-delivery",
        notification_id=str(notification_id),
        **about,
        attempt=attempt,
        status=status.value,
        detail=report.detail,
        final=final,
    )
    return report


async def publish(producer: RecordProducer, report: DeliveryReported) -> None:
    """One DeliveryReported on lapor.delivery.v1 (key: notification id), acknowledged."""
    sent = await producer.send(
        topics.DELIVERY,
        key=str(report.notification_id).encode(),
        value=codec.encode(report),
        headers=codec.headers(report),
    )
    await sent


class OutboundLoop:
    """Every record of one channel's outbound topic ends reported (now or by the gateway later)
    or dead-lettered; a partition's batch is committed only after each of its records was handled.
    """

    def __init__(
        self,
        consumer: AIOKafkaConsumer,
        producer: RecordProducer,
        deliver: Deliver,
        channel: Channel,
        service: str,
        max_bytes: int,
        metrics: ConsumerMetrics | None = None,
    ) -> None:
        self._consumer, self._producer, self._deliver = consumer, producer, deliver
        self._channel, self._service = channel, service
        self._max_bytes = max_bytes
        self._metrics = metrics or ConsumerMetrics()
        self.handled = 0

    async def run(self, stopping: asyncio.Event, backoff: float = 0.5) -> None:
        """Poll, handle each partition's records in order, commit once their reports are out.
        An unreachable store or broker is waited for: the record is handled again, not skipped."""
        while not stopping.is_set():
            batches = await self._consumer.getmany(timeout_ms=500, max_records=50)
            for partition, records in batches.items():
                for record in records:
                    if not await self._until_done(record, stopping, backoff):
                        return  # stopping: the uncommitted record comes again on the next start
                await self._consumer.commit({partition: records[-1].offset + 1})

    async def handle(self, record: Any) -> None:
        """One record: decode, deliver, report; dead-letter what cannot be read."""
        try:
            message = codec.decode(record.topic, record.value, self._max_bytes)
        except codec.MalformedMessage as error:
            await self._dead_letter(record, error.reason, str(error))
            return
        if not isinstance(message, OutboundMessage):
            return  # a newer event type this adapter does not know
        if message.channel != self._channel:
            await self._dead_letter(record, "wrong-channel", message.channel.value)
            return
        report = await self._deliver(message)
        if report is not None:
            await publish(self._producer, report)
        self.handled += 1

    async def _until_done(self, record: Any, stopping: asyncio.Event, backoff: float) -> bool:
        wait = backoff
        while not stopping.is_set():
            try:
                await self.handle(record)
                return True
            except (SQLAlchemyError, KafkaError) as error:
                log.warning("outbound-waiting", service=self._service, error=repr(error))
                await asyncio.sleep(wait)
                wait = min(wait * 2, 30.0)
        return False

    async def _dead_letter(self, record: Any, reason: str, error: str) -> None:
        await send_dead_letter(self._producer, self._service, record, reason, error)
        self._metrics.dead_lettered(reason, record.topic)


def producer_for(common: CommonSettings) -> AIOKafkaProducer:
    """The adapter's producer of delivery reports and dead letters (idempotent, all replicas)."""
    return AIOKafkaProducer(
        bootstrap_servers=common.kafka_bootstrap_servers,
        acks="all",
        enable_idempotence=True,
        **security_options(common),
    )


def outbound_consumer(
    channel: Channel, bootstrap: str, group: str, security: dict[str, Any] | None = None
) -> AIOKafkaConsumer:
    """A consumer of one channel's outbound topic with manual commits, from the earliest record."""
    return AIOKafkaConsumer(
        topics.outbound_topic(channel),
        bootstrap_servers=bootstrap,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        client_id=f"lapor-{channel.value}-adapter",
        **(security or {}),
    )
