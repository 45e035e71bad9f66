"""What a signed webhook becomes: citizens' messages on lapor.intake.v1, statuses of sent
messages as DeliveryReported on lapor.delivery.v1."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import timedelta
from uuid import NAMESPACE_URL, UUID, uuid5

from pydantic import ValidationError

from services.adapters.common.outbound import publish
from services.adapters.whatsapp.graph import FINAL_CODES
from services.adapters.whatsapp.media import PhotoForwarder
from services.adapters.whatsapp.store import WhatsAppStore
from services.adapters.whatsapp.webhook import Inbound, Refusal, StatusUpdate, Webhook
from shared import topics
from shared.clock import Clock
from shared.contracts import Channel, DeliveryReported, GatewayStatus, IntakeMessage, Reporter
from shared.logging import get_logger
from shared.messaging import codec
from shared.messaging.deadletter import RecordProducer

log = get_logger(__name__)

STATUSES = {
    "sent": GatewayStatus.SENT,
    "delivered": GatewayStatus.DELIVERED,
    "read": GatewayStatus.READ,
    "failed": GatewayStatus.FAILED,
}
STATUS_IDS = uuid5(NAMESPACE_URL, "lapor:whatsapp-status")


class StatusTooEarly(Exception):
    """A status for a wamid not recorded yet, young enough to be ahead of the send's answer."""


@dataclass
class Received:
    """What one webhook became."""

    published: list[str] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    reported: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


def status_event_id(wamid: str, status: str) -> UUID:
    """The same status of the same message is the same event, however often Meta repeats it."""
    return uuid5(STATUS_IDS, f"{wamid}:{status}")


class Inbox:
    """Publishes what a webhook carries; a webhook repeated by Meta publishes the same events."""

    def __init__(
        self,
        producer: RecordProducer,
        store: WhatsAppStore,
        clock: Clock,
        grace: timedelta,
        photos: PhotoForwarder | None = None,
    ) -> None:
        self._producer, self._store, self._clock, self._grace = producer, store, clock, grace
        self._photos = photos

    async def receive(self, hook: Webhook) -> Received:
        """Messages first (intake dedups by wamid), then statuses; StatusTooEarly asks again."""
        received = Received(refused=list(hook.refused))
        for inbound in hook.messages:
            refusal = await self._message(inbound)
            if refusal:
                received.refused.append(refusal)
            else:
                received.published.append(inbound.wamid)
        for update in hook.statuses:
            reported = await self._status(update)
            (received.reported if reported else received.ignored).append(update.wamid)
        for refusal in received.refused:
            log.warning("whatsapp-refused", wamid=refusal.wamid, reason=refusal.reason)
        return received

    async def _message(self, inbound: Inbound) -> Refusal | None:
        now = self._clock.now()
        sent_at = min(inbound.sent_at or now, now)
        try:
            message = IntakeMessage(
                occurred_at=now,
                received_at=sent_at,
                channel=Channel.WHATSAPP,
                message_id=inbound.wamid,
                text=inbound.text,
                reporter=_reporter(inbound),
            )
        except ValidationError as error:
            problems = ", ".join(".".join(map(str, e["loc"])) for e in error.errors())
            return Refusal(inbound.wamid, f"pesan tidak dapat diterima ({problems})")
        await asyncio.to_thread(self._store.saw_contact, inbound.wa_id, sent_at)
        photos, media_id = self._photos, inbound.media_id
        if photos and media_id and await _with_photo(photos, message, media_id):
            return None
        sent = await self._producer.send(
            topics.INTAKE,
            key=message.key.encode(),
            value=codec.encode(message),
            headers=codec.headers(message),
        )
        await sent
        return None

    async def _status(self, update: StatusUpdate) -> bool:
        status = STATUSES.get(update.status)
        if status is None:
            return False
        sent = await asyncio.to_thread(self._store.by_wamid, update.wamid)
        now = self._clock.now()
        if sent is None:
            if update.at is None or now - update.at < self._grace:
                raise StatusTooEarly(update.wamid)
            return False
        report = DeliveryReported.from_gateway(
            status,
            event_id=status_event_id(update.wamid, update.status),
            occurred_at=update.at or now,
            notification_id=sent.notification_id,
            channel=Channel.WHATSAPP,
            detail=update.errors or f"{update.status} {update.wamid}",
            attempt=sent.attempt,
            final=status is GatewayStatus.FAILED and bool(update.codes & FINAL_CODES),
        )
        await publish(self._producer, report)
        return True


async def _with_photo(photos: PhotoForwarder, message: IntakeMessage, media_id: str) -> bool:
    """Intake's multipart front with the image; False: intake refused the photo, so the caption
    alone is reported (over Kafka, as a text)."""
    photo, mime = await photos.fetch(media_id)
    return await photos.submit(message, photo, mime)


def _reporter(inbound: Inbound) -> Reporter:
    """The sender by number, with the profile name when the contract takes it (a courtesy)."""
    name = inbound.name[:200] if inbound.name else None
    try:
        return Reporter(name=name, phone=f"+{inbound.wa_id}")
    except ValidationError:
        return Reporter(phone=f"+{inbound.wa_id}")
