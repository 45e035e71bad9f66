"""On PostgreSQL: the aggregates the services now make without eventsourcing's generic creation
steps store the rows eventsourcing's own steps stored, and read back (through `project`) as the
same aggregates."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest

from intake.domain.report import Handles, Outcome, Report, Submission
from intake.domain.screening import ACCEPTED, Verdict
from notification.domain.notification import Notification
from routing.domain.disposition import Disposition, excerpt
from shared.clock import WITA
from tests.plumbing_app import NoteTaker
from tracking.adapters.holidays import IndonesianHolidays
from tracking.application.stored import register_value_objects
from tracking.domain.case import Case
from tracking.domain.deadlines import DeadlinePolicy
from tracking.domain.status import Status, Step
from tracking.domain.values import Cause, Envelope, Standing
from tracking.domain.values import Report as Received

pytestmark = pytest.mark.integration

STAMP = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
AT = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
TEXT = 'Air PDAM tidak mengalir sejak pagi — Jl. Kuin №7, O\'Brien "kutip" 🙂'
CONTENT = {"title": "Air mati", "text": TEXT, "kind": "pengaduan", "channel": "web",
           "location": {"kelurahan": "Kuin Utara"}, "anonim": False, "rahasia": False}  # fmt: skip
CANDIDATES = [{"code": "PDAM", "score": 0.6}, {"code": "DLH", "score": 0.3}]
POLICY = DeadlinePolicy(IndonesianHolidays(collective_leave=True), WITA, 3, 5, 14, 1)
RECEIVED = Received("LPR-7K3QX9MD", "web", "pengaduan", "rref-1", TEXT, AT, title="Air mati")
SUBMISSION = Submission("web", "m-1", "pengaduan", "Air mati", TEXT, AT, {"kelurahan": "Kuin"})
MESSAGE = {"report_id": uuid4(), "tracking_id": "LPR-7K3QX9MD", "case_event_type": "CaseOpened",
           "channel": "sms", "reporter_ref": "rref-1", "template": "reporter_opened",
           "subject": "", "text": TEXT, "queued_at": AT}  # fmt: skip

Make = Callable[[UUID], Any]


def _report(new: bool) -> Make:
    if new:
        return lambda i: Report.record(
            i, SUBMISSION, "sealed", Handles("LPR-7K3QX9MD", "rref-1"), Outcome(Verdict(ACCEPTED))
        )
    return lambda i: Report(
        id=i, submission=SUBMISSION.as_dict(), sealed_identity="sealed",
        tracking_id="LPR-7K3QX9MD", reporter_ref="rref-1", status=ACCEPTED, reason=None,
        duplicate_of=None, possible_duplicate_of=None, recorded_by=None,
    )  # fmt: skip


def _routed(new: bool) -> Make:
    ids = {"report_id": UUID(int=7), "tracking_id": "LPR-7K3QX9MD", "content": CONTENT}
    if new:
        return lambda i: Disposition.routed(
            i, **ids, code="PDAM", name="PDAM Bandarmasih", method="model", reason="model",
            at=AT, confidence=0.6, candidates=CANDIDATES, also=["DLH"],
        )  # fmt: skip
    return lambda i: Disposition._create(
        Disposition.Routed, id=i, **ids, skpd_code="PDAM", skpd_name="PDAM Bandarmasih",
        method="model", confidence=0.6, reason="model", candidates=list(CANDIDATES), at=AT,
        also=["DLH"],
    )  # fmt: skip


def _triaged(new: bool) -> Make:
    ids = {"report_id": UUID(int=7), "tracking_id": "LPR-7K3QX9MD", "content": CONTENT}
    if new:
        return lambda i: Disposition.triaged(i, **ids, reason="ragu", candidates=CANDIDATES, at=AT)
    return lambda i: Disposition._create(
        Disposition.Triaged, id=i, **ids, title="Air mati", excerpt=excerpt(TEXT), reason="ragu",
        candidates=list(CANDIDATES), at=AT,
    )  # fmt: skip


def _case(new: bool) -> Make:
    if new:
        return lambda i: Case.open(i, Cause("evt-1", AT), RECEIVED, POLICY)
    verify = POLICY.deadline(Step.VERIFY, AT)
    return lambda i: Case._create(
        Case.Opened, id=i, source="evt-1", at=AT,
        envelope=Envelope("LPR-7K3QX9MD", "web", "pengaduan", "rref-1", False, False),
        standing=Standing(Status.BELUM_TERVERIFIKASI.value, due_at=verify.due_at), actor=None,
        deadline=verify, title="Air mati", text=TEXT, location={}, received_at=AT,
        attachments=(), category=None,
    )  # fmt: skip


def _queued(new: bool) -> Make:
    if new:
        return lambda i: Notification.queue(id=i, **MESSAGE)
    return lambda i: Notification(id=i, **MESSAGE)


def _sent(new: bool) -> Make:
    if new:
        return lambda i: Notification.send(id=i, sent_at=AT, **MESSAGE)
    return lambda i: Notification._create(Notification.Sent, id=i, sent_at=AT, **MESSAGE)


KINDS = {"report": _report, "routed": _routed, "triaged": _triaged, "case": _case,
         "queued": _queued, "sent": _sent}  # fmt: skip
CREATED = (Report.Recorded, Disposition.Routed, Disposition.Triaged, Case.Opened,
           Notification.Queued, Notification.Sent)  # fmt: skip


@pytest.fixture
def stamped(monkeypatch: pytest.MonkeyPatch) -> None:
    for created in CREATED:
        monkeypatch.setattr(created, "create_timestamp", staticmethod(lambda: STAMP))


class Store(NoteTaker):
    """A batch application's store that also keeps the case events' value objects."""

    def register_transcodings(self, transcoder: Any) -> None:
        super().register_transcodings(transcoder)
        register_value_objects(transcoder)


def _state(aggregate: Any) -> dict[str, Any]:
    """What an aggregate holds, but its id (the two ways are stored under two ids)."""
    return {k: v for k, v in vars(aggregate).items() if k != "_id"}


@pytest.mark.usefixtures("stamped")
@pytest.mark.parametrize("kind", list(KINDS))
def test_a_directly_made_aggregate_stores_and_reads_back_as_eventsourcing_made_it(
    pg_env: dict[str, str], kind: str
) -> None:
    app = Store(env=pg_env)
    ours_id, theirs_id = uuid4(), uuid4()
    ours, theirs = KINDS[kind](True)(ours_id), KINDS[kind](False)(theirs_id)
    app.save(ours, theirs)
    assert _state(ours) == _state(theirs) and ours.version == 1
    (mine,), (made,) = app.recorder.select_events(ours_id), app.recorder.select_events(theirs_id)
    assert (mine.topic, mine.originator_version, mine.state) == (
        made.topic,
        made.originator_version,
        made.state,
    )
    again = app.repository.get(ours_id)
    assert type(again) is type(theirs)
    assert _state(again) == _state(app.repository.get(theirs_id))
