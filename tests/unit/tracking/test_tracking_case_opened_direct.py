"""A case is opened, and rebuilt from its opening, without eventsourcing's generic creation
steps: the same event, the same stored bytes, the same case as `_create` and its `mutate` make."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.domain import CanInitAggregate
from eventsourcing.utils import get_topic
from test_tracking_stored_v2 import _fixture, _store
from tracking_helpers import START

from shared.clock import WITA
from shared.processing import project
from tracking.adapters.holidays import IndonesianHolidays
from tracking.application.app import TrackingApplication
from tracking.domain.case import TOPIC, Case
from tracking.domain.deadlines import DeadlinePolicy
from tracking.domain.status import Status, Step
from tracking.domain.values import Cause, Envelope, Person, Report, Standing

POLICY = DeadlinePolicy(IndonesianHolidays(collective_leave=True), WITA, 3, 5, 14, 1)
REPORT = Report(
    "LPR-DIRECT01", "web", "pengaduan", "rep-1", "Lampu jalan mati", START, title="Lampu",
    location={"kelurahan": "Kuin Utara"}, attachments=("a.jpg",), category="penerangan",
)  # fmt: skip
CAUSE = Cause("evt-1", START)
ACTOR = Person("petugas", "Sari")
STAMP = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


def _as_create_makes_it(report_id: UUID) -> Case:
    """The opening as `Case.open` made it before: eventsourcing's `_create`, generic `mutate`."""
    verify = POLICY.deadline(Step.VERIFY, REPORT.received_at)
    envelope = Envelope(
        REPORT.tracking_id, REPORT.channel, REPORT.kind, REPORT.reporter_ref, False, False
    )
    standing = Standing(Status.BELUM_TERVERIFIKASI.value, due_at=verify.due_at)
    case: Case = Case._create(
        Case.Opened, id=report_id, timestamp=STAMP, source=CAUSE.event_id, at=CAUSE.at,
        envelope=envelope, standing=standing,
        actor=ACTOR, deadline=verify, title=REPORT.title, text=REPORT.text,
        location=dict(REPORT.location), received_at=REPORT.received_at,
        attachments=tuple(REPORT.attachments), category=REPORT.category,
    )  # fmt: skip
    return case


def _generic(events: list[Any]) -> Any:
    """What eventsourcing's own `mutate` of a created event rebuilds, then the other events."""
    aggregate = CanInitAggregate.mutate(events[0], None)
    for event in events[1:]:
        aggregate = event.mutate(aggregate)
    return aggregate


@pytest.fixture
def stamped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Case.Opened, "create_timestamp", staticmethod(lambda: STAMP))


@pytest.mark.usefixtures("stamped")
def test_an_opening_is_the_event_and_case_that_create_makes(app: TrackingApplication) -> None:
    report_id = uuid4()
    ours = Case.open(report_id, CAUSE, REPORT, POLICY, ACTOR)
    theirs = _as_create_makes_it(report_id)
    (mine,), (made,) = ours.collect_events(), theirs.collect_events()
    assert type(mine) is type(made) and get_topic(Case) == TOPIC
    assert vars(mine) == vars(made)
    assert app.mapper.to_stored_event(mine) == app.mapper.to_stored_event(made)
    assert ours == theirs == _generic([made])
    assert (ours.version, ours.created_on, ours.modified_on) == (1, STAMP, STAMP)


@pytest.mark.usefixtures("stamped")
def test_an_opened_case_changes_as_before(app: TrackingApplication) -> None:
    report_id = uuid4()
    ours, theirs = Case.open(report_id, CAUSE, REPORT, POLICY), _as_create_makes_it(report_id)
    for case in (ours, theirs):
        case.dispose(Cause("evt-2", START + timedelta(hours=1)), "PU", "Dinas PUPR", POLICY)
    stored = [app.mapper.to_stored_event(e) for e in ours.collect_events()]
    again = [app.mapper.to_domain_event(s) for s in stored]
    assert project(None, again) == _generic(again)
    assert [type(e) for e in again] == [type(e) for e in theirs.collect_events()]
    assert project(None, again).skpd_code == "PU"


def test_every_case_an_old_store_holds_rebuilds_as_eventsourcing_rebuilds_it(
    app: TrackingApplication,
) -> None:
    _store(app)
    rows = _fixture()["rows"]["cases"]
    assert len(rows) == 10
    for row in rows:
        events = list(app.events.get(UUID(row[0])))
        assert isinstance(events[0], Case.Opened)
        assert app.repository.get(UUID(row[0])) == _generic(events) == project(None, events)


def test_an_opening_of_another_aggregates_topic_is_left_to_eventsourcing() -> None:
    report_id = uuid4()
    (opened,) = _as_create_makes_it(report_id).collect_events()
    renamed = Case.Opened(**{**vars(opened), "originator_topic": "tracking.domain.case:Kasus"})
    with pytest.raises(Exception, match="Kasus"):  # eventsourcing resolves the topic: unknown
        renamed.mutate(None)
