"""The case: one report's ordered life, from receipt to closing (id = the report id).

Each event is a class declared once, below: its fields, grouped in value objects, and how it
changes the case (`apply`). Every event carries who to tell (`envelope`) and where the case
stands after it (`standing`), so the relay publishes it and the projector writes its rows
without loading the case. Commands trigger events with keywords. Keep this module path and the
class names: stored events name them. Older stored shapes are upcast (`legacy.py`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from tracking.domain import legacy
from tracking.domain.deadlines import Deadline, DeadlinePolicy, restarts
from tracking.domain.errors import (
    CaseAlreadyResolved,
    CaseIsClosed,
    NotDisposedToBody,
    NothingToRate,
    NotPrimaryBody,
    UnknownResolutionClass,
)
from tracking.domain.moderation import (
    FLAGS_TO_HIDE,
    HIDDEN_BY_FLAGS,
    AlreadyHidden,
    NotHidden,
    NotPublic,
)
from tracking.domain.status import AGENCY_STEPS, DISPOSED, Status, Step
from tracking.domain.values import ActedBy, Cause, Envelope, Person, Report, Standing


class Case(Aggregate):
    """One report's life: bucket, bodies, deadlines, and the messages already applied."""

    def __init__(self) -> None:
        """State comes from `Opened.apply` (cases are opened with `Case.open`)."""

    class Event(Aggregate.Event):
        """Every case event: the message it applied, when, who to tell, where the case stands."""

        class_version = 4
        upcast_v1_v2 = staticmethod(legacy.upcast_v1_v2)
        upcast_v3_v4 = staticmethod(legacy.upcast_v3_v4)

        @classmethod
        def upcast_v2_v3(cls, state: dict[str, Any]) -> None:
            legacy.upcast_v2_v3(state, cls.__dataclass_fields__)

        source: str | None  # the message applied once (None: the clock)
        at: datetime
        envelope: Envelope
        standing: Standing
        actor: Person | None  # who decided (None: the clock, the reporter, a machine)

        def apply(self, case: Any) -> None:
            if self.source is not None:
                case.handled.append(self.source)
            case.standing = self.standing

    class SetsDeadline(Event):
        """An event that sets the agency's deadline (None: no deadline runs)."""

        deadline: Deadline | None

        def apply(self, case: Any) -> None:
            super().apply(case)
            case.set_deadline(self.deadline)

    class SetsReplyWindow(Event):
        """An event that opens the reporter's reply window, or shuts it (None)."""

        reply_window: Deadline | None

        def apply(self, case: Any) -> None:
            super().apply(case)
            case.reply_window, case.reply_warned = self.reply_window, False

    class BodyMove(Event):
        """A move of a body the case is disposed to (`actor`: who there made it)."""

        by: ActedBy

    class Unassigns(Event):
        """An event after which no officer holds the case (it left the body or waits for one)."""

        def apply(self, case: Any) -> None:
            super().apply(case)
            case.assignee = None

    # -- intake's outcomes ----------------------------------------------------------------

    class Opened(Aggregate.Created, SetsDeadline):
        """A case exists for a received report (verification is due)."""

        title: str
        text: str
        location: dict[str, Any]
        received_at: datetime
        attachments: tuple[str, ...]
        category: str | None

        def apply(self, case: Any) -> None:
            case.start(self)
            super().apply(case)

        def mutate(self, aggregate: Any) -> Any:
            """The case this opening makes: what eventsourcing's `mutate` of a created event
            does (the class looked up by topic; `__base_init__` and `__init__` given the event's
            fields filtered by their signatures), without those generic steps: a case's
            `__init__` takes nothing, `apply` makes its state."""
            if aggregate is not None or self.originator_topic != TOPIC:
                return super().mutate(aggregate)
            case = Case.__new__(Case)
            case.__base_init__(self.originator_id, self.originator_version, self.timestamp)
            self.apply(case)
            return case

    class Accepted(Event):
        """Screening passed after a hold: the case waits for its disposition again."""

        resumed: bool  # always true since version 3 (a plain acceptance records nothing)

    class Held(Event):
        """Screening held the report (Tertunda); the verification deadline still runs."""

        reason: str

    class Archived(SetsDeadline, SetsReplyWindow):
        """Screening archived the report (Arsip)."""

        reason: str

    class LinkedAsDuplicate(SetsDeadline, SetsReplyWindow):
        """The report repeats an open one and follows its fate: archived here."""

        duplicate_of_tracking_id: str

    # -- routing's decisions --------------------------------------------------------------

    class AwaitingTriage(Unassigns, SetsDeadline, SetsReplyWindow):
        """An admin must choose the body."""

        reason: str

        def apply(self, case: Any) -> None:
            super().apply(case)
            case.also = ()

    class Disposed(Unassigns, SetsDeadline, SetsReplyWindow):
        """The case went to a body (`previous_skpd_code`: a re-disposition); `also` may help."""

        previous_skpd_code: str | None
        also: tuple[str, ...]

        def apply(self, case: Any) -> None:
            super().apply(case)
            case.also, case.disposed_at = tuple(self.also), self.at

    class Escalated(Event):
        """The case was pushed up: by routing (moved to `standing`'s body when `moved`), or by
        the clock after a missed deadline (`overdue_step`)."""

        reason: str
        overdue_step: str | None
        previous_skpd_code: str | None
        moved: bool
        also: tuple[str, ...]
        deadline: Deadline | None  # the body's new deadline when moved (None otherwise)

        def apply(self, case: Any) -> None:
            super().apply(case)
            if self.overdue_step is not None:
                case.escalated = True
            if self.moved:
                case.also, case.disposed_at, case.assignee = tuple(self.also), self.at, None
                case.set_deadline(self.deadline)
                case.reply_window, case.reply_warned = None, False

    # -- the bodies' moves ----------------------------------------------------------------

    class Acknowledged(BodyMove):
        """A body started work."""

    class FollowUpPosted(BodyMove, SetsDeadline, SetsReplyWindow):
        """A body answered (tindak lanjut): the reporter may reply."""

        text: str

        def apply(self, case: Any) -> None:
            super().apply(case)
            case.first_follow_up_at = case.first_follow_up_at or self.at

    class Resolved(BodyMove, SetsDeadline, SetsReplyWindow):
        """The primary body resolved the case (Selesai); the reporter may still reply."""

        text: str
        on_time: bool | None

        def apply(self, case: Any) -> None:
            super().apply(case)
            case.resolved_at = self.at

    class Returned(BodyMove, Unassigns, SetsDeadline, SetsReplyWindow):
        """The primary body said "bukan wewenang": the case waits for a new body."""

        reason: str
        suggested_code: str | None

        def apply(self, case: Any) -> None:
            super().apply(case)
            case.also = ()

    class Classified(BodyMove, SetsDeadline):
        """The resolution class (working days) was set; a running resolution follows it."""

        resolution_days: int

        def apply(self, case: Any) -> None:
            super().apply(case)
            case.resolution_days = self.resolution_days

    class Assigned(BodyMove):
        """The primary body gave the case to a named officer (again: reassigned)."""

        assignee: str
        assignee_email: str | None  # when the token registry knows the officer's address
        previous_assignee: str | None

        def apply(self, case: Any) -> None:
            super().apply(case)
            case.assignee = self.assignee

    # -- the reporter ---------------------------------------------------------------------

    class ReporterReplied(SetsReplyWindow):
        """The reporter answered (tanggapan)."""

        text: str

    class Reopened(SetsDeadline):
        """The reporter's reply reopened a resolved case."""

        reason: str

        def apply(self, case: Any) -> None:
            super().apply(case)
            case.resolved_at = None

    class Rated(Event):
        """The reporter rated the answer."""

        rating: int
        comment: str

        def apply(self, case: Any) -> None:
            super().apply(case)
            case.rating = self.rating

    class StatusRequested(Event):
        """The reporter asked where the case stands."""

    class Closed(SetsReplyWindow):
        """The case closed: no deadline runs. `standing.due_at` keeps the last one, as told."""

        reason: str

        def apply(self, case: Any) -> None:
            super().apply(case)
            case.set_deadline(None)
            case.closed_at = self.at

    # -- the clock ------------------------------------------------------------------------

    class DeadlineApproaching(Event):
        """A deadline (the agency's, or the reply window) is near."""

        step: str
        due_at: datetime

        def apply(self, case: Any) -> None:
            super().apply(case)
            if self.step == Step.REPLY.value:
                case.reply_warned = True
            elif self.step == case.step:
                case.warned = True

    class DeadlineMissed(Event):
        """A deadline passed; an agency's escalates at `escalate_at`."""

        step: str
        due_at: datetime
        escalate_at: datetime | None

        def apply(self, case: Any) -> None:
            super().apply(case)
            if self.step == case.step:
                case.warned = case.missed = True
                case.escalate_at = self.escalate_at

    # -- moderation of the public record ----------------------------------------------------

    class Flagged(Event):
        """Someone flagged the public report (tracking's own: not published on lapor.cases.v1)."""

        flagger: str  # a digest of the flagger's address, never the address itself
        reason: str

        def apply(self, case: Any) -> None:
            super().apply(case)
            case.flaggers = (*case.flaggers, self.flagger)

    class Moderated(Event):
        """An act on the report's public face and why; `actor` None: the public's flags."""

        reason: str

    class Hidden(Moderated):
        """The report left the public surfaces (`flags`: the public flags that hid it, else 0)."""

        flags: int

        def apply(self, case: Any) -> None:
            super().apply(case)
            case.hidden = True

    class Shown(Moderated):
        """The admin reviewed the report and showed it again; the public's flags start over."""

        def apply(self, case: Any) -> None:
            super().apply(case)
            case.hidden, case.flaggers = False, ()

    class Corrected(Moderated):
        """The admin corrected the public title and text (the original stays in the history)."""

        title: str
        text: str

    # -- opening --------------------------------------------------------------------------

    def start(self, opened: Case.Opened) -> None:
        """The state of a case just opened (the opening's own fields, nothing else yet)."""
        self.handled: list[str] = []
        self.envelope = opened.envelope
        self.standing: Standing = opened.standing
        self.title, self.text, self.location = opened.title, opened.text, opened.location
        self.attachments, self.category = tuple(opened.attachments), opened.category
        self.received_at = opened.received_at
        self.also: tuple[str, ...] = ()
        self.deadline: Deadline | None = None
        self.warned = self.missed = self.escalated = False
        self.escalate_at: datetime | None = None
        self.reply_window: Deadline | None = None
        self.reply_warned = False
        self.resolution_days: int | None = None
        self.disposed_at: datetime | None = None
        self.first_follow_up_at: datetime | None = None
        self.resolved_at: datetime | None = None
        self.closed_at: datetime | None = None
        self.rating: int | None = None
        self.assignee: str | None = None

    @classmethod
    def open(
        cls,
        report_id: UUID,
        cause: Cause,
        report: Report,
        deadlines: DeadlinePolicy,
        actor: Person | None = None,
    ) -> Case:
        """Open the case of a received report; verification is due in working days (`actor`:
        the officer who entered a walk-in report for a citizen, else None)."""
        verify = deadlines.deadline(Step.VERIFY, report.received_at)
        envelope = Envelope(
            tracking_id=report.tracking_id, channel=report.channel, kind=report.kind,
            reporter_ref=report.reporter_ref, anonim=report.anonim, rahasia=report.rahasia,
        )  # fmt: skip
        fields: dict[str, Any] = {  # (a mapping: mypy does not see the event's fields)
            "source": cause.event_id,
            "at": cause.at,
            "envelope": envelope,
            "standing": Standing(Status.BELUM_TERVERIFIKASI.value, due_at=verify.due_at),
            "actor": actor,
            "deadline": verify,
            "title": report.title,
            "text": report.text,
            "location": dict(report.location),
            "received_at": report.received_at,
            "attachments": tuple(report.attachments),
            "category": report.category,
        }
        opened = cls.Opened(  # what `cls._create(cls.Opened, ...)` makes, without its steps
            originator_topic=TOPIC,
            originator_id=report_id,
            originator_version=cls.INITIAL_VERSION,
            timestamp=cls.Opened.create_timestamp(),
            **fields,
        )
        case: Case = opened.mutate(None)
        case.pending_events.append(opened)
        return case

    # -- reading --------------------------------------------------------------------------

    @property
    def tracking_id(self) -> str:
        return self.envelope.tracking_id

    @property
    def status(self) -> Status:
        return Status(self.standing.status)

    @property
    def skpd_code(self) -> str | None:
        return self.standing.skpd_code

    @property
    def step(self) -> str | None:
        return self.deadline.step if self.deadline else None

    @property
    def due_at(self) -> datetime | None:
        return self.deadline.due_at if self.deadline else None

    @property
    def disposed(self) -> bool:
        return self.status in DISPOSED

    @property
    def resolved(self) -> bool:
        return self.status is Status.SELESAI

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

    def _moved(
        self, status: Status, deadline: Deadline | None, body: tuple[str | None, str | None] | None
    ) -> Standing:
        """Where the case stands after a move: a bucket, a deadline, a body (None: it keeps)."""
        code, name = body if body is not None else (self.skpd_code, self.standing.skpd_name)
        return Standing(status.value, code, name, deadline.due_at if deadline else None)

    # -- intake's outcomes ----------------------------------------------------------------

    def accept(self, cause: Cause, actor: Person | None = None) -> None:
        """Screening passed; a held case goes back to waiting for disposition.

        Accepting a case that was not held changes nothing, and records nothing.
        """
        if self.status is Status.TERTUNDA:
            standing = self._moved(Status.BELUM_TERVERIFIKASI, self.deadline, None)
            self._apply(Case.Accepted, cause, standing=standing, actor=actor, resumed=True)

    def hold(self, cause: Cause, reason: str) -> None:
        """Put the case on hold (Tertunda); the verification deadline still runs."""
        standing = self._moved(Status.TERTUNDA, self.deadline, None)
        self._apply(Case.Held, cause, standing=standing, reason=reason)

    def archive(self, cause: Cause, reason: str, actor: Person | None = None) -> None:
        """Archive the case (Arsip): no deadline any more (`actor`: the admin who did)."""
        self._shelve(Case.Archived, cause, reason=reason, actor=actor)

    def link_as_duplicate(self, cause: Cause, duplicate_of_tracking_id: str) -> None:
        """The report repeats an open one and follows its fate: archived here."""
        self._shelve(
            Case.LinkedAsDuplicate, cause, duplicate_of_tracking_id=duplicate_of_tracking_id
        )

    def _shelve(self, event_class: type[Case.Event], cause: Cause, **fields: Any) -> None:
        standing = self._moved(Status.ARSIP, None, None)
        self._apply(
            event_class, cause, standing=standing, deadline=None, reply_window=None, **fields
        )

    # -- routing's decisions --------------------------------------------------------------

    def await_triage(self, cause: Cause, reason: str, deadlines: DeadlinePolicy) -> None:
        """An admin must choose the body; the verification deadline keeps running."""
        deadline = self.deadline or deadlines.deadline(Step.VERIFY, cause.at)
        self._unassign(Case.AwaitingTriage, cause, deadline, reason=reason)

    def dispose(
        self,
        cause: Cause,
        skpd_code: str,
        skpd_name: str,
        deadlines: DeadlinePolicy,
        previous_skpd_code: str | None = None,
        also: tuple[str, ...] = (),
        actor: Person | None = None,
    ) -> None:
        """Dispose (or re-dispose) the case to a body; its first follow-up is due."""
        self.check_open()
        deadline = deadlines.deadline(Step.FIRST_FOLLOW_UP, cause.at)
        standing = self._moved(Status.BELUM_DITINDAKLANJUTI, deadline, (skpd_code, skpd_name))
        self._apply(
            Case.Disposed, cause, standing=standing, deadline=deadline, reply_window=None,
            previous_skpd_code=previous_skpd_code, actor=actor,
            also=tuple(code for code in also if code != skpd_code),
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
            self._apply(Case.Escalated, cause, reason=reason, overdue_step=None,
                        previous_skpd_code=None, moved=False, also=(), deadline=None)  # fmt: skip
            return
        deadline = deadlines.deadline(Step.FIRST_FOLLOW_UP, cause.at)
        standing = self._moved(Status.BELUM_DITINDAKLANJUTI, deadline, target)
        self._apply(
            Case.Escalated, cause, standing=standing, reason=reason, overdue_step=None,
            previous_skpd_code=self.skpd_code, moved=True, also=(), deadline=deadline,
        )  # fmt: skip

    def _unassign(
        self, event_class: type[Case.Event], cause: Cause, deadline: Deadline, **fields: Any
    ) -> None:
        """Nobody holds the case: it waits for a body, verification due."""
        standing = self._moved(Status.BELUM_TERVERIFIKASI, deadline, (None, None))
        self._apply(event_class, cause, standing=standing, deadline=deadline, reply_window=None,
                    **fields)  # fmt: skip

    # -- the bodies' moves ----------------------------------------------------------------

    def acknowledge(self, cause: Cause, body: str, actor: Person | None = None) -> None:
        """A body started work (only the first acknowledgement changes anything)."""
        self.check_acting_body(body, primary=False)
        if self.status is Status.BELUM_DITINDAKLANJUTI:
            standing = self._moved(Status.SEDANG_DIPROSES, self.deadline, None)
            self._apply(Case.Acknowledged, cause, standing=standing, by=ActedBy(body),
                        actor=actor)  # fmt: skip

    def assign(
        self,
        cause: Cause,
        body: str,
        assignee: str,
        actor: Person | None = None,
        email: str | None = None,
    ) -> None:
        """The primary body gives the case to an officer; the same officer again changes nothing."""
        self.check_acting_body(body)
        if assignee != self.assignee:
            self._apply(Case.Assigned, cause, by=ActedBy(body), actor=actor, assignee=assignee,
                        assignee_email=email, previous_assignee=self.assignee)  # fmt: skip

    def post_follow_up(
        self,
        cause: Cause,
        body: str,
        text: str,
        deadlines: DeadlinePolicy,
        actor: Person | None = None,
    ) -> None:
        """A body answered: the reporter may reply; after the first answer, resolution is due."""
        self.check_acting_body(body, primary=False)
        deadline = self.deadline
        if self.step == Step.FIRST_FOLLOW_UP.value:
            deadline = self._resolution_deadline(deadlines, cause.at)
        self._apply(
            Case.FollowUpPosted, cause,
            standing=self._moved(Status.SEDANG_DIPROSES, deadline, None),
            deadline=deadline, reply_window=deadlines.deadline(Step.REPLY, cause.at),
            by=ActedBy(body), actor=actor, text=text,
        )  # fmt: skip

    def resolve(
        self,
        cause: Cause,
        body: str,
        text: str,
        deadlines: DeadlinePolicy,
        actor: Person | None = None,
    ) -> None:
        """The primary body resolved the case (Selesai); the reporter may still reply."""
        self.check_acting_body(body)
        on_time = cause.at <= self._resolution_deadline(deadlines, cause.at).due_at
        self._apply(
            Case.Resolved, cause, standing=self._moved(Status.SELESAI, None, None),
            deadline=None, reply_window=deadlines.deadline(Step.REPLY, cause.at),
            by=ActedBy(body), actor=actor, text=text, on_time=on_time,
        )  # fmt: skip

    def return_to_routing(
        self,
        cause: Cause,
        body: str,
        reason: str,
        deadlines: DeadlinePolicy,
        suggested_code: str | None = None,
        actor: Person | None = None,
    ) -> None:
        """The primary body says "bukan wewenang": the case waits for a new body."""
        self.check_acting_body(body)
        deadline = deadlines.deadline(Step.VERIFY, cause.at)
        self._unassign(Case.Returned, cause, deadline, by=ActedBy(body), actor=actor,
                       reason=reason, suggested_code=suggested_code)  # fmt: skip

    def classify(
        self,
        cause: Cause,
        body: str,
        days: int,
        deadlines: DeadlinePolicy,
        actor: Person | None = None,
    ) -> None:
        """The primary body (or the admin for it) sets the resolution class, in working days."""
        self.check_acting_body(body)
        self.check_resolution_class(days, deadlines)
        deadline = self.deadline
        if self.step == Step.RESOLVE.value and self.disposed_at is not None:
            deadline = deadlines.deadline(Step.RESOLVE, self.disposed_at, days)
        self._apply(
            Case.Classified, cause, standing=self._moved(self.status, deadline, None),
            deadline=deadline, by=ActedBy(body), actor=actor, resolution_days=days,
        )  # fmt: skip

    def _resolution_deadline(self, deadlines: DeadlinePolicy, fallback: datetime) -> Deadline:
        start = self.disposed_at or fallback
        return deadlines.deadline(Step.RESOLVE, start, self.resolution_days)

    # -- the reporter ---------------------------------------------------------------------

    def reply(self, cause: Cause, text: str, deadlines: DeadlinePolicy) -> None:
        """The reporter answered (tanggapan): the dialogue reopens, a resolved case too."""
        self.check_open()
        self._apply(Case.ReporterReplied, cause, reply_window=None, text=text)
        if self.resolved:
            deadline = deadlines.deadline(Step.RESOLVE, cause.at)
            standing = self._moved(Status.SEDANG_DIPROSES, deadline, None)
            self.record(Case.Reopened, at=cause.at, standing=standing, deadline=deadline,
                        reason="tanggapan pelapor")  # fmt: skip

    def rate(self, cause: Cause, rating: int, comment: str = "") -> None:
        """The reporter rated the answer; rating a resolved case accepts it and closes it."""
        self.check_rateable()
        self._apply(Case.Rated, cause, rating=rating, comment=comment)
        if self.resolved and not self.closed:
            self._close(cause.at, "dinilai pelapor")

    def request_status(self, cause: Cause) -> None:
        """The reporter asked where the case stands (notification answers)."""
        self._apply(Case.StatusRequested, cause)

    def _close(self, at: datetime, reason: str) -> None:
        """Closed: the bucket is Selesai, and the last deadline stays the one told."""
        standing = self._moved(Status.SELESAI, self.deadline, None)
        self.record(Case.Closed, at=at, standing=standing, reason=reason, reply_window=None)

    def _apply(self, event_class: type[Case.Event], cause: Cause, **fields: Any) -> None:
        """Record the event that applies a message (its id is then handled)."""
        self.record(event_class, at=cause.at, source=cause.event_id, **fields)

    # -- guards ---------------------------------------------------------------------------

    def check_acting_body(self, body: str, *, primary: bool = True) -> None:
        """Only a body the case is disposed to may act; only the primary resolves or returns."""
        holds = body == self.skpd_code or body in self.also
        if not self.disposed or not holds:
            raise NotDisposedToBody(self.tracking_id, body, self.skpd_code)
        if primary and body != self.skpd_code:
            raise NotPrimaryBody(self.tracking_id, body, self.skpd_code)
        self.check_open()
        if self.resolved:
            raise CaseAlreadyResolved(self.tracking_id)

    def check_open(self) -> None:
        """A closed case takes no more moves."""
        if self.closed:
            raise CaseIsClosed(self.tracking_id)

    def check_rateable(self) -> None:
        """A rating needs an answer to rate."""
        if not self.answered:
            raise NothingToRate(self.tracking_id)

    def check_resolution_class(self, days: int, deadlines: DeadlinePolicy) -> None:
        """Only the classes the settings list."""
        if days not in deadlines.resolution_classes:
            raise UnknownResolutionClass(days, deadlines.resolution_classes)

    # -- the clock ------------------------------------------------------------------------

    def review_deadlines(self, now: datetime, deadlines: DeadlinePolicy) -> None:
        """Record once per deadline that it is near, that it passed, and its consequence."""
        self._review_agency(now, deadlines)
        self._review_reply(now)

    def _review_agency(self, now: datetime, deadlines: DeadlinePolicy) -> None:
        deadline = self.deadline
        if deadline is None or self.closed:
            return
        step, due = deadline.step, deadline.due_at
        if not self.missed and now >= due:
            escalate_at = deadlines.escalation_at(due)
            self.record(Case.DeadlineMissed, at=now, step=step, due_at=due, escalate_at=escalate_at)
        elif not self.warned and now >= deadline.warn_at:
            self.record(Case.DeadlineApproaching, at=now, step=step, due_at=due)
        escalation = self.escalate_at or deadlines.escalation_at(due)
        if self.missed and not self.escalated and now >= escalation and step in AGENCY_STEPS:
            self.record(
                Case.Escalated, at=now, reason=f"batas waktu {step} terlewati",
                overdue_step=step, previous_skpd_code=None, moved=False, also=(), deadline=None,
            )  # fmt: skip

    def _review_reply(self, now: datetime) -> None:
        window = self.reply_window
        if window is None or self.closed:
            return
        if now >= window.due_at:
            self.record(Case.DeadlineMissed, at=now, step=window.step, due_at=window.due_at,
                        escalate_at=None)  # fmt: skip
            self._close(now, "tidak ada tanggapan pelapor")
        elif not self.reply_warned and now >= window.warn_at:
            self.record(Case.DeadlineApproaching, at=now, step=window.step, due_at=window.due_at)

    # -- moderation of the public record ----------------------------------------------------

    hidden = False  # class defaults: cases stored before moderation existed
    flaggers: tuple[str, ...] = ()

    def flag(self, at: datetime, flagger: str, reason: str) -> bool:
        """Count a public flag once per flagger; the `FLAGS_TO_HIDE`th hides the report.

        Returns whether the flag counted (a flagger's second flag, or one on a hidden report,
        changes nothing).
        """
        self.check_public()
        if self.hidden or flagger in self.flaggers:
            return False
        self.record(Case.Flagged, at=at, flagger=flagger, reason=reason)
        flags = len(self.flaggers)
        if flags >= FLAGS_TO_HIDE:
            reason = HIDDEN_BY_FLAGS.format(flags=flags)
            self.record(Case.Hidden, at=at, reason=reason, flags=flags)
        return True

    def hide(self, at: datetime, role: str, name: str, reason: str) -> None:
        """The admin hides the report from every public surface."""
        self.check_public()
        if self.hidden:
            raise AlreadyHidden(self.tracking_id)
        self.record(Case.Hidden, at=at, reason=reason, actor=Person(role, name), flags=0)

    def show(self, at: datetime, role: str, name: str, reason: str) -> None:
        """The admin reviewed a hidden report and shows it again."""
        self.check_public()
        if not self.hidden:
            raise NotHidden(self.tracking_id)
        self.record(Case.Shown, at=at, reason=reason, actor=Person(role, name))

    def correct(
        self, at: datetime, role: str, name: str, reason: str, *, title: str, text: str
    ) -> None:
        """The admin corrects the public title and text."""
        self.check_public()
        self.record(
            Case.Corrected, at=at, reason=reason, actor=Person(role, name), title=title,
            text=text,
        )  # fmt: skip

    def check_public(self) -> None:
        """Only a report that is not `rahasia` has a public face."""
        if self.envelope.rahasia:
            raise NotPublic(self.tracking_id)

    # -- recording ------------------------------------------------------------------------

    def record(
        self,
        event_class: type[Case.Event],
        *,
        at: datetime,
        source: str | None = None,
        standing: Standing | None = None,
        actor: Person | None = None,
        **fields: Any,
    ) -> None:
        """Trigger an event; it tells whom the case tells, and stands where the case does unless
        it moves it."""
        self.trigger_event(
            event_class,
            source=source,
            at=at,
            envelope=self.envelope,
            standing=standing or self.standing,
            actor=actor,
            **fields,
        )

    def set_deadline(self, deadline: Deadline | None) -> None:
        """A new deadline (another step or moment) is neither warned, missed nor escalated."""
        if restarts(deadline, self.step, self.due_at):
            self.warned = self.missed = self.escalated = False
            self.escalate_at = None
        self.deadline = deadline


TOPIC = f"{Case.__module__}:{Case.__qualname__}"  # as eventsourcing names it (stored events)
