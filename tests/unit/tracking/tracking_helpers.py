"""Tracking test helpers: an in-memory tracking, a settable clock, messages, a feed."""

from __future__ import annotations

import contextlib
import functools
import tempfile
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import Tracking

from shared import contracts as c
from shared import topics
from shared.auth import digest
from shared.clock import WITA, FixedClock
from shared.messaging import codec
from shared.messaging.deadletter import DeadLetterRecord, SourceRecord, outgoing_dead_letter
from shared.processing import Delivery, Rejection
from shared.settings import CommonSettings
from tracking.adapters import case_rows
from tracking.adapters.engine import migrate, read_model_engine
from tracking.application.app import TrackingApplication
from tracking.application.translate import translate
from tracking.bootstrap import TrackingParts, assemble
from tracking.settings import TrackingSettings

# Monday 12 August 2024, 09:00 WITA: verification due Thursday 15 August 09:00 WITA.
START = datetime(2024, 8, 12, 9, 0, tzinfo=WITA)
TOKENS = {
    "analyst": "analyst-token",
    "notification": "notification-token",
    "admin": "admin-token",
    "skpd:PDAM": "pdam-token",
    "skpd:DLH": "dlh-token",
}
PDAM = ("PDAM", "Perumda Air Minum Bandarmasih (PDAM)")
DLH = ("DLH", "Dinas Lingkungan Hidup")


@functools.cache
def _migrated_template() -> bytes:
    """A read model migrated once per test process (migrating each test's costs seconds)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "template.sqlite"
        engine = read_model_engine(f"sqlite:///{path}")
        migrate(engine)
        engine.dispose()
        return path.read_bytes()


def read_model_url(tmp_path: Path) -> str:
    """A fresh read model at the newest migration, in the test's own folder."""
    path = tmp_path / "read-model.sqlite"
    path.write_bytes(_migrated_template())
    return f"sqlite:///{path}"


def settings(tmp_path: Path) -> TrackingSettings:
    """Embedded settings: a temporary state folder, a migrated read model, test tokens."""
    common = CommonSettings(
        state_dir=tmp_path,
        database_url=None,
        auth_tokens={
            **{digest(token): role for role, token in TOKENS.items()},
            digest("budi-token"): {"role": "skpd:PDAM", "name": "Budi Santoso"},
        },
    )
    return TrackingSettings(
        common=common,
        read_model_url=read_model_url(tmp_path),
        extra_leave_dates=[],
        deadline_check_seconds=0.02,
        projector_idle_seconds=0.01,
    )


def auth(role: str) -> dict[str, str]:
    """The bearer header of a test role."""
    return {"Authorization": f"Bearer {TOKENS[role]}"}


def build(tmp_path: Path, clock: FixedClock) -> TrackingParts:
    """Tracking on in-memory event storage and an in-memory SQLite read model."""
    return assemble(settings(tmp_path), clock, {"PERSISTENCE_MODULE": "eventsourcing.popo"})


class Feed:
    """Hands messages to tracking as the consumer would: one batch, one tracking position."""

    def __init__(self, app: TrackingApplication) -> None:
        self.app = app
        self._offsets: dict[str, int] = defaultdict(int)

    def send(self, topic: str, *messages: Any) -> list[tuple[Any, Rejection]]:
        """Process messages at the next offsets of partition 0 of a topic, as records."""
        first = self._offsets[topic]
        self._offsets[topic] += len(messages)
        position = Tracking(f"{topic}:0", self._offsets[topic])
        records = [
            SourceRecord(topic, 0, first + n, str(m.report_id).encode(), codec.encode(m))
            for n, m in enumerate(messages)
        ]
        deliveries = [Delivery(r, m) for r, m in zip(records, messages, strict=True)]
        return self.app.process_batch(deliveries, position)

    def dead_letters(self) -> list[DeadLetterRecord]:
        """What the relay would send to the dead-letter topic, in log order."""
        found = []
        for notification in self.app.recorder.select_notifications(0, 10_000):
            dead = outgoing_dead_letter(self.app.mapper.to_domain_event(notification))
            if dead is not None:
                found.append(dead)
        return found

    def published(self) -> list[c.CaseEvent]:
        """Everything the relay would publish, in log order."""
        events: list[c.CaseEvent] = []
        for notification in self.app.recorder.select_notifications(0, 10_000):
            domain_event = self.app.mapper.to_domain_event(notification)
            events += [out.event for out in translate(domain_event)]  # type: ignore[misc]
        return events

    def types(self) -> list[str]:
        """The published event types, in log order."""
        return [event.event_type for event in self.published()]


class Report:
    """One report's messages, as intake, routing and the bodies would send them."""

    def __init__(self, tracking_id: str = "LPR-7K3M9QXA", *, rahasia: bool = False) -> None:
        self.report_id: UUID = uuid4()
        self.tracking_id = tracking_id
        self.rahasia = rahasia

    def _ids(self, at: datetime) -> dict[str, Any]:
        return {"report_id": self.report_id, "tracking_id": self.tracking_id, "occurred_at": at}

    def received(self, at: datetime = START) -> c.ReportReceived:
        return c.ReportReceived(
            **self._ids(at),
            channel=c.Channel.SMS,
            kind=c.ReportKind.PENGADUAN,
            title="Air PDAM mati",
            text="Air PDAM mati tiga hari di Jalan Veteran",
            location=c.Location(kecamatan="Banjarmasin Timur", address="Jl. Veteran No. 5"),
            reporter_ref="rep-0001",
            rahasia=self.rahasia,
            received_at=at,
        )

    def disposed(
        self, body: tuple[str, str] = PDAM, at: datetime | None = None
    ) -> c.ReportDisposed:
        return c.ReportDisposed(
            **self._ids(at or START + timedelta(hours=1)),
            skpd_code=body[0],
            skpd_name=body[1],
            method=c.DispositionMethod.RULE,
            confidence=0.9,
        )

    def redisposed(self, from_code: str, body: tuple[str, str]) -> c.ReportRedisposed:
        return c.ReportRedisposed(
            **self._ids(START + timedelta(days=1)),
            from_code=from_code,
            skpd_code=body[0],
            skpd_name=body[1],
            method=c.DispositionMethod.ADMIN,
        )

    def acknowledge(self, code: str = "PDAM") -> c.Acknowledge:
        return c.Acknowledge(**self._ids(START + timedelta(hours=2)), skpd_code=code)

    def follow_up(self, code: str = "PDAM") -> c.PostFollowUp:
        text = "Petugas sudah memperbaiki pipa yang bocor"
        return c.PostFollowUp(**self._ids(START + timedelta(hours=3)), skpd_code=code, text=text)

    def resolve(self, code: str = "PDAM") -> c.Resolve:
        text = "Aliran air sudah normal kembali"
        return c.Resolve(**self._ids(START + timedelta(hours=4)), skpd_code=code, text=text)

    def not_competent(self, code: str = "PDAM") -> c.RejectNotCompetent:
        return c.RejectNotCompetent(
            **self._ids(START + timedelta(hours=2)),
            skpd_code=code,
            reason="Saluran drainase bukan wewenang PDAM",
            suggested_code="DPUPR",
        )


def at_wita(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A moment in Banjarmasin's time."""
    return datetime(year, month, day, hour, minute, tzinfo=WITA)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A moment in UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


REPORTS = topics.REPORTS
DISPOSITIONS = topics.DISPOSITIONS
PDAM_ACTIONS = topics.skpd_actions_topic("PDAM")
DLH_ACTIONS = topics.skpd_actions_topic("DLH")


def tracking_id_of(event: Any) -> str | None:
    envelope = getattr(event, "envelope", None)
    return envelope.tracking_id if envelope is not None else None


def quarantine(feed: Feed, parts: TrackingParts, poisoned: str, healthy: str) -> None:
    """Send two reports; the projector cannot project `poisoned`, retries it, then holds it."""
    feed.send(REPORTS, Report(poisoned).received(), Report(healthy).received())
    real = case_rows.project_all

    def project_all(conn: Any, events: Any) -> None:
        if any(tracking_id_of(event) == poisoned for event in events):
            raise ValueError("cannot project this one")
        real(conn, events)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("tracking.adapters.projector.project_all", project_all)
        for _ in range(3):  # bounded attempts; the third quarantines
            with contextlib.suppress(ValueError):
                parts.projector.catch_up()
