"""The projector's fast decoding of today's case events builds the events, and so the rows, the
general path builds; whatever it does not know exactly (older versions to upcast, other
topics, odd shapes) goes the general way, event by event."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from eventsourcing.persistence import StoredEvent
from test_tracking_stored_v2 import _store
from tracking_helpers import REPORTS, Feed, Report
from tracking_lives import dump, every_kind_of_life

from tracking.adapters.case_decoding import case_decoder, case_events
from tracking.adapters.projector import CASE_EVENTS
from tracking.bootstrap import TrackingParts


def counting_decoder(
    parts: TrackingParts, monkeypatch: pytest.MonkeyPatch
) -> tuple[Any, list[Any]]:
    """The fast decoder of the app's mapper, and the stored events it left to the general path."""
    general, fell_back = parts.app.mapper.to_domain_event, []

    def counted(stored: Any) -> Any:
        fell_back.append(stored)
        return general(stored)

    monkeypatch.setattr(parts.app.mapper, "to_domain_event", counted)
    return case_decoder(parts.app.mapper), fell_back


def case_records(parts: TrackingParts) -> list[Any]:
    found = parts.app.recorder.select_notifications(0, 100_000)
    return [n for n in found if n.topic.startswith(CASE_EVENTS)]


def _same(fast: Any, general: Any) -> bool:
    return type(fast) is type(general) and vars(fast) == vars(general)


def test_todays_case_events_decode_fast_into_the_events_the_general_path_builds(
    feed: Feed, parts: TrackingParts, monkeypatch: pytest.MonkeyPatch
) -> None:
    every_kind_of_life(feed, parts)
    general = parts.app.mapper.to_domain_event
    records = case_records(parts)
    decode, fell_back = counting_decoder(parts, monkeypatch)
    kinds = set()
    for record in records:
        event = decode(record)
        assert _same(event, general(record))
        kinds.add(type(event).__name__)
    assert fell_back == []
    leaves = {cls.__name__ for cls in case_events() if not cls.__subclasses__()}
    assert kinds == leaves - {"Created"}  # every kind the case records (eventsourcing's own not)


def test_events_stored_by_old_code_go_the_general_way_and_are_upcast(
    parts: TrackingParts, monkeypatch: pytest.MonkeyPatch
) -> None:
    _store(parts.app)  # class_version 2, as main stored them at 3a5511c
    general = parts.app.mapper.to_domain_event
    records = case_records(parts)
    decode, fell_back = counting_decoder(parts, monkeypatch)
    assert all(_same(decode(record), general(record)) for record in records)
    assert len(fell_back) == len(records) > 20


def _changed(record: Any, change: Any) -> StoredEvent:
    state = orjson.loads(record.state)
    change(state)
    return StoredEvent(
        originator_id=record.originator_id,
        originator_version=record.originator_version,
        topic=record.topic,
        state=orjson.dumps(state),
    )


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda s: s.update(class_version=3), id="an older class version"),
        pytest.param(lambda s: s.update(stray="left by a newer writer"), id="an extra member"),
        pytest.param(lambda s: s.pop("actor"), id="a missing member"),
        pytest.param(lambda s: s.update(title=s["at"]), id="a moment where a text belongs"),
        pytest.param(lambda s: s.update(title=1e20), id="a number past 64 bits"),
        pytest.param(
            lambda s: s["location"].update(moment={"_type_": "datetime_iso", "_data_": "2024"}),
            id="a transcoded value inside a plain one",
        ),
        pytest.param(
            lambda s: s.update(standing={"_type_": "deadline", "_data_": s["standing"]["_data_"]}),
            id="another value object's name",
        ),
    ],
)
def test_a_stored_event_of_another_shape_goes_the_general_way(
    feed: Feed, parts: TrackingParts, monkeypatch: pytest.MonkeyPatch, change: Any
) -> None:
    feed.send(REPORTS, Report("LPR-SHAPE01").received())
    [opened] = case_records(parts)
    odd = _changed(opened, change)
    general = parts.app.mapper.to_domain_event
    decode, fell_back = counting_decoder(parts, monkeypatch)
    try:
        expected: Any = general(odd)
    except Exception as error:  # the general path's error is then the expected outcome
        expected = error
    try:
        outcome: Any = decode(odd)
    except Exception as error:
        outcome = error
    assert fell_back == [odd]
    if isinstance(expected, Exception):
        assert type(outcome) is type(expected) and str(outcome) == str(expected)
    else:
        assert _same(outcome, expected)


def both_ways_a_rebuild_writes_the_live_rows(
    feed: Feed, parts: TrackingParts, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Old and new stored events rebuilt fast, then the general way: the live rows each time."""
    _store(parts.app)  # events stored by old code first, then today's: pages mix both ways
    every_kind_of_life(feed, parts)
    live = dump(parts.engine)
    parts.projector.rebuild_batch_size = 9
    parts.projector.rebuild()
    fast = dump(parts.engine)
    monkeypatch.setattr(parts.projector, "_decode", parts.app.mapper.to_domain_event)
    parts.projector.rebuild()
    assert fast == dump(parts.engine) == live
    assert len(fast["cases"]) > 10 and len(fast["timeline"]) > 100


def test_a_rebuild_writes_the_rows_the_general_path_writes_for_old_and_new_events(
    feed: Feed, parts: TrackingParts, monkeypatch: pytest.MonkeyPatch
) -> None:
    both_ways_a_rebuild_writes_the_live_rows(feed, parts, monkeypatch)
