"""The adapter's consumer: a report per message, a dead letter per record it cannot read."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from services.adapters.email.consumer import TOPIC, OutboundEmails
from shared import topics
from shared.contracts import (
    Channel,
    DeliveryReported,
    DeliveryStatus,
    OutboundMessage,
    Recipient,
)
from shared.messaging import codec

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


@dataclass
class Record:
    value: bytes | None
    topic: str = TOPIC
    partition: int = 0
    offset: int = 7
    key: bytes | None = b"k"
    headers: list[tuple[str, bytes]] = field(default_factory=list)


class Producer:
    """Keeps what would be sent."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, bytes | None, Any]] = []

    async def send(self, topic: str, value: bytes | None = None, **kwargs: Any) -> Any:
        self.sent.append((topic, value, kwargs.get("headers")))
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done


class Accepting:
    """An adapter that accepts everything."""

    async def deliver(self, message: OutboundMessage) -> DeliveryReported:
        return DeliveryReported(
            occurred_at=NOW,
            notification_id=message.notification_id,
            channel=message.channel,
            status=DeliveryStatus.ACCEPTED,
            attempt=message.attempt,
        )


def outbound(channel: Channel = Channel.EMAIL) -> OutboundMessage:
    return OutboundMessage(
        occurred_at=NOW,
        report_id=uuid4(),
        tracking_id="LPR-7K3QX9MD",
        notification_id=uuid4(),
        channel=channel,
        recipient=Recipient(reporter_ref="rref-0001"),
        subject="Laporan LPR-7K3QX9MD telah diterima",
        text="Laporan LPR-7K3QX9MD telah diterima.",
        template="case_opened",
    )


def loop(producer: Producer) -> OutboundEmails:
    return OutboundEmails(None, producer, Accepting(), max_bytes=65_536)  # type: ignore[arg-type]


async def test_each_message_is_reported_on_the_delivery_topic_keyed_by_notification() -> None:
    producer = Producer()
    message = outbound()
    await loop(producer).handle(Record(codec.encode(message)))
    ((topic, value, _),) = producer.sent
    report = codec.decode(topic, value, 65_536)
    assert topic == topics.DELIVERY
    assert (
        isinstance(report, DeliveryReported) and report.notification_id == message.notification_id
    )


async def test_a_record_that_is_not_json_is_dead_lettered_with_its_reason() -> None:
    producer = Producer()
    await loop(producer).handle(Record(b"not json"))
    ((topic, value, headers),) = producer.sent
    assert (topic, value) == (topics.DEADLETTER, b"not json")
    assert ("lapor.dlq.reason", b"not-json") in headers


async def test_a_message_for_another_channel_is_dead_lettered() -> None:
    producer = Producer()
    await loop(producer).handle(Record(codec.encode(outbound(Channel.SMS))))
    ((topic, _, headers),) = producer.sent
    assert topic == topics.DEADLETTER and ("lapor.dlq.reason", b"wrong-channel") in headers
