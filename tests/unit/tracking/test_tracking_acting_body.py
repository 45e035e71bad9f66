"""A body acts only for itself: the topic's body, the message's body and the disposition agree."""

from __future__ import annotations

import json

from tracking_helpers import (
    DISPOSITIONS,
    DLH,
    DLH_ACTIONS,
    PDAM,
    PDAM_ACTIONS,
    REPORTS,
    Feed,
    Report,
)

from shared.messaging import codec
from shared.messaging.deadletter import DeadLetterRecord
from tracking.application.app import TrackingApplication
from tracking.domain.early_arrivals import EarlyArrivals


def dlq(dead: DeadLetterRecord, name: str) -> str:
    return dict(dead.headers)[f"lapor.dlq.{name}"].decode()


def disposed_to_pdam(feed: Feed) -> Report:
    report = Report()
    feed.send(REPORTS, report.received())
    feed.send(DISPOSITIONS, report.disposed(PDAM))
    return report


def test_an_action_naming_another_body_than_its_topic_is_refused_and_dead_lettered(
    feed: Feed,
) -> None:
    report = disposed_to_pdam(feed)
    resolve = report.resolve("PDAM")
    rejected = feed.send(DLH_ACTIONS, report.acknowledge("PDAM"), resolve)
    assert [r.reason for _, r in rejected] == ["ActingForAnotherBody"] * 2
    assert feed.types() == ["CaseOpened", "CaseDisposed"]  # DLH resolved nothing for PDAM
    [_, dead] = feed.dead_letters()
    assert dlq(dead, "reason") == "ActingForAnotherBody"
    assert "DLH" in dlq(dead, "error") and "PDAM" in dlq(dead, "error")
    assert dlq(dead, "source.topic") == DLH_ACTIONS and dlq(dead, "source.offset") == "1"
    assert dead.value == codec.encode(resolve)


def test_a_body_acting_on_a_report_disposed_to_another_is_dead_lettered_with_that_reason(
    feed: Feed,
) -> None:
    report = disposed_to_pdam(feed)
    feed.send(DLH_ACTIONS, report.acknowledge("DLH"))
    [dead] = feed.dead_letters()
    assert dlq(dead, "reason") == "NotDisposedToBody"
    assert feed.types() == ["CaseOpened", "CaseDisposed"]


def test_the_body_the_report_is_disposed_to_acts_on_its_own_topic(feed: Feed) -> None:
    report = disposed_to_pdam(feed)
    assert feed.send(PDAM_ACTIONS, report.acknowledge("PDAM"), report.resolve("PDAM")) == []
    assert feed.types()[-2:] == ["CaseAcknowledged", "CaseResolved"]
    assert feed.dead_letters() == []


def test_an_action_for_another_body_is_refused_at_once_even_before_the_disposition(
    feed: Feed,
) -> None:
    report = Report()
    feed.send(REPORTS, report.received())
    feed.send(DLH_ACTIONS, report.acknowledge("PDAM"))
    feed.send(DISPOSITIONS, report.disposed(PDAM))
    assert feed.types() == ["CaseOpened", "CaseDisposed"]
    assert [dlq(d, "reason") for d in feed.dead_letters()] == ["ActingForAnotherBody"]


def test_a_parked_action_refused_on_release_is_dead_lettered_with_its_original_record(
    feed: Feed,
) -> None:
    report = Report()
    feed.send(REPORTS, report.received())
    early = report.acknowledge("PDAM")
    assert feed.send(PDAM_ACTIONS, early) == []  # parked: the disposition is late
    assert feed.dead_letters() == []
    feed.send(DISPOSITIONS, report.disposed(DLH))  # ... and goes to another body
    [dead] = feed.dead_letters()
    assert dlq(dead, "reason") == "NotDisposedToBody"
    assert (dlq(dead, "source.topic"), dlq(dead, "source.offset")) == (PDAM_ACTIONS, "0")
    assert dead.value == codec.encode(early) and dead.key == str(report.report_id).encode()
    assert feed.types() == ["CaseOpened", "CaseDisposed"]


def test_a_parked_action_of_the_right_body_is_applied_on_release(feed: Feed) -> None:
    report = Report()
    feed.send(REPORTS, report.received())
    feed.send(PDAM_ACTIONS, report.acknowledge("PDAM"))
    feed.send(DISPOSITIONS, report.disposed(PDAM))
    assert feed.types() == ["CaseOpened", "CaseDisposed", "CaseAcknowledged"]
    assert feed.dead_letters() == []


def test_a_message_parked_before_records_were_kept_reads_back_without_one(
    app: TrackingApplication,
) -> None:
    early = EarlyArrivals(id=Report().report_id, report_id=Report().report_id)
    early.park("e1", "Acknowledge", {"x": 1}, {"topic": DLH_ACTIONS})
    [_, parked] = early.collect_events()
    stored = app.mapper.to_stored_event(parked)
    state = json.loads(stored.state)
    assert state.pop("class_version") == 2
    del state["source"]  # what version 1 stored
    old = type(stored)(
        originator_id=stored.originator_id,
        originator_version=stored.originator_version,
        topic=stored.topic,
        state=json.dumps(state).encode(),
    )
    assert app.mapper.to_domain_event(old).source is None  # type: ignore[attr-defined]
