"""Case events stored before version 2 (a `standing` dict in each) are read, never rewritten."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from tracking.application.app import TrackingApplication
from tracking.application.translate import translate
from tracking.bootstrap import TrackingParts
from tracking.domain.case import Case

DATA = Path(__file__).parent / "data"
# Fields the version-1 relay did not publish: they take their contract defaults.
NEW_FIELDS = {"body", "actor", "also", "step", "previous_skpd_code", "comment"}


def _stored() -> list[StoredEvent]:
    lines = (DATA / "case_events_v1.jsonl").read_text().splitlines()
    return [
        StoredEvent(
            originator_id=UUID(item["originator_id"]),
            originator_version=item["originator_version"],
            topic=item["topic"],
            state=item["state"].encode(),
        )
        for item in map(json.loads, lines)
    ]


def _store_v1(app: TrackingApplication) -> None:
    app.recorder.insert_events(_stored())


def _published_then() -> list[dict[str, Any]]:
    return list(json.loads((DATA / "case_events_v1_published.json").read_text()))


def _without_new(event: dict[str, Any], known: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in event.items() if k in known or k not in NEW_FIELDS}


def test_version_one_events_publish_as_they_did(app: TrackingApplication) -> None:
    _store_v1(app)
    now = []
    for notification in app.recorder.select_notifications(0, 100):
        for out in translate(app.mapper.to_domain_event(notification)):
            now.append(out.event.model_dump(mode="json") | {"event_type": out.event.event_type})
    then = _published_then()
    assert [_without_new(n, t) for n, t in zip(now, then, strict=True)] == then


def test_a_case_stored_by_version_one_loads_and_takes_new_moves(app: TrackingApplication) -> None:
    _store_v1(app)
    case = app.repository.get(_stored()[0].originator_id)
    assert isinstance(case, Case)
    assert (case.tracking_id, case.skpd_code, case.status.value) == (
        "LPR-UPCAST01",
        "PDAM",
        "Terdisposisi: Selesai",
    )


def test_version_one_events_project_into_the_read_model(parts: TrackingParts) -> None:
    _store_v1(parts.app)
    parts.projector.catch_up()
    returned = parts.views.by_tracking_id("LPR-UPCAST02")
    assert returned is not None
    assert (returned.status, returned.skpd_code) == ("Terdisposisi: Belum Ditindaklanjuti", "DLH")


def test_the_stored_events_stay_as_they_were(app: TrackingApplication) -> None:
    _store_v1(app)
    app.repository.get(_stored()[0].originator_id)
    states = [n.state for n in app.recorder.select_notifications(0, 100)]
    assert states == [event.state for event in _stored()]
