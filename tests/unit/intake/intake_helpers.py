"""Intake test helpers: an in-memory intake, a settable clock, messages, a feed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from eventsourcing.persistence import Tracking

from intake.application.app import IntakeApplication
from intake.application.translate import Translator
from intake.bootstrap import bootstrap
from intake.settings import IntakeSettings
from shared import topics
from shared.auth import digest
from shared.clock import FixedClock
from shared.contracts import IntakeMessage, IntegrationEvent, Reporter, ReportEvent
from shared.messaging.relay import Outgoing
from shared.runtime import ServiceSpec
from shared.settings import CommonSettings

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PHONE = "081234567890"
NAME = "Siti Rahmah"
EMAIL = "siti.rahmah@example.id"
HANDLE = "@sitirahmah"
NIK = "6371012345678901"
TOKENS = {
    "adapter": "adapter-token",
    "notification": "notification-token",
    "analyst": "analyst-token",
    "skpd:PDAM": "pdam-token",
    "skpd:DISPERKIM": "disperkim-token",
    "admin": "admin-token",
}
TEXT = "Jalan di Kayu Tangi berlubang besar dan membahayakan pengendara motor"


class Feed:
    """Hands messages to the application the way the Kafka consumer does: a batch per offset."""

    def __init__(self, app: IntakeApplication, topic: str = topics.INTAKE) -> None:
        self.app = app
        self.name = f"{topic}:0"
        self.offset = app.position(self.name) or 0

    def __call__(self, *messages: IntegrationEvent) -> None:
        self.offset += max(1, len(messages))
        tracking = Tracking(self.name, self.offset)
        rejected = self.app.process_batch(list(messages), tracking)
        assert rejected == []


def identified() -> Reporter:
    """A reporter who gave every personal field."""
    return Reporter(name=NAME, phone=PHONE, email=EMAIL, handle=HANDLE, nik=NIK)


def message(message_id: str = "m-1", **fields: Any) -> IntakeMessage:
    """An SMS-like intake message with defaults a test may override."""
    defaults: dict[str, Any] = {
        "occurred_at": START,
        "channel": "sms",
        "message_id": message_id,
        "text": TEXT,
        "reporter": identified(),
        "received_at": START,
    }
    return IntakeMessage(**{**defaults, **fields})


def settings(**overrides: Any) -> IntakeSettings:
    """Intake settings for tests: default thresholds unless overridden, one token per role."""
    tokens = {digest(token): role for role, token in TOKENS.items()}
    return IntakeSettings(common=CommonSettings(auth_tokens=tokens), **overrides)


def build(clock: FixedClock | None = None, **overrides: Any) -> ServiceSpec:
    """An intake service on in-memory persistence."""
    return bootstrap(
        settings(**overrides),
        clock=clock or FixedClock(START),
        env={"PERSISTENCE_MODULE": "eventsourcing.popo"},
    )


def published(app: IntakeApplication) -> list[ReportEvent]:
    """Every integration event the relay would publish for what is stored so far."""
    translate = Translator(app.repository)
    outgoing: list[Outgoing] = []
    for notification in app.recorder.select_notifications(1, 100_000):
        outgoing += translate(app.mapper.to_domain_event(notification))
    return [o.event for o in outgoing if isinstance(o.event, ReportEvent)]


def published_types(app: IntakeApplication) -> list[str]:
    """The event types the relay would publish, in order."""
    return [e.event_type for e in published(app)]


def as_role(role: str) -> dict[str, str]:
    """The Authorization header of a test role."""
    return {"Authorization": f"Bearer {TOKENS[role]}"}


def tracking_id_of(app: IntakeApplication, message_id: str, channel: str = "sms") -> str:
    """The tracking id intake gave a message."""
    found = app.intake_status(channel, message_id).tracking_id
    assert found is not None
    return found
