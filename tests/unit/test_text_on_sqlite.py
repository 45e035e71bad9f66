"""Whatever intake accepts, the stores downstream accept: dirty texts through SQLite stores.

A dirty intake record goes through intake's SQLite event store, over the wire (encode, decode) to
tracking's SQLite event store and SQLite read model, as the services do without a broker.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from eventsourcing.persistence import Tracking

from intake.bootstrap import bootstrap as intake
from intake.settings import IntakeSettings
from shared import contracts as c
from shared import topics
from shared.clock import FixedClock
from shared.messaging import codec
from shared.runtime import ServiceSpec
from shared.settings import CommonSettings
from tracking.bootstrap import TrackingParts, assemble
from tracking.settings import TrackingSettings

NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
DIRTY = "Air PDAM mati\u0000 di\r\nJl. Veteran \ud800\u0007 Cafe\u0301\ufdd0"
CLEAN = "Air PDAM mati di\nJl. Veteran \ufffd Caf\u00e9\ufffd"


def on_wire(topic: str, wire: dict[str, Any]) -> Any:
    """What a consumer of `topic` decodes from a record an outside producer wrote."""
    return codec.decode(topic, json.dumps(wire).encode(), 65536)


def published(spec: ServiceSpec) -> list[c.IntegrationEvent]:
    """Every integration event the relay would publish, decoded as its consumers decode it."""
    app = spec.application
    events = []
    for notification in app.recorder.select_notifications(0, 1000):
        for out in spec.translate(app.mapper.to_domain_event(notification)):
            events.append(codec.decode(out.topic, codec.encode(out.event), 65536))
    return events


def test_a_dirty_report_and_follow_up_are_stored_and_shown_clean_on_sqlite(tmp_path: Path) -> None:
    common = CommonSettings(state_dir=tmp_path, database_url=None)
    clock = FixedClock(NOW)
    intake_spec = intake(IntakeSettings(common=common), clock=clock)
    message = on_wire(
        topics.INTAKE,
        {
            "event_type": "IntakeMessage",
            "occurred_at": NOW.isoformat(),
            "channel": "sms",
            "message_id": "dirty-1",
            "title": "Air\u0000 mati\ud83d",
            "text": DIRTY,
            "location": {"kecamatan": "Banjarmasin\u0000 Timur", "address": "Jl.\u0007 Veteran"},
            "reporter": {"name": "Siti\u0000", "phone": "081234567890"},
        },
    )
    assert intake_spec.application.process_batch([message], Tracking(f"{topics.INTAKE}:0", 1)) == []
    received = published(intake_spec)[0]
    assert isinstance(received, c.ReportAccepted) and received.text == CLEAN

    parts: TrackingParts = assemble(TrackingSettings(common=common), clock, None)
    disposed = c.ReportDisposed(
        **_ids(received, NOW + timedelta(hours=1)),
        skpd_code="PDAM",
        skpd_name="Perumda Air Minum Bandarmasih (PDAM)",
        method=c.DispositionMethod.RULE,
        confidence=0.9,
    )
    follow_up = on_wire(
        topics.skpd_actions_topic("PDAM"),
        {
            "event_type": "PostFollowUp",
            "skpd_code": "PDAM",
            "text": "Pipa\u0000 diganti\r\n\udc00",
            **json.loads(json.dumps(_ids(received, NOW + timedelta(hours=2)), default=str)),
        },
    )
    parts.app.process_batch([received], Tracking(f"{topics.REPORTS}:0", 1))
    parts.app.process_batch([disposed], Tracking(f"{topics.DISPOSITIONS}:0", 1))
    parts.app.process_batch([follow_up], Tracking(f"{topics.skpd_actions_topic('PDAM')}:0", 1))
    parts.projector.catch_up()

    view = parts.views.by_tracking_id(received.tracking_id)
    assert view is not None
    assert (view.text, view.title) == (CLEAN, "Air mati\ufffd")
    assert view.location == {"kecamatan": "Banjarmasin Timur", "address": "Jl. Veteran"}
    assert view.events[-1].detail == "Pipa diganti\n\ufffd"
    intake_spec.application.close()
    parts.app.close()
    parts.engine.dispose()


def _ids(event: c.ReportEvent, at: datetime) -> dict[str, Any]:
    return {"report_id": event.report_id, "tracking_id": event.tracking_id, "occurred_at": at}
