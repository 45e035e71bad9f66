"""The outbound loop: a report per message, a dead letter per record it cannot read."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from uuid import uuid4

from sqlalchemy.exc import OperationalError
from whatsapp_fakes import NOW, Producer

from services.adapters.common.outbound import OutboundLoop
from services.adapters.whatsapp.consumer import TOPIC, outbound_whatsapp
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


def loop(producer: Producer, adapter: Accepting) -> OutboundLoop:
    return outbound_whatsapp(None, producer, adapter.deliver, 65_536)  # type: ignore[arg-type]


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


class Flaky(Accepting):
    """Its store is away for the first try."""

    def __init__(self) -> None:
        super().__init__()
        self.tries = 0

    async def deliver(self, message: OutboundMessage) -> DeliveryReported:
        self.tries += 1
        if self.tries == 1:
            raise OperationalError("INSERT", {}, Exception("database is away"))
        return await super().deliver(message)


class OneBatch:
    """A consumer holding one record; stops the loop once it is committed."""

    def __init__(self, record: Record, stopping: asyncio.Event) -> None:
        self.batches = [{"tp": [record]}]
        self.commits: list[dict[str, int]] = []
        self.stopping = stopping

    async def getmany(self, **_: object) -> dict[str, list[Record]]:
        return self.batches.pop() if self.batches else {}

    async def commit(self, offsets: dict[str, int]) -> None:
        self.commits.append(offsets)
        self.stopping.set()


async def test_an_unreachable_store_is_waited_for_and_the_record_handled_once() -> None:
    stopping = asyncio.Event()
    consumer = OneBatch(Record(outbound(), offset=9), stopping)
    producer, adapter = Producer(), Flaky()
    outbound_loop = outbound_whatsapp(consumer, producer, adapter.deliver, 65_536)  # type: ignore[arg-type]
    await asyncio.wait_for(outbound_loop.run(stopping, backoff=0), 10)
    assert adapter.tries == 2
    assert consumer.commits == [{"tp": 10}]
    assert [topic for topic, _, _ in producer.sent] == [topics.DELIVERY]
