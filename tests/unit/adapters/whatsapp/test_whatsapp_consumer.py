"""The outbound loop: a report per message, a dead letter per record it cannot read."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import uuid4

from whatsapp_fakes import NOW, Producer

from services.adapters.whatsapp.consumer import TOPIC, OutboundWhatsApp
from shared import topics
from shared.contracts import (
    Channel,
    DeliveryReported,
    GatewayStatus,
    OutboundMessage,
    Recipient,
)
from shared.messaging import codec


@dataclass
class Record:
    value: bytes | None
    topic: str = TOPIC
    partition: int = 0
    offset: int = 3
    key: bytes | None = b"k"
    headers: list[tuple[str, bytes]] = field(default_factory=list)


class Accepting:
    """Accepts everything it is given."""

    def __init__(self) -> None:
        self.given: list[OutboundMessage] = []

    async def deliver(self, message: OutboundMessage) -> DeliveryReported:
        self.given.append(message)
        return DeliveryReported.from_gateway(
            GatewayStatus.ACCEPTED,
            occurred_at=NOW,
            notification_id=message.notification_id,
            channel=message.channel,
            attempt=message.attempt,
        )


def outbound(channel: Channel = Channel.WHATSAPP) -> bytes:
    message = OutboundMessage(
        occurred_at=NOW, report_id=uuid4(), tracking_id="LPR-7K3M9Q", notification_id=uuid4(),
        channel=channel, recipient=Recipient(reporter_ref="ref-1"), subject="s", text="t",
        template="received",
    )  # fmt: skip
    return codec.encode(message)


def loop(producer: Producer, adapter: Accepting) -> OutboundWhatsApp:
    return OutboundWhatsApp(None, producer, adapter, 65_536)  # type: ignore[arg-type]


async def test_each_message_is_delivered_and_reported_under_its_notification_id() -> None:
    producer, adapter = Producer(), Accepting()
    await loop(producer, adapter).handle(Record(outbound()))
    ((topic, key, _),) = producer.sent
    (message,) = adapter.given
    assert (topic, key) == (topics.DELIVERY, str(message.notification_id).encode())
    assert producer.on(topics.DELIVERY)[0]["gateway_status"] == "accepted"


async def test_a_record_that_is_not_json_is_dead_lettered_and_nothing_sent() -> None:
    producer, adapter = Producer(), Accepting()
    await loop(producer, adapter).handle(Record(b"{nope"))
    assert [topic for topic, _, _ in producer.sent] == [topics.DEADLETTER]
    assert adapter.given == []


async def test_a_message_for_another_channel_is_dead_lettered() -> None:
    producer, adapter = Producer(), Accepting()
    await loop(producer, adapter).handle(Record(outbound(Channel.SMS)))
    assert [topic for topic, _, _ in producer.sent] == [topics.DEADLETTER]
    assert adapter.given == []
