"""Two replicas writing one report's index row at once: the unique version claim settles it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from eventsourcing.persistence import IntegrityError, Tracking

from shared import topics
from shared.clock import FixedClock
from shared.contracts import (
    CaseOpened,
    Channel,
    ContactKind,
    ReportKind,
    ReportReceived,
    StatusBucket,
)
from shared.processing import Batch
from tests.unit.notification.old_store import opened

NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
REPORT_ID = uuid4()
TRACKING_ID = "LPR-RACE0001"


def test_noting_contacts_while_another_parks_fails_and_its_retry_tells_the_parked_event(
    tmp_path: Path,
) -> None:
    app = opened(tmp_path / "race.sqlite", FixedClock(NOW))
    common: dict[str, Any] = {
        "occurred_at": NOW,
        "report_id": REPORT_ID,
        "tracking_id": TRACKING_ID,
        "channel": Channel.WEB,
        "kind": ReportKind.PENGADUAN,
        "reporter_ref": "rref-race",
    }
    opened_case = CaseOpened(**common, status=StatusBucket.BELUM_TERVERIFIKASI)
    received = ReportReceived(
        **common,
        text="Jalan berlubang di depan pasar.",
        received_at=NOW,
        contact_kinds=(ContactKind.EMAIL,),
    )
    parking, noting = Batch(Tracking(f"{topics.CASES}:0", 1)), Batch(Tracking("r:0", 1))
    app.policy(opened_case, parking)  # both read the report's row before either is recorded
    app.policy(received, noting)
    app._record(parking)
    with pytest.raises(IntegrityError):
        app._record(noting)
    assert app.messages_for(TRACKING_ID) == []  # parked, nobody told yet
    assert app.process_batch([received], Tracking(f"{topics.REPORTS}:0", 1)) == []  # the retry
    (told,) = app.messages_for(TRACKING_ID)
    assert (told.template, told.channel) == ("case_opened", "email")
