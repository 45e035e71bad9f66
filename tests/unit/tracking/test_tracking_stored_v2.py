"""Stores written before typed case events (class_version 2) are read, never rewritten.

`tests/fixtures/tracking/stored_v2.json` holds what main stored at 3a5511c for every kind of
case event (`make_stored_v2.py` beside it): the events as they lie in the store, the read-model
rows the projector wrote from them, and the case events the relay published.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from tracking_lives import dump

from shared import contracts as c
from tracking.application.app import TrackingApplication
from tracking.application.translate import PUBLISHED, translate
from tracking.bootstrap import TrackingParts
from tracking.domain.case import Case
from tracking.domain.early_arrivals import EarlyArrivals

FIXTURE = Path(__file__).parents[2] / "fixtures" / "tracking" / "stored_v2.json"


@functools.cache
def _fixture() -> dict[str, Any]:
    return dict(json.loads(FIXTURE.read_text()))


def _stored() -> list[StoredEvent]:
    return [
        StoredEvent(
            originator_id=UUID(item["originator_id"]),
            originator_version=item["originator_version"],
            topic=item["topic"],
            state=item["state"].encode(),
        )
        for item in _fixture()["stored"]
    ]


def _store(app: TrackingApplication) -> None:
    app.recorder.insert_events(_stored())


def _as_json(rows: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[list[Any]]]:
    return {name: sorted(json.loads(json.dumps(found)), key=repr) for name, found in rows.items()}


def _published_now(app: TrackingApplication) -> list[c.CaseEvent]:
    return [
        out.event  # type: ignore[misc]
        for notification in app.recorder.select_notifications(0, 1000)
        for out in translate(app.mapper.to_domain_event(notification))
    ]


def _as_read_today(published: dict[str, Any]) -> dict[str, Any]:
    """A case event as published then, read by today's contract (its string actor typed)."""
    [kind] = [k for k in PUBLISHED if k.event_type == published["event_type"]]
    return kind.model_validate(published).model_dump(mode="json") | {"event_type": kind.event_type}


def now_and_then(published: list[c.CaseEvent]) -> tuple[list[Any], list[Any]]:
    """Today's case events of the stored ones, and those published then, read by today's
    contracts; version 1 had `actor` on the bodies' moves only, the others' (None) is new."""
    now = [e.model_dump(mode="json") | {"event_type": e.event_type} for e in published]
    then = _fixture()["published"]

    def kept(event: dict[str, Any], old: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in event.items() if k != "actor" or "actor" in old}

    return (
        [kept(event, old) for event, old in zip(now, then, strict=True)],
        [kept(_as_read_today(old), old) for old in then],
    )


def test_the_stored_events_publish_the_case_events_they_published(
    app: TrackingApplication,
) -> None:
    _store(app)
    now, then = now_and_then(_published_now(app))
    assert now == then


def test_a_stored_move_names_its_person_and_body(app: TrackingApplication) -> None:
    _store(app)
    actors = {(e.event_type, e.actor) for e in _published_now(app) if e.actor is not None}
    assert ("CaseAcknowledged", c.Actor(role="skpd:PDAM", name="Budi Santoso")) in actors
    assert ("CaseReturned", c.Actor(role="skpd:DLH", name="admin-penghubung")) in actors


def test_a_rebuild_from_the_stored_events_writes_the_same_rows(parts: TrackingParts) -> None:
    _store(parts.app)
    parts.projector.rebuild()
    assert _as_json(_as_wide_as_the_fixture(dump(parts.engine))) == _as_json(_fixture()["rows"])


def _as_wide_as_the_fixture(rows: dict[str, list[tuple[Any, ...]]]) -> dict[str, Any]:
    """The rows without the columns added after the fixture was made (officer, public face)."""
    width = {name: len(found[0]) for name, found in _fixture()["rows"].items() if found}
    return {name: [row[: width.get(name)] for row in found] for name, found in rows.items()}


def test_every_stored_case_loads_where_its_row_says_it_stands(app: TrackingApplication) -> None:
    _store(app)
    rows = _fixture()["rows"]["cases"]
    assert len(rows) == 10
    for row in rows:
        case = app.repository.get(UUID(row[0]))
        assert isinstance(case, Case)
        assert (case.tracking_id, case.status.value, case.skpd_code) == (row[1], row[2], row[3])


def test_the_stored_events_stay_as_they_were(app: TrackingApplication) -> None:
    _store(app)
    for item in _fixture()["rows"]["cases"]:
        app.repository.get(UUID(item[0]))
    states = [n.state for n in app.recorder.select_notifications(0, 1000)]
    assert states == [event.state for event in _stored()]


def test_the_stored_early_arrivals_load_with_what_still_waits(app: TrackingApplication) -> None:
    _store(app)
    places = {e.originator_id for e in _stored() if "EarlyArrivals" in e.topic}
    waiting = []
    for place in places:
        early = app.repository.get(place)
        assert isinstance(early, EarlyArrivals)
        waiting += [item["event_type"] for item in early.waiting]
    # The duplicate's own report never opened a case: its link still waits; the rest left.
    assert (len(places), waiting) == (2, ["ReportLinkedAsDuplicate"])
