"""The case: one report's ordered life, from receipt to closing (id = the report id).

Every event changes typed attributes in its `@event` method. Each event also carries who to
tell and where the case stands after it (`Case.Event`'s fields, filled in by `trigger_event`),
so the relay publishes it without loading the case. Keep this module path: stored events name
it. Events stored before version 2 carried a `standing` dict; `legacy.upcast_v1_v2` reads them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from tracking.domain.deadlines import Deadline, DeadlinePolicy
from tracking.domain.errors import (
    CaseAlreadyResolved,
    CaseIsClosed,
    NotDisposedToBody,
    NothingToRate,
    NotPrimaryBody,
    UnknownResolutionClass,
)
from tracking.domain.legacy import upcast_v1_v2
from tracking.domain.status import AGENCY_STEPS, DISPOSED, Status, Step
from tracking.domain.values import Cause, Report

ENVELOPE = ("tracking_id", "channel", "kind", "reporter_ref", "anonim", "rahasia")
POSITION = ("status", "skpd_code", "skpd_name", "due_at")
NO_DEADLINE: dict[str, Any] = {"step": None, "due_at": None, "warn_at": None}


def _deadline(deadline: Deadline | None) -> dict[str, Any]:
    if deadline is None:
        return dict(NO_DEADLINE)
    return {"step": deadline.step, "due_at": deadline.due_at, "warn_at": deadline.warn_at}


class Case(Aggregate):
    """One report's life: bucket, bodies, deadlines, and the messages already applied."""

    class Event(Aggregate.Event):
        """Who to tell, and where the case stands after the event."""

        class_version = 2
        upcast_v1_v2 = staticmethod(upcast_v1_v2)

        tracking_id: str
        channel: str
        kind: str
        reporter_ref: str
        anonim: bool
        rahasia: bool
        status: str
        skpd_code: str | None
        skpd_name: str | None
        due_at: datetime | None

    @event("Opened")
    def __init__(
        self,
        id: UUID,  # eventsourcing takes the aggregate id from this parameter
        source: str,
        at: datetime,
        tracking_id: str,
        channel: str,
        kind: str,
        reporter_ref: str,
        anonim: bool,
        rahasia: bool,
        status: str,
        skpd_code: str | None,
        skpd_name: str | None,
        due_at: datetime | None,
        step: str | None,
        warn_at: datetime | None,
        title: str,
        text: str,
        location: dict[str, Any],
        received_at: datetime,
        attachments: tuple[str, ...] = (),
        category: str | None = None,
    ) -> None:
        self.handled: list[str] = [source]
        self.tracking_id, self.channel, self.kind = tracking_id, channel, kind
        self.reporter_ref, self.anonim, self.rahasia = reporter_ref, anonim, rahasia
        self.title, self.text, self.location = title, text, location
        self.attachments, self.category = tuple(attachments), category
        self.received_at = received_at
        self._stand(status, skpd_code, skpd_name)
        self.also: tuple[str, ...] = ()
        self.due_at: datetime | None = None
        self.step: str | None = None
        self.warn_at: datetime | None = None
        self.warned = self.missed = self.escalated = False
        self.escalate_at: datetime | None = None
        self._set_deadline(step, due_at, warn_at)
        self.reply_due_at: datetime | None = None
        self.reply_warn_at: datetime | None = None
        self.reply_warned = False
        self.resolution_days: int | None = None
        self.disposed_at: datetime | None = None
        self.first_follow_up_at: datetime | None = None
        self.resolved_at: datetime | None = None
        self.closed_at: datetime | None = None
        self.rating: int | None = None

    @classmethod
    def open(cls, report_id: UUID, cause: Cause, report: Report, deadlines: DeadlinePolicy) -> Case:
        """Open the case of a received report; verification is due in working days."""
        return cls(
            id=report_id,
            source=cause.event_id,
            at=cause.at,
            tracking_id=report.tracking_id,
            channel=report.channel,
            kind=report.kind,
            reporter_ref=report.reporter_ref,
            anonim=report.anonim,
            rahasia=report.rahasia,
            status=Status.BELUM_TERVERIFIKASI.value,
            skpd_code=None,
            skpd_name=None,
            title=report.title,
            text=report.text,
            location=dict(report.location),
            received_at=report.received_at,
            attachments=tuple(report.attachments),
            category=report.category,
            **_deadline(deadlines.deadline(Step.VERIFY, report.received_at)),
        )

    def trigger_event(self, event_class: Any, **kwargs: Any) -> None:
        """Every event states who to tell and where the case stands (unless it moves it)."""
        facts = {name: getattr(self, name) for name in (*ENVELOPE, *POSITION)}
        facts["status"] = self._status
        super().trigger_event(event_class, **{**facts, **kwargs})

    # -- reading --------------------------------------------------------------------------

    @property
    def status(self) -> Status:
        return Status(self._status)

    @property
    def awaits_body(self) -> bool:
        """Nobody holds the case: it waits for a (re-)disposition."""
        return self.status is Status.BELUM_TERVERIFIKASI and self.skpd_code is None

    @property
    def closed(self) -> bool:
        return self.closed_at is not None

    @property
    def answered(self) -> bool:
        """A body has posted a follow-up or resolved the case."""
        return self.first_follow_up_at is not None or self.resolved_at is not None

    def has_handled(self, event_id: str) -> bool:
        """Whether a message was already applied (a re-send at a new offset changes nothing)."""
        return event_id in self.handled

    # -- guards ---------------------------------------------------------------------------

    def check_acting_body(self, body: str, *, primary: bool = True) -> None:
        """Only a body the case is disposed to may act; only the primary resolves or returns."""
        holds = body == self.skpd_code or body in self.also
        if self.status not in DISPOSED or not holds:
            raise NotDisposedToBody(self.tracking_id, body, self.skpd_code)
        if primary and body != self.skpd_code:
            raise NotPrimaryBody(self.tracking_id, body, self.skpd_code)
        self.check_open()
        if self.status is Status.SELESAI:
            raise CaseAlreadyResolved(self.tracking_id)

    def check_open(self) -> None:
        """A closed case takes no more moves."""
        if self.closed:
            raise CaseIsClosed(self.tracking_id)

    def check_rateable(self) -> None:
        """A rating needs an answer to rate."""
        if not self.answered:
            raise NothingToRate(self.tracking_id)

    # -- intake's outcomes ----------------------------------------------------------------

    def accept(self, cause: Cause) -> None:
        """Screening passed; a held case goes back to waiting for disposition."""
        resumed = self.status is Status.TERTUNDA
        status = Status.BELUM_TERVERIFIKASI if resumed else self.status
        self._accepted(cause.event_id, cause.at, resumed, status.value)

    def hold(self, cause: Cause, reason: str) -> None:
        """Put the case on hold (Tertunda); the verification deadline still runs."""
        self._held(cause.event_id, cause.at, reason, Status.TERTUNDA.value)

    def archive(self, cause: Cause, reason: str) -> None:
        """Archive the case (Arsip): no deadline any more."""
        self._archived(cause.event_id, cause.at, reason, Status.ARSIP.value, **NO_DEADLINE)

    def link_as_duplicate(self, cause: Cause, duplicate_of_tracking_id: str) -> None:
        """The report repeats an open one and follows its fate: archived here."""
        self._linked_as_duplicate(
            cause.event_id, cause.at, duplicate_of_tracking_id, Status.ARSIP.value, **NO_DEADLINE
        )

    # -- routing's decisions --------------------------------------------------------------

    def await_triage(self, cause: Cause, reason: str, deadlines: DeadlinePolicy) -> None:
        """An admin must choose the body; the verification deadline keeps running."""
        deadline: dict[str, Any]
        if self.due_at is not None:
            deadline = {"step": self.step, "due_at": self.due_at, "warn_at": self.warn_at}
        else:
            deadline = _deadline(deadlines.deadline(Step.VERIFY, cause.at))
        self._awaiting_triage(
            cause.event_id, cause.at, reason, Status.BELUM_TERVERIFIKASI.value, None, None,
            **deadline,
        )  # fmt: skip

    def dispose(
        self,
        cause: Cause,
        skpd_code: str,
        skpd_name: str,
        deadlines: DeadlinePolicy,
        previous_skpd_code: str | None = None,
        also: tuple[str, ...] = (),
    ) -> None:
        """Dispose (or re-dispose) the case to a body; its first follow-up is due."""
        self.check_open()
        deadline = _deadline(deadlines.deadline(Step.FIRST_FOLLOW_UP, cause.at))
        shared = tuple(code for code in also if code != skpd_code)
        self._disposed(
            cause.event_id, cause.at, previous_skpd_code, Status.BELUM_DITINDAKLANJUTI.value,
            skpd_code, skpd_name, shared, **deadline,
        )  # fmt: skip

    def escalate(
        self,
        cause: Cause,
        reason: str,
        deadlines: DeadlinePolicy,
        target: tuple[str, str] | None = None,
    ) -> None:
        """Routing pushed the case up; with a target body, the case goes there."""
        if target is None or self.closed:
            self._escalated(cause.event_id, cause.at, reason, **self._here())
            return
        deadline = _deadline(deadlines.deadline(Step.FIRST_FOLLOW_UP, cause.at))
        self._escalated(
            cause.event_id, cause.at, reason, None, self.skpd_code,
            Status.BELUM_DITINDAKLANJUTI.value, *target, (), True, **deadline,
        )  # fmt: skip

    # -- the bodies' actions --------------------------------------------------------------

    def acknowledge(self, cause: Cause, body: str, actor: str = "") -> None:
        """A body started work (only the first acknowledgement changes anything)."""
        self.check_acting_body(body, primary=False)
        if self.status is Status.BELUM_DITINDAKLANJUTI:
            self._acknowledged(cause.event_id, cause.at, Status.SEDANG_DIPROSES.value, body, actor)

    def post_follow_up(
        self, cause: Cause, body: str, text: str, deadlines: DeadlinePolicy, actor: str = ""
    ) -> None:
        """A body answered: the reporter may reply; after the first answer, resolution is due."""
        self.check_acting_body(body, primary=False)
        deadline: dict[str, Any] = {
            "step": self.step,
            "due_at": self.due_at,
            "warn_at": self.warn_at,
        }
        if self.step == Step.FIRST_FOLLOW_UP.value:
            deadline = _deadline(self._resolution_deadline(deadlines, cause.at))
        reply = deadlines.deadline(Step.REPLY, cause.at)
        self._follow_up_posted(
            cause.event_id, cause.at, text, Status.SEDANG_DIPROSES.value, body, actor,
            reply.due_at, reply.warn_at, **deadline,
        )  # fmt: skip

    def resolve(
        self, cause: Cause, body: str, text: str, deadlines: DeadlinePolicy, actor: str = ""
    ) -> None:
        """The primary body resolved the case (Selesai); the reporter may still reply."""
        self.check_acting_body(body)
        on_time = cause.at <= self._resolution_deadline(deadlines, cause.at).due_at
        reply = deadlines.deadline(Step.REPLY, cause.at)
        self._resolved(
            cause.event_id, cause.at, text, Status.SELESAI.value, body, actor, on_time,
            reply.due_at, reply.warn_at, **NO_DEADLINE,
        )  # fmt: skip

    def return_to_routing(
        self,
        cause: Cause,
        body: str,
        reason: str,
        deadlines: DeadlinePolicy,
        suggested_code: str | None = None,
        actor: str = "",
    ) -> None:
        """The primary body says "bukan wewenang": the case waits for a new body."""
        self.check_acting_body(body)
        deadline = _deadline(deadlines.deadline(Step.VERIFY, cause.at))
        self._returned(
            cause.event_id, cause.at, body, reason, suggested_code, actor,
            Status.BELUM_TERVERIFIKASI.value, None, None, **deadline,
        )  # fmt: skip

    def classify(
        self, cause: Cause, body: str, days: int, deadlines: DeadlinePolicy, actor: str = ""
    ) -> None:
        """The primary body (or the admin for it) sets the resolution class, in working days."""
        self.check_acting_body(body)
        if days not in deadlines.resolution_classes:
            raise UnknownResolutionClass(days, deadlines.resolution_classes)
        deadline: dict[str, Any] = {
            "step": self.step,
            "due_at": self.due_at,
            "warn_at": self.warn_at,
        }
        if self.step == Step.RESOLVE.value and self.disposed_at is not None:
            deadline = _deadline(deadlines.deadline(Step.RESOLVE, self.disposed_at, days))
        self._classified(cause.event_id, cause.at, days, actor or body, **deadline)

    # -- the reporter ---------------------------------------------------------------------

    def reply(self, cause: Cause, text: str, deadlines: DeadlinePolicy) -> None:
        """The reporter answered (tanggapan): the dialogue reopens, a resolved case too."""
        self.check_open()
        self._reporter_replied(cause.event_id, cause.at, text)
        if self.status is Status.SELESAI:
            deadline = _deadline(deadlines.deadline(Step.RESOLVE, cause.at))
            self._reopened(cause.at, "tanggapan pelapor", Status.SEDANG_DIPROSES.value, **deadline)

    def rate(self, cause: Cause, rating: int, comment: str = "") -> None:
        """The reporter rated the answer; rating a resolved case accepts it and closes it."""
        self.check_rateable()
        self._rated(cause.event_id, cause.at, rating, comment)
        if self.status is Status.SELESAI and not self.closed:
            self._closed(None, cause.at, "dinilai pelapor")

    def request_status(self, cause: Cause) -> None:
        """The reporter asked where the case stands (notification answers)."""
        self._status_requested(cause.event_id, cause.at)

    # -- the clock ------------------------------------------------------------------------

    def review_deadlines(self, now: datetime, deadlines: DeadlinePolicy) -> None:
        """Record once per deadline that it is near, that it passed, and its consequence."""
        self._review_agency(now, deadlines)
        self._review_reply(now)

    def _review_agency(self, now: datetime, deadlines: DeadlinePolicy) -> None:
        if self.due_at is None or self.step is None or self.closed:
            return
        if not self.missed and now >= self.due_at:
            self._deadline_missed(now, self.step, self.due_at, deadlines.escalation_at(self.due_at))
        elif not self.warned and self.warn_at is not None and now >= self.warn_at:
            self._deadline_approaching(now, self.step, self.due_at)
        escalation = self.escalate_at or deadlines.escalation_at(self.due_at)
        if self.missed and not self.escalated and now >= escalation and self.step in AGENCY_STEPS:
            reason = f"batas waktu {self.step} terlewati"
            self._escalated(None, now, reason, self.step, **self._here())

    def _review_reply(self, now: datetime) -> None:
        if self.reply_due_at is None or self.closed:
            return
        if now >= self.reply_due_at:
            self._deadline_missed(now, Step.REPLY.value, self.reply_due_at)
            self._closed(None, now, "tidak ada tanggapan pelapor", Status.SELESAI.value)
        elif not self.reply_warned and self.reply_warn_at and now >= self.reply_warn_at:
            self._deadline_approaching(now, Step.REPLY.value, self.reply_due_at)

    def _here(self) -> dict[str, Any]:
        """Where the case stands, for an event that leaves it there."""
        return {
            "status": self._status,
            "skpd_code": self.skpd_code,
            "skpd_name": self.skpd_name,
            "step": self.step,
            "due_at": self.due_at,
            "warn_at": self.warn_at,
        }

    def _resolution_deadline(self, deadlines: DeadlinePolicy, fallback: datetime) -> Deadline:
        start = self.disposed_at or fallback
        return deadlines.deadline(Step.RESOLVE, start, self.resolution_days)

    # -- state changes --------------------------------------------------------------------

    def _stand(self, status: str, skpd_code: str | None, skpd_name: str | None) -> None:
        self._status, self.skpd_code, self.skpd_name = status, skpd_code, skpd_name

    def _handle(self, source: str | None) -> None:
        if source is not None:
            self.handled.append(source)

    def _set_deadline(
        self, step: str | None, due_at: datetime | None, warn_at: datetime | None
    ) -> None:
        """A new deadline (another step or time) is neither warned, missed nor escalated."""
        if (step, due_at) != (self.step, self.due_at):
            self.warned = self.missed = self.escalated = False
            self.escalate_at = None
        self.step, self.due_at, self.warn_at = step, due_at, warn_at

    def _shelve(
        self,
        source: str,
        status: str,
        step: str | None,
        due: datetime | None,
        warn: datetime | None,
    ) -> None:
        """Archived: no deadline, no reply window."""
        self._handle(source)
        self._status = status
        self._set_deadline(step, due, warn)
        self._open_reply_window(None, None)

    def _unassign(
        self,
        source: str,
        status: str,
        step: str | None,
        due: datetime | None,
        warn: datetime | None,
    ) -> None:
        """Nobody holds the case: it waits for a body, verification due again."""
        self._handle(source)
        self._stand(status, None, None)
        self.also = ()
        self._set_deadline(step, due, warn)
        self._open_reply_window(None, None)

    def _open_reply_window(self, due_at: datetime | None, warn_at: datetime | None) -> None:
        self.reply_due_at, self.reply_warn_at, self.reply_warned = due_at, warn_at, False

    # -- events ---------------------------------------------------------------------------

    @event("Accepted")
    def _accepted(self, source: str, at: datetime, resumed: bool, status: str) -> None:
        self._handle(source)
        self._status = status

    @event("Held")
    def _held(self, source: str, at: datetime, reason: str, status: str) -> None:
        self._handle(source)
        self._status = status

    @event("Archived")
    def _archived(
        self,
        source: str,
        at: datetime,
        reason: str,
        status: str,
        step: str | None,
        due_at: datetime | None,
        warn_at: datetime | None,
    ) -> None:
        self._shelve(source, status, step, due_at, warn_at)

    @event("LinkedAsDuplicate")
    def _linked_as_duplicate(
        self,
        source: str,
        at: datetime,
        duplicate_of_tracking_id: str,
        status: str,
        step: str | None,
        due_at: datetime | None,
        warn_at: datetime | None,
    ) -> None:
        self._shelve(source, status, step, due_at, warn_at)

    @event("AwaitingTriage")
    def _awaiting_triage(
        self,
        source: str,
        at: datetime,
        reason: str,
        status: str,
        skpd_code: str | None,
        skpd_name: str | None,
        step: str | None,
        due_at: datetime | None,
        warn_at: datetime | None,
    ) -> None:
        self._unassign(source, status, step, due_at, warn_at)

    @event("Disposed")
    def _disposed(
        self,
        source: str,
        at: datetime,
        previous_skpd_code: str | None,
        status: str,
        skpd_code: str | None,
        skpd_name: str | None,
        also: tuple[str, ...] = (),
        step: str | None = None,
        due_at: datetime | None = None,
        warn_at: datetime | None = None,
    ) -> None:
        self._handle(source)
        self._stand(status, skpd_code, skpd_name)
        self.also = tuple(also)
        self._set_deadline(step, due_at, warn_at)
        self.disposed_at = at

    @event("Escalated")
    def _escalated(
        self,
        source: str | None,
        at: datetime,
        reason: str,
        overdue_step: str | None = None,
        previous_skpd_code: str | None = None,
        status: str | None = None,
        skpd_code: str | None = None,
        skpd_name: str | None = None,
        also: tuple[str, ...] = (),
        moved: bool = False,
        step: str | None = None,
        due_at: datetime | None = None,
        warn_at: datetime | None = None,
    ) -> None:
        self._handle(source)
        if overdue_step is not None:
            self.escalated = True
        if moved and status is not None:
            self._stand(status, skpd_code, skpd_name)
            self.also = tuple(also)
            self._set_deadline(step, due_at, warn_at)
            self.disposed_at = at

    @event("Acknowledged")
    def _acknowledged(
        self, source: str, at: datetime, status: str, body: str = "", actor: str = ""
    ) -> None:
        self._handle(source)
        self._status = status

    @event("FollowUpPosted")
    def _follow_up_posted(
        self,
        source: str,
        at: datetime,
        text: str,
        status: str,
        body: str = "",
        actor: str = "",
        reply_due_at: datetime | None = None,
        reply_warn_at: datetime | None = None,
        step: str | None = None,
        due_at: datetime | None = None,
        warn_at: datetime | None = None,
    ) -> None:
        self._handle(source)
        self._status = status
        self._set_deadline(step, due_at, warn_at)
        self._open_reply_window(reply_due_at, reply_warn_at)
        self.first_follow_up_at = self.first_follow_up_at or at

    @event("Resolved")
    def _resolved(
        self,
        source: str,
        at: datetime,
        text: str,
        status: str,
        body: str = "",
        actor: str = "",
        on_time: bool | None = None,
        reply_due_at: datetime | None = None,
        reply_warn_at: datetime | None = None,
        step: str | None = None,
        due_at: datetime | None = None,
        warn_at: datetime | None = None,
    ) -> None:
        self._handle(source)
        self._status = status
        self._set_deadline(step, due_at, warn_at)
        self._open_reply_window(reply_due_at, reply_warn_at)
        self.resolved_at = at

    @event("Returned")
    def _returned(
        self,
        source: str,
        at: datetime,
        rejected_by: str,
        reason: str,
        suggested_code: str | None,
        actor: str = "",
        status: str = Status.BELUM_TERVERIFIKASI.value,
        skpd_code: str | None = None,
        skpd_name: str | None = None,
        step: str | None = None,
        due_at: datetime | None = None,
        warn_at: datetime | None = None,
    ) -> None:
        self._unassign(source, status, step, due_at, warn_at)

    @event("Classified")
    def _classified(
        self,
        source: str,
        at: datetime,
        resolution_days: int,
        classified_by: str,
        step: str | None,
        due_at: datetime | None,
        warn_at: datetime | None,
    ) -> None:
        self._handle(source)
        self.resolution_days = resolution_days
        self._set_deadline(step, due_at, warn_at)

    @event("ReporterReplied")
    def _reporter_replied(self, source: str, at: datetime, text: str) -> None:
        self._handle(source)
        self._open_reply_window(None, None)

    @event("Reopened")
    def _reopened(
        self,
        at: datetime,
        reason: str,
        status: str,
        step: str | None,
        due_at: datetime | None,
        warn_at: datetime | None,
    ) -> None:
        self._status = status
        self._set_deadline(step, due_at, warn_at)
        self.resolved_at = None

    @event("Rated")
    def _rated(self, source: str, at: datetime, rating: int, comment: str) -> None:
        self._handle(source)
        self.rating = rating

    @event("StatusRequested")
    def _status_requested(self, source: str, at: datetime) -> None:
        self._handle(source)

    @event("Closed")
    def _closed(
        self, source: str | None, at: datetime, reason: str, status: str = Status.SELESAI.value
    ) -> None:
        self._handle(source)
        self._status = status
        self._set_deadline(None, None, None)
        self._open_reply_window(None, None)
        self.closed_at = at

    @event("DeadlineApproaching")
    def _deadline_approaching(self, at: datetime, step: str, deadline: datetime) -> None:
        if step == Step.REPLY.value:
            self.reply_warned = True
        elif step == self.step:
            self.warned = True

    @event("DeadlineMissed")
    def _deadline_missed(
        self, at: datetime, step: str, deadline: datetime, escalate_at: datetime | None = None
    ) -> None:
        if step == self.step:
            self.warned = self.missed = True
            self.escalate_at = escalate_at
