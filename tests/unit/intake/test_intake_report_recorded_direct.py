"""A report is recorded without eventsourcing's generic creation steps: the same `Recorded`
event, the same stored bytes, the same report as calling the class made."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from uuid import uuid4

import pytest
from eventsourcing.utils import get_topic

from intake.application.app import IntakeApplication
from intake.domain.report import TOPIC, DuplicateLink, Handles, Outcome, Report, Submission
from intake.domain.screening import ACCEPTED, HELD, Verdict

STAMP = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
SUBMISSION = Submission(
    "web", "m-1", "pengaduan", "Air mati", "Air PDAM tidak mengalir sejak pagi", STAMP,
    location={"kelurahan": "Kuin Utara", "latitude": -3.3}, attachments=("a.jpg",),
    category="air", contact_kinds=("email",),
)  # fmt: skip
HANDLES = Handles("LPR-7K3QX9MD", "rref-1")
LINK = DuplicateLink(str(uuid4()), "LPR-AAAAAAAA")
OUTCOMES = [
    (Outcome(Verdict(ACCEPTED)), None),
    (Outcome(Verdict(ACCEPTED), duplicate_of=LINK), None),
    (Outcome(Verdict(HELD, "banjir kiriman"), possible_duplicate_of=LINK), {"role": "petugas"}),
]


def _as_before(report_id: object, outcome: Outcome, recorded_by: object) -> Report:
    """How `Report.record` made a report before: calling the class (eventsourcing's steps)."""
    report: Report = Report(
        id=report_id, submission=SUBMISSION.as_dict(), sealed_identity="sealed",
        tracking_id=HANDLES.tracking_id, reporter_ref=HANDLES.reporter_ref,
        status=outcome.status, reason=outcome.verdict.reason,
        duplicate_of=asdict(outcome.duplicate_of) if outcome.duplicate_of else None,
        possible_duplicate_of=(
            asdict(outcome.possible_duplicate_of) if outcome.possible_duplicate_of else None
        ),
        recorded_by=recorded_by,
    )  # fmt: skip
    return report


@pytest.fixture(autouse=True)
def stamped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Report.Recorded, "create_timestamp", staticmethod(lambda: STAMP))


@pytest.mark.parametrize(("outcome", "recorded_by"), OUTCOMES)
def test_a_recorded_report_is_the_event_and_report_the_class_made(
    app: IntakeApplication, outcome: Outcome, recorded_by: dict[str, str] | None
) -> None:
    report_id = uuid4()
    ours = Report.record(report_id, SUBMISSION, "sealed", HANDLES, outcome, recorded_by)
    theirs = _as_before(report_id, outcome, recorded_by)
    (mine,), (made,) = ours.collect_events(), theirs.collect_events()
    assert type(mine) is type(made) and get_topic(Report) == TOPIC
    assert vars(mine) == vars(made)
    assert app.mapper.to_stored_event(mine) == app.mapper.to_stored_event(made)
    assert ours == theirs
    assert (ours.version, ours.created_on, ours.status) == (1, STAMP, outcome.status)


def test_a_recorded_report_is_read_back_from_its_stored_event(app: IntakeApplication) -> None:
    outcome, recorded_by = OUTCOMES[2]
    ours = Report.record(uuid4(), SUBMISSION, "sealed", HANDLES, outcome, recorded_by)
    (event,) = ours.collect_events()
    stored = app.mapper.to_stored_event(event)
    again = app.mapper.to_domain_event(stored).mutate(None)
    assert stored.topic == "intake.domain.report:Report.Recorded"
    assert isinstance(again, Report)
    assert vars(again.submission) == vars(ours.submission) | {
        "attachments": ["a.jpg"],
        "contact_kinds": ["email"],
    }
    kept = ("tracking_id", "reporter_ref", "status", "reason", "possible_duplicate_of")
    assert [getattr(again, name) for name in kept] == [getattr(ours, name) for name in kept]
