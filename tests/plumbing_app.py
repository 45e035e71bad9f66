"""A minimal service for testing the plumbing: it notes each intake message once."""

from __future__ import annotations

from functools import singledispatchmethod
from typing import Any
from uuid import UUID

from eventsourcing.application import ProcessingEvent
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import DataError
from eventsourcing.utils import get_topic

from shared.contracts import IntakeMessage
from shared.messaging.relay import Outgoing
from shared.processing import BatchProcessApplication, Rejection, derived_id


class Note(Aggregate):
    """One noted message."""

    @staticmethod
    def create_id(channel: str, message_id: str, text: str) -> UUID:
        return derived_id("note", channel, message_id)

    @event("Noted")
    def __init__(self, channel: str, message_id: str, text: str) -> None:
        self.channel = channel
        self.message_id = message_id
        self.text = text


class NoteTaker(BatchProcessApplication):
    """Notes every intake message once, whatever the offset it arrives at."""

    def __init__(self, env: Any = None) -> None:
        super().__init__(env)
        self.tries: dict[str, int] = {}

    @singledispatchmethod
    def policy(self, domain_event: Any, processing_event: ProcessingEvent[UUID]) -> None:
        """Ignore what this application does not know."""

    @policy.register
    def _(self, message: IntakeMessage, processing_event: ProcessingEvent[UUID]) -> None:
        self._misbehave(message.text)
        note_id = derived_id("note", message.channel.value, message.message_id)
        if self.load(processing_event, note_id, Note) is not None:
            return
        processing_event.collect_events(
            Note(channel=message.channel.value, message_id=message.message_id, text=message.text)
        )

    def _misbehave(self, text: str) -> None:
        """Texts that make a test's point: refused, a bug, a store's refusal, a passing fault."""
        self.tries[text] = self.tries.get(text, 0) + 1
        if text.startswith("tolak"):
            raise Rejection("ditolak", text)
        if text.startswith("bug"):
            raise RuntimeError(f"a bug on {text}")
        if text.startswith("rusak"):
            raise DataError("invalid byte sequence for encoding UTF8: 0x00")
        if text.startswith("sekali-gagal") and self.tries[text] == 1:
            raise RuntimeError("a passing fault")

    def note_count(self) -> int:
        """How many notes the store holds (dead letters live in the same log)."""
        notes = self.recorder.select_notifications(0, 100_000, topics=[NOTED_TOPIC])
        return len(notes)


NOTED_TOPIC = get_topic(Note.Noted)  # type: ignore[attr-defined]


def translator(out_topic: str) -> Any:
    """Each note goes out as an intake-shaped event with an id derived from the stored event."""

    def translate(domain_event: Any) -> list[Outgoing]:
        if not isinstance(domain_event, Note.Noted):
            return []
        out = IntakeMessage(
            event_id=derived_id(domain_event.originator_id, domain_event.originator_version, 0),
            occurred_at=domain_event.timestamp,
            channel=domain_event.channel,  # type: ignore[attr-defined]
            message_id=domain_event.message_id,  # type: ignore[attr-defined]
            text=domain_event.text,  # type: ignore[attr-defined]
        )
        return [Outgoing(out_topic, out.key, out)]

    return translate
