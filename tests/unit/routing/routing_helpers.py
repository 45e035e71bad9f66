"""Routing test helpers: an in-memory routing service, a fixed clock, events, a feed."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.persistence import Tracking

from routing.application.app import RoutingApplication
from routing.application.translate import translate
from routing.bootstrap import bootstrap
from routing.domain.router import Router
from routing.settings import RoutingSettings
from shared import topics
from shared.auth import digest
from shared.clock import FixedClock
from shared.contracts import (
    CaseReturned,
    Channel,
    IntegrationEvent,
    Location,
    ReportAccepted,
    ReportKind,
    StatusBucket,
)
from shared.messaging.relay import Outgoing
from shared.processing import Rejection
from shared.runtime import ServiceSpec
from shared.settings import CommonSettings

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TOKENS = {"admin": "admin-token", "analyst": "analyst-token", "skpd:PDAM": "pdam-token"}
STREET_LIGHT = "LAPOR lampu jalan mati sepanjang Jl. Kayu Tangi 2 sudah seminggu"
_serial = itertools.count(1)


def build(
    clock: FixedClock,
    router: Router | None = None,
    env: dict[str, str] | None = None,
    **settings: Any,
) -> ServiceSpec:
    """The routing service on in-memory persistence (or `env`'s), with the test tokens."""
    common = CommonSettings(
        database_url=None, auth_tokens={digest(token): role for role, token in TOKENS.items()}
    )
    return bootstrap(
        RoutingSettings(common=common, **settings),
        clock=clock,
        env=env or {"PERSISTENCE_MODULE": "eventsourcing.popo"},
        router=router,
    )


def accepted(
    text: str,
    title: str = "",
    *,
    kecamatan: str | None = None,
    anonim: bool = False,
    rahasia: bool = False,
    report_id: UUID | None = None,
) -> ReportAccepted:
    """A ReportAccepted as intake publishes it."""
    return ReportAccepted(
        occurred_at=START,
        report_id=report_id or uuid4(),
        tracking_id=f"LPR-{next(_serial):08d}",
        channel=Channel.SMS,
        kind=ReportKind.PENGADUAN,
        title=title,
        text=text,
        location=Location(kecamatan=kecamatan, address="Jl. Kayu Tangi"),
        reporter_ref="ref-0123456789",
        anonim=anonim,
        rahasia=rahasia,
        received_at=START,
    )


def returned(
    report: ReportAccepted, rejected_by: str, suggested: str | None = None
) -> CaseReturned:
    """A body's "bukan wewenang" as tracking publishes it."""
    return CaseReturned(
        occurred_at=START,
        report_id=report.report_id,
        tracking_id=report.tracking_id,
        channel=report.channel,
        kind=report.kind,
        reporter_ref=report.reporter_ref,
        status=StatusBucket.BELUM_TERVERIFIKASI,
        rejected_by=rejected_by,
        reason="bukan wewenang kami",
        suggested_code=suggested,
    )


class Feed:
    """Delivers integration events to the application as the consumer does, one batch each."""

    def __init__(self, app: RoutingApplication) -> None:
        self.app = app
        self.offset = 0

    def __call__(self, *events: IntegrationEvent, topic: str = topics.REPORTS) -> list[Rejection]:
        self.offset += len(events) or 1
        rejected = self.app.process_batch(list(events), Tracking(f"{topic}:0", self.offset))
        return [rejection for _, rejection in rejected]


def published(app: RoutingApplication) -> list[Outgoing]:
    """What the relay would publish for everything stored so far."""
    outgoing: list[Outgoing] = []
    for notification in app.recorder.select_notifications(1, 10_000):
        outgoing += translate(app.mapper.to_domain_event(notification))
    return outgoing


def of_type(outgoing: list[Outgoing], event_type: str) -> list[Outgoing]:
    """The published events of one type."""
    return [out for out in outgoing if out.event.event_type == event_type]


def on_sqlite(state_dir: Path) -> ServiceSpec:
    """The routing service on its embedded SQLite store in `state_dir`."""
    common = CommonSettings(
        database_url=None,
        state_dir=state_dir,
        auth_tokens={digest(token): role for role, token in TOKENS.items()},
    )
    return bootstrap(RoutingSettings(common=common), clock=FixedClock(START))
