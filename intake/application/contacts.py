"""What a contact's own messages say about it (confirmed, STOP, MULAI), and whether the vault
may hand it out for one more message today."""

from __future__ import annotations

import threading
from datetime import datetime
from uuid import UUID

from eventsourcing.application import ProcessingEvent

from intake.application.ports import ContactBook
from intake.domain.contacts import (
    DAILY_CAP,
    OPT_IN,
    OPT_OUT,
    ContactRules,
    contact_digest,
    delivery_contact,
    read_opt_command,
)
from intake.domain.identity import Identity
from intake.domain.replies import Correspondence
from intake.domain.report import Submission
from shared.clock import WITA
from shared.contracts import IntakeMessage
from shared.logging import get_logger

log = get_logger(__name__)
CONFIRM = "confirm"


class ContactDesk:
    """Keeps the contact table: confirmations, STOP / MULAI, the daily cap of delivery look-ups."""

    def __init__(self, book: ContactBook, rules: ContactRules, key: bytes) -> None:
        self.book = book
        self.rules = rules
        self._key = key
        self._pending: list[tuple[str, list[str], datetime]] = []
        self._lock = threading.Lock()

    @property
    def secret(self) -> bytes:
        """The key of contact digests (also of the vault's person keys)."""
        return self._key

    def flush(self) -> None:
        """Write what the messages recorded since the last flush said (one transaction for the
        confirmations of a whole batch); called before the batch's events are recorded."""
        with self._lock:
            pending, self._pending = self._pending, []
        confirmed = [d for op, digests, _ in pending if op == CONFIRM for d in digests]
        if confirmed:
            self.book.confirm(confirmed, max(at for op, _, at in pending if op == CONFIRM))
        for op, digests, at in pending:
            if op == OPT_OUT:
                self.book.opt_out(digests, at)
            elif op == OPT_IN:
                self.book.opt_in(digests, at)

    def _note(self, op: str, digests: list[str], at: datetime) -> None:
        with self._lock:
            self._pending.append((op, digests, at))

    def _digests(self, identity: Identity, channel: str) -> list[str]:
        return [contact_digest(self._key, key) for key in identity.flood_keys(channel)]

    def heard_from(
        self, message: IntakeMessage, sub: Submission, identity: Identity | None = None
    ) -> None:
        """A message from the contact itself (SMS, WhatsApp) confirms it."""
        if sub.channel in self.rules.confirming_channels:
            identity = identity or Identity.from_dict(message.reporter.model_dump(mode="json"))
            self._note(CONFIRM, self._digests(identity, sub.channel), sub.received_at)

    def confirm(self, identity: Identity, channel: str, at: datetime) -> None:
        """The reporter answered through the personal link: every contact they left is theirs."""
        self.book.confirm(self._digests(identity, channel), at)

    def handle_opt(
        self,
        batch: ProcessingEvent[UUID],
        message_id: UUID,
        message: IntakeMessage,
        sub: Submission,
    ) -> bool:
        """Record a bare STOP / MULAI from an SMS or WhatsApp contact; False for any other text."""
        kind = read_opt_command(sub.text) if sub.channel in self.rules.confirming_channels else None
        if kind is None:
            return False
        identity = Identity.from_dict(message.reporter.model_dump(mode="json"))
        self._note(kind, self._digests(identity, sub.channel), sub.received_at)
        entry = Correspondence(
            id=message_id, kind=kind, report_id=None, tracking_id=None, channel=sub.channel,
            message_id=sub.message_id, received_at=sub.received_at, text="", rating=None,
            refusal=None,
        )  # fmt: skip
        batch.collect_events(entry)
        log.info("contact-opt", kind=kind, channel=sub.channel, message_id=sub.message_id)
        return True

    def delivery_refusal(
        self, identity: Identity, channel: str, kind: str | None, now: datetime
    ) -> str | None:
        """Why the contact a message goes to may not have it now; None counts it as sent."""
        contact = delivery_contact(identity, channel, kind)
        if contact is None:
            return None
        digest = contact_digest(self._key, contact)
        state = self.book.state(digest)
        day = now.astimezone(WITA).date().isoformat()
        refusal = self.rules.refusal(channel, state, day)
        capped = refusal is None and self.rules.capped(channel, state)
        if capped and not self.book.take(digest, day, self.rules.daily_cap):
            return DAILY_CAP
        return refusal
