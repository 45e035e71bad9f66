"""The case: one report's ordered life, from receipt to resolution (id = the report id).

Every event carries the case's standing after it (see `standing`), so the relay and the
projector read each event on its own. Keep this module path: stored events name it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from tracking.domain import standing as st
from tracking.domain.deadlines import DeadlinePolicy
from tracking.domain.errors import CaseAlreadyResolved, NotDisposedToBody
from tracking.domain.status import DISPOSED, Status, Step
from tracking.domain.values import Cause, Report


class Case(Aggregate):
    """One report's life: status bucket, body, deadline, and the messages already applied."""

    @event("Opened")
    def __init__(
        self,
        id: UUID,  # eventsourcing takes the aggregate id from this parameter
        source: str,
        at: datetime,
        title: str,
        text: str,
        location: dict[str, Any],
        received_at: datetime,
        standing: st.Standing,
    ) -> None:
        self.handled: list[str] = [source]
        self.standing: st.Standing = dict(standing)
        self.title, self.text, self.location = title, text, location
        self.received_at = received_at
        self.disposed_at: datetime | None = None
        self.resolved_at: datetime | None = None

    @classmethod
    def open(cls, report_id: UUID, cause: Cause, report: Report, deadlines: DeadlinePolicy) -> Case:
        """Open the case of a received report; verification is due in working days."""
        deadline = deadlines.deadline(Step.VERIFY, report.received_at)
        return cls(
            id=report_id,
            source=cause.event_id,
            at=cause.at,
            title=report.title,
            text=report.text,
            location=dict(report.location),
            received_at=report.received_at,
            standing=st.opening(report, deadline),
        )

    # -- reading --------------------------------------------------------------------------

    @property
    def tracking_id(self) -> str:
        return str(self.standing["tracking_id"])

    @property
    def status(self) -> Status:
        return Status(self.standing["status"])

    @property
    def skpd_code(self) -> str | None:
        code = self.standing["skpd_code"]
        return str(code) if code is not None else None

    @property
    def due_at(self) -> datetime | None:
        due: datetime | None = self.standing["due_at"]
        return due

    @property
    def awaits_body(self) -> bool:
        """Nobody holds the case: it waits for a (re-)disposition."""
        return self.status is Status.BELUM_TERVERIFIKASI and self.skpd_code is None

    def has_handled(self, event_id: str) -> bool:
        """Whether a message was already applied (a re-send at a new offset changes nothing)."""
        return event_id in self.handled

    # -- intake's outcomes ----------------------------------------------------------------

    def accept(self, cause: Cause) -> None:
        """Screening passed; a held case goes back to waiting for disposition."""
        resumed = self.status is Status.TERTUNDA
        after = self._next(status=Status.BELUM_TERVERIFIKASI) if resumed else self.standing
        self._accepted(cause.event_id, cause.at, resumed, after)

    def hold(self, cause: Cause, reason: str) -> None:
        """Put the case on hold (Tertunda); the verification deadline still runs."""
        self._held(cause.event_id, cause.at, reason, self._next(status=Status.TERTUNDA))

    def archive(self, cause: Cause, reason: str) -> None:
        """Archive the case (Arsip): no deadline any more."""
        after = self._next(status=Status.ARSIP, **st.NO_DEADLINE)
        self._archived(cause.event_id, cause.at, reason, after)

    def link_as_duplicate(self, cause: Cause, duplicate_of_tracking_id: str) -> None:
        """The report repeats an open one and follows its fate: archived here."""
        after = self._next(status=Status.ARSIP, **st.NO_DEADLINE)
        self._linked_as_duplicate(cause.event_id, cause.at, duplicate_of_tracking_id, after)

    # -- routing's decisions --------------------------------------------------------------

    def await_triage(self, cause: Cause, reason: str, deadlines: DeadlinePolicy) -> None:
        """An admin must choose the body; the verification deadline keeps running."""
        deadline = (
            {} if self.due_at else st.deadline_fields(deadlines.deadline(Step.VERIFY, cause.at))
        )
        after = self._next(status=Status.BELUM_TERVERIFIKASI, skpd_code=None, skpd_name=None)
        self._awaiting_triage(cause.event_id, cause.at, reason, {**after, **deadline})

    def dispose(
        self,
        cause: Cause,
        skpd_code: str,
        skpd_name: str,
        deadlines: DeadlinePolicy,
        previous_skpd_code: str | None = None,
    ) -> None:
        """Dispose (or re-dispose) the case to a body; its first follow-up is due."""
        deadline = deadlines.deadline(Step.FIRST_FOLLOW_UP, cause.at)
        after = self._next(
            status=Status.BELUM_DITINDAKLANJUTI,
            skpd_code=skpd_code,
            skpd_name=skpd_name,
            **st.deadline_fields(deadline),
        )
        self._disposed(cause.event_id, cause.at, previous_skpd_code, after)

    def escalate(self, cause: Cause, reason: str) -> None:
        """The case was pushed up; where it stands does not change."""
        self._escalated(cause.event_id, cause.at, reason, self.standing)

    # -- the body's actions ---------------------------------------------------------------

    def acknowledge(self, cause: Cause, body: str) -> None:
        """The body started work (only the first acknowledgement changes anything)."""
        self.check_acting_body(body)
        if self.status is Status.BELUM_DITINDAKLANJUTI:
            after = self._next(status=Status.SEDANG_DIPROSES)
            self._acknowledged(cause.event_id, cause.at, after)

    def post_follow_up(self, cause: Cause, body: str, text: str, deadlines: DeadlinePolicy) -> None:
        """The body answered; after the first answer, resolution is due."""
        self.check_acting_body(body)
        after = self._next(status=Status.SEDANG_DIPROSES)
        if self.standing["step"] == Step.FIRST_FOLLOW_UP.value:
            start = self.disposed_at or cause.at
            after.update(st.deadline_fields(deadlines.deadline(Step.RESOLVE, start)))
        self._follow_up_posted(cause.event_id, cause.at, text, after)

    def resolve(self, cause: Cause, body: str, text: str) -> None:
        """The body resolved the case (Selesai)."""
        self.check_acting_body(body)
        after = self._next(status=Status.SELESAI, **st.NO_DEADLINE)
        self._resolved(cause.event_id, cause.at, text, after)

    def return_to_routing(
        self,
        cause: Cause,
        body: str,
        reason: str,
        deadlines: DeadlinePolicy,
        suggested_code: str | None = None,
    ) -> None:
        """The body says "bukan wewenang": the case waits for a new body."""
        self.check_acting_body(body)
        deadline = deadlines.deadline(Step.VERIFY, cause.at)
        after = self._next(
            status=Status.BELUM_TERVERIFIKASI,
            skpd_code=None,
            skpd_name=None,
            **st.deadline_fields(deadline),
        )
        self._returned(cause.event_id, cause.at, body, reason, suggested_code, after)

    def check_acting_body(self, body: str) -> None:
        """Only the body the case is disposed to may act, and not after resolving it."""
        if self.skpd_code != body or self.status not in DISPOSED:
            raise NotDisposedToBody(self.tracking_id, body, self.skpd_code)
        if self.status is Status.SELESAI:
            raise CaseAlreadyResolved(self.tracking_id)

    # -- the clock ------------------------------------------------------------------------

    def review_deadline(self, now: datetime) -> None:
        """Record once per deadline that it is near, or that it has passed."""
        due, warn = self.standing["due_at"], self.standing["warn_at"]
        if due is None or self.standing["missed"]:
            return
        step = str(self.standing["step"])
        if now >= due:
            self._deadline_missed(now, step, due, self._next(warned=True, missed=True))
        elif now >= warn and not self.standing["warned"]:
            self._deadline_approaching(now, step, due, self._next(warned=True))

    # -- events ---------------------------------------------------------------------------

    def _next(self, **changes: Any) -> st.Standing:
        return {**self.standing, **changes}

    def _stand(self, source: str | None, after: st.Standing) -> None:
        if source is not None:
            self.handled.append(source)
        self.standing = dict(after)

    @event("Accepted")
    def _accepted(self, source: str, at: datetime, resumed: bool, standing: st.Standing) -> None:
        self._stand(source, standing)

    @event("Held")
    def _held(self, source: str, at: datetime, reason: str, standing: st.Standing) -> None:
        self._stand(source, standing)

    @event("Archived")
    def _archived(self, source: str, at: datetime, reason: str, standing: st.Standing) -> None:
        self._stand(source, standing)

    @event("LinkedAsDuplicate")
    def _linked_as_duplicate(
        self, source: str, at: datetime, duplicate_of_tracking_id: str, standing: st.Standing
    ) -> None:
        self._stand(source, standing)

    @event("AwaitingTriage")
    def _awaiting_triage(
        self, source: str, at: datetime, reason: str, standing: st.Standing
    ) -> None:
        self._stand(source, standing)

    @event("Disposed")
    def _disposed(
        self, source: str, at: datetime, previous_skpd_code: str | None, standing: st.Standing
    ) -> None:
        self._stand(source, standing)
        self.disposed_at = at

    @event("Escalated")
    def _escalated(self, source: str, at: datetime, reason: str, standing: st.Standing) -> None:
        self._stand(source, standing)

    @event("Acknowledged")
    def _acknowledged(self, source: str, at: datetime, standing: st.Standing) -> None:
        self._stand(source, standing)

    @event("FollowUpPosted")
    def _follow_up_posted(
        self, source: str, at: datetime, text: str, standing: st.Standing
    ) -> None:
        self._stand(source, standing)

    @event("Resolved")
    def _resolved(self, source: str, at: datetime, text: str, standing: st.Standing) -> None:
        self._stand(source, standing)
        self.resolved_at = at

    @event("Returned")
    def _returned(
        self,
        source: str,
        at: datetime,
        rejected_by: str,
        reason: str,
        suggested_code: str | None,
        standing: st.Standing,
    ) -> None:
        self._stand(source, standing)

    @event("DeadlineApproaching")
    def _deadline_approaching(
        self, at: datetime, step: str, deadline: datetime, standing: st.Standing
    ) -> None:
        self._stand(None, standing)

    @event("DeadlineMissed")
    def _deadline_missed(
        self, at: datetime, step: str, deadline: datetime, standing: st.Standing
    ) -> None:
        self._stand(None, standing)
