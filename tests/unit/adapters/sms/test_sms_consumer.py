"""The SMS adapter's Kafka loop: a submission waits for Kannel's reports, a failure is reported at
once, a record for another channel is dead-lettered."""

from __future__ import annotations

from datetime import UTC, datetime

from services.adapters.common.vault import Contact, VaultRefused
from services.adapters.sms.adapter import SmsAdapter
from services.adapters.sms.consumer import TOPIC, OutboundSms
from shared import topics
from shared.clock import FixedClock
from shared.contracts import Channel, DeliveryReported
from shared.messaging import codec
from tests.unit.adapters.email.test_email_consumer import Producer, Record, outbound

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


class Vault:
    def __init__(self, answer: Contact | Exception) -> None:
        self.answer = answer

    async def contact_for(self, reporter_ref: str) -> Contact:
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


class Gateway:
    def __init__(self) -> None:
        self.sent: list[str] = []

    async def send(self, to: str, text: str, report_to: str) -> str:
        self.sent.append(to)
        return "0: Accepted for delivery"


def loop(producer: Producer, vault: Vault, gateway: Gateway) -> OutboundSms:
    adapter = SmsAdapter(vault, gateway, FixedClock(NOW), "http://sms", None, 3, 1, 0.0)
    return OutboundSms(None, producer, adapter, max_bytes=65_536)  # type: ignore[arg-type]


async def test_a_submitted_sms_publishes_nothing_until_kannel_reports() -> None:
    producer, gateway = Producer(), Gateway()
    await loop(producer, Vault(Contact("+628123", None)), gateway).handle(
        Record(codec.encode(outbound(Channel.SMS)), topic=TOPIC)
    )
    assert (producer.sent, gateway.sent) == ([], ["+628123"])


async def test_a_vault_refusal_is_reported_failed_on_the_delivery_topic() -> None:
    producer, gateway = Producer(), Gateway()
    message = outbound(Channel.SMS)
    await loop(producer, Vault(VaultRefused("vault 403 opted-out")), gateway).handle(
        Record(codec.encode(message), topic=TOPIC)
    )
    ((topic, value, _),) = producer.sent
    report = codec.decode(topic, value, 65_536)
    assert topic == topics.DELIVERY and isinstance(report, DeliveryReported)
    assert (report.notification_id, report.status.value) == (message.notification_id, "failed")
    assert "opted-out" in report.detail and gateway.sent == []


async def test_an_email_on_the_sms_topic_is_dead_lettered() -> None:
    producer = Producer()
    await loop(producer, Vault(Contact("+628123", None)), Gateway()).handle(
        Record(codec.encode(outbound(Channel.EMAIL)), topic=TOPIC)
    )
    ((topic, _, headers),) = producer.sent
    assert topic == topics.DEADLETTER and ("lapor.dlq.reason", b"wrong-channel") in headers
