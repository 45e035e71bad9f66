"""Intake test helpers: an in-memory intake, a settable clock, messages, a feed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from eventsourcing.persistence import Tracking

from intake.application.app import IntakeApplication
from intake.bootstrap import bootstrap
from intake.settings import IntakeSettings
from shared import topics
from shared.auth import digest
from shared.clock import FixedClock
from shared.contracts import IntakeMessage, Reporter
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
}
TEXT = "Jalan di Kayu Tangi berlubang besar dan membahayakan pengendara motor"


class Feed:
    """Hands messages to the application the way the Kafka consumer does: a batch per offset."""

    def __init__(self, app: IntakeApplication) -> None:
        self.app = app
        self.name = f"{topics.INTAKE}:0"
        self.offset = app.position(self.name) or 0

    def __call__(self, *messages: IntakeMessage) -> None:
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
