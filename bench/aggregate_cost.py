"""What eventsourcing's generic aggregate steps cost on each service's path, and what is left.

    .venv/bin/python -m bench.aggregate_cost [--repeat 20000]

CPU microseconds per call, best of five runs, of each aggregate made or rebuilt per report: the
way eventsourcing's generic steps do it (`_create`, the class call, the created event's generic
`mutate`, `project_aggregate` with its runtime protocol check) and the way the services do it
now (`Report.record`, `Disposition.routed`/`triaged`, `Case.open`, `Notification.queue`/`send`,
`shared.processing.project`). Prints JSON. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import partial
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.application import project_aggregate
from eventsourcing.domain import CanInitAggregate

from intake.domain.report import Handles, Outcome, Report, Submission
from intake.domain.screening import ACCEPTED, Verdict
from notification.domain.notification import Notification
from routing.domain.disposition import Disposition, excerpt
from shared.clock import WITA
from shared.processing import project
from tracking.adapters.holidays import IndonesianHolidays
from tracking.domain.case import Case
from tracking.domain.deadlines import DeadlinePolicy
from tracking.domain.status import Status, Step
from tracking.domain.values import Cause, Envelope, Standing
from tracking.domain.values import Report as Received

AT = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
TEXT = "Air PDAM tidak mengalir sejak tiga hari di Jl. Kuin Utara dekat masjid"
CONTENT = {"title": "Air mati", "text": TEXT, "kind": "pengaduan", "channel": "web",
           "location": {"kelurahan": "Kuin Utara"}, "anonim": False, "rahasia": False}  # fmt: skip
CANDIDATES = [{"code": "PDAM", "score": 0.6}, {"code": "DLH", "score": 0.3}]
POLICY = DeadlinePolicy(IndonesianHolidays(collective_leave=True), WITA, 3, 5, 14, 1)
RECEIVED = Received("LPR-7K3QX9MD", "web", "pengaduan", "rref-1", TEXT, AT, title="Air mati")
SUBMISSION = Submission("web", "m-1", "pengaduan", "Air mati", TEXT, AT, {"kelurahan": "Kuin"})
MESSAGE: dict[str, Any] = {
    "report_id": uuid4(), "tracking_id": "LPR-7K3QX9MD", "case_event_type": "CaseOpened",
    "channel": "sms", "reporter_ref": "rref-1", "template": "reporter_opened", "subject": "",
    "text": TEXT, "queued_at": AT,
}  # fmt: skip
HANDLES, OUTCOME = Handles("LPR-7K3QX9MD", "rref-1"), Outcome(Verdict(ACCEPTED))
ID = uuid4()
Make = Callable[[UUID], Any]
IDS: dict[str, Any] = {"report_id": UUID(int=7), "tracking_id": "LPR-7K3QX9MD", "content": CONTENT}


@contextmanager
def generic_created() -> Iterator[None]:
    """The case's opening and the notification's `Queued` (and `Sent`) rebuilt by
    eventsourcing's own created-event `mutate`, as before (the other created events are)."""
    found = {cls: cls.__dict__.get("mutate") for cls in (Case.Opened, Notification.Queued)}
    for cls in found:
        cls.mutate = CanInitAggregate.mutate  # type: ignore[assignment]
    try:
        yield
    finally:
        for cls, mutate in found.items():
            if mutate is None:  # inherited from the class as declared (before eventsourcing's)
                del cls.mutate
            else:
                cls.mutate = mutate  # type: ignore[method-assign]


def case_as_before(made_id: UUID) -> Case:
    verify = POLICY.deadline(Step.VERIFY, AT)
    return Case._create(
        Case.Opened, id=made_id, source="evt-1", at=AT,
        envelope=Envelope("LPR-7K3QX9MD", "web", "pengaduan", "rref-1", False, False),
        standing=Standing(Status.BELUM_TERVERIFIKASI.value, due_at=verify.due_at),
        actor=None, deadline=verify, title="Air mati", text=TEXT, location={},
        received_at=AT, attachments=(), category=None,
    )  # fmt: skip


PAIRS: dict[str, tuple[Make, Make]] = {  # each (as before, as now), given the id
    "intake Report.record": (
        lambda i: Report(
            id=i,
            submission=SUBMISSION.as_dict(),
            sealed_identity="s",
            tracking_id="LPR-7K3QX9MD",
            reporter_ref="rref-1",
            status=ACCEPTED,
            reason=None,
            duplicate_of=None,
            possible_duplicate_of=None,
            recorded_by=None,
        ),
        lambda i: Report.record(i, SUBMISSION, "s", HANDLES, OUTCOME),
    ),
    "routing Disposition.routed": (
        lambda i: Disposition._create(
            Disposition.Routed,
            id=i,
            **IDS,
            skpd_code="PDAM",
            skpd_name="PDAM",
            method="model",
            confidence=0.6,
            reason="model",
            candidates=list(CANDIDATES),
            at=AT,
            also=["DLH"],
        ),
        lambda i: Disposition.routed(
            i,
            **IDS,
            code="PDAM",
            name="PDAM",
            method="model",
            reason="model",
            at=AT,
            confidence=0.6,
            candidates=CANDIDATES,
            also=["DLH"],
        ),
    ),
    "routing Disposition.triaged": (
        lambda i: Disposition._create(
            Disposition.Triaged,
            id=i,
            **IDS,
            title="Air mati",
            excerpt=excerpt(TEXT),
            reason="ragu",
            candidates=list(CANDIDATES),
            at=AT,
        ),
        lambda i: Disposition.triaged(i, **IDS, reason="ragu", candidates=CANDIDATES, at=AT),
    ),
    "tracking Case.open": (
        case_as_before,
        lambda i: Case.open(i, Cause("evt-1", AT), RECEIVED, POLICY),
    ),
    "notification Notification.queue": (
        lambda i: Notification(id=i, **MESSAGE),
        lambda i: Notification.queue(id=i, **MESSAGE),
    ),
    "notification Notification.send": (
        lambda i: Notification._create(Notification.Sent, id=i, sent_at=AT, **MESSAGE),
        lambda i: Notification.send(id=i, sent_at=AT, **MESSAGE),
    ),
}


def rebuilds() -> dict[str, tuple[Callable[[], Any], Callable[[], Any]]]:
    """Loading an aggregate: the stock projection against `project` (and the case's opening)."""
    case = Case.open(ID, Cause("e", AT), RECEIVED, POLICY)
    case.dispose(Cause("f", AT), "PDAM", "PDAM Bandarmasih", POLICY)
    events = case.collect_events()
    sent = Notification.send(id=ID, sent_at=AT, **MESSAGE).collect_events()

    return {
        "tracking load case (opened, disposed)": (
            lambda: project_aggregate(None, events),
            lambda: project(None, events),
        ),
        "notification load sent message": (
            lambda: project_aggregate(None, sent),
            lambda: project(None, sent),
        ),
    }


def best_us(call: Callable[[], Any], repeat: int) -> float:
    for _ in range(min(repeat, 1000)):
        call()
    runs = []
    for _ in range(5):
        began = time.process_time()
        for _ in range(repeat):
            call()
        runs.append(time.process_time() - began)
    return round(1e6 * min(runs) / repeat, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20000)
    args = parser.parse_args()
    found = {}
    made: dict[str, tuple[Callable[[], Any], Callable[[], Any]]] = {
        name: (partial(old, ID), partial(new, ID)) for name, (old, new) in PAIRS.items()
    }
    for name, (before, now) in {**made, **rebuilds()}.items():
        with generic_created():
            was = best_us(before, args.repeat)
        is_ = best_us(now, args.repeat)
        found[name] = {"generic_us": was, "direct_us": is_, "saved_us": round(was - is_, 2)}
    print(json.dumps(found, indent=1))


if __name__ == "__main__":
    main()
