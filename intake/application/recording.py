"""Recording one adapter message: dedup, reply or report, screen, duplicates, tracking id, vault."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID

from eventsourcing.application import ProcessingEvent

from intake.application import ids
from intake.application.bookkeeping import BatchBooks
from intake.application.contacts import ContactDesk
from intake.application.dedup import DuplicateIndex, indexed, text_of
from intake.application.keyring import KeyRing
from intake.application.per_batch import PerBatch
from intake.application.photos import PhotoDesk
from intake.application.replies import ReplyDesk
from intake.application.submission import check_storable, submission_of
from intake.domain.duplicates import Indexed
from intake.domain.errors import TrackingIdsExhausted
from intake.domain.held import Waiting
from intake.domain.identifiers import TrackingIdFormat, new_reporter_ref
from intake.domain.identity import Identity
from intake.domain.replies import read_command
from intake.domain.report import DuplicateLink, Handles, Outcome, Report, Submission
from intake.domain.screening import ACCEPTED, HELD, ScreeningRules, Verdict, screen_words, words
from intake.domain.vault import ReporterRow, Sealed, person_in
from shared.clock import Clock
from shared.contracts import IntakeMessage
from shared.masking import mask_contacts
from shared.processing import BatchProcessApplication

TRACKING_ID_ATTEMPTS = 5


@dataclass(frozen=True)
class _Prepared:
    """A message's submission as read ahead for its batch (made once, used when recorded)."""

    sub: Submission
    identity: Identity
    probe: Indexed  # its index entry, its tracking id not drawn yet
    words: list[str]  # the words of its title and text, as screening reads them
    counters: list[str]  # its flood counters
    contacts: list[str]  # its contacts' digests (the first names the person)


class MessageRecorder:
    """Turns an IntakeMessage into a reply or a screened Report, once per `channel:message_id`."""

    def __init__(
        self,
        app: BatchProcessApplication,
        rules: ScreeningRules,
        tracking_format: TrackingIdFormat,
        clock: Clock,
        *,
        keyring: KeyRing,
        books: BatchBooks,
        duplicates: DuplicateIndex,
        sms_channels: Collection[str],
        contacts: ContactDesk,
        photos: PhotoDesk,
    ) -> None:
        self._app = app
        self._rules = rules
        self._format = tracking_format
        self._clock = clock
        self._keyring = keyring
        self._books = books
        self._duplicates = duplicates
        self._sms_channels = sms_channels
        self._replies = ReplyDesk(app, keyring, books)
        self._contacts = contacts
        self._photos = photos
        self._prepared: PerBatch[dict[UUID, _Prepared]] = PerBatch(dict)

    def wanted(self, message: IntakeMessage) -> Iterator[UUID]:
        """What recording the message may read from the event store: the report itself."""
        yield ids.report_id(message.channel.value, message.message_id)

    def read_ahead(self, batch: ProcessingEvent[UUID], messages: Iterable[IntakeMessage]) -> None:
        """Read what the batch's new reports will ask the tables for, in one query per table
        (contact keys' recent reports, duplicate candidates, reporters' keys), not one per
        report; each message's submission is made here once."""
        prepared = self._prepared.of(batch)
        flood, span = self._rules.flood_window, self._duplicates.rules.window
        activity: list[tuple[str, datetime, datetime]] = []
        searches: list[tuple[str, datetime, datetime]] = []
        persons: list[str] = []
        for message in messages:
            report_id = ids.report_id(message.channel.value, message.message_id)
            if report_id in prepared or self._app.exists(batch, report_id):
                continue
            try:
                ready = self._prepare(report_id, message)
            except Exception:  # recording meets the same problem and names it
                continue
            prepared[report_id] = ready
            at = ready.sub.received_at
            activity += [(c, at - flood, at) for c in ready.counters]
            searches += [
                (k, at - span, at + span) for k in self._duplicates.search_keys(ready.probe)
            ]
            person = person_in(ready.contacts)
            persons += [person] if person else []
        self._books.read_ahead(batch, activity, searches)
        self._keyring.read_ahead(batch, persons)

    def _prepare(self, report_id: UUID, message: IntakeMessage) -> _Prepared:
        sub = submission_of(message, self._clock.now(), self._sms_channels)
        identity = Identity.from_dict(message.reporter.model_dump(mode="json"))
        masked, _ = _masked(sub, identity)
        counters = _counters(identity, sub.channel)
        contacts = self._keyring.contacts(identity, sub.channel)
        found = words(text_of(sub))  # read once: masking mostly leaves the text as it was
        probe = indexed(report_id, "", masked, found if masked is sub else None)
        return _Prepared(sub, identity, probe, found, counters, contacts)

    def record(self, message: IntakeMessage, batch: ProcessingEvent[UUID]) -> bool:
        """Record the message unless it was recorded before; True when recorded now."""
        report_id = ids.report_id(message.channel.value, message.message_id)
        if self._app.exists(batch, report_id):
            return False
        check_storable(message)
        prepared = self._prepared.get(batch)
        ready = prepared.pop(report_id, None) if prepared else None
        ready = ready or self._prepare(report_id, message)
        sub = ready.sub
        self._contacts.heard_from(message, sub, ready.identity)
        if self._contacts.handle_opt(batch, report_id, message, sub):
            return True
        command = read_command(sub.text, self._format.prefix)
        if command and self._replies.handle(batch, report_id, message, command, sub):
            return True
        self._record_report(batch, report_id, message, ready)
        return True

    def _record_report(
        self,
        batch: ProcessingEvent[UUID],
        report_id: UUID,
        message: IntakeMessage,
        ready: _Prepared,
    ) -> None:
        sub, identity = ready.sub, ready.identity
        recent = self._note_activity(batch, ready.counters, report_id, sub)
        verdict = screen_words(ready.words, recent, self._rules)
        sub, sealed = _masked(sub, identity)
        handles = Handles(self._claim_tracking_id(batch, report_id), new_reporter_ref())
        entry = ready.probe.tracked(handles.tracking_id)
        outcome = self._outcome(batch, verdict, entry)
        row = ReporterRow(handles.reporter_ref, str(report_id), handles.tracking_id,
                          key_id=handles.reporter_ref)  # fmt: skip
        officer = message.recorded_by.model_dump(mode="json") if message.recorded_by else None
        sealed_identity = self._keyring.seal(batch, row, sub.channel, sealed, ready.contacts)
        report = Report.record(report_id, sub, sealed_identity, handles, outcome, officer)
        batch.collect_events(report)
        self._photos.link(batch, report)
        if outcome.status == ACCEPTED:
            self._duplicates.add(batch, entry)
        elif outcome.status == HELD:
            self._queue(batch, report, sub)

    def _outcome(self, batch: ProcessingEvent[UUID], verdict: Verdict, entry: Indexed) -> Outcome:
        """Screening's verdict; an accepted report that repeats an open one is linked to it."""
        if verdict.status not in (ACCEPTED, HELD):
            return Outcome(verdict)
        found = self._duplicates.matches(batch, entry)
        if found.link is not None and verdict.status == ACCEPTED:
            return Outcome(verdict, duplicate_of=_link(found.link))
        flagged = found.flag or found.link
        return Outcome(verdict, possible_duplicate_of=_link(flagged) if flagged else None)

    def _queue(self, batch: ProcessingEvent[UUID], report: Report, sub: Submission) -> None:
        flag = report.possible_duplicate_of
        waiting = Waiting(
            report_id=str(report.id),
            tracking_id=report.tracking_id,
            since=sub.received_at,
            reason=report.reason or "",
            possible_duplicate_of=flag.tracking_id if flag else None,
        )
        self._books.hold(batch, waiting)

    def _note_activity(
        self, batch: ProcessingEvent[UUID], counters: list[str], report_id: UUID, sub: Submission
    ) -> int:
        """Note the report on each contact key; the busiest key's count in the window."""
        at, window = sub.received_at, self._rules.flood_window
        for counter in counters:
            self._books.note_report(batch, counter, report_id, at, horizon=at - window)
        return self._books.busiest(batch, counters, since=at - window, until=at)

    def _claim_tracking_id(self, batch: ProcessingEvent[UUID], report_id: UUID) -> str:
        """Claim a random id not read: a stored claim makes the insert fail, and a retry redraws."""
        for _ in range(TRACKING_ID_ATTEMPTS):
            tracking_id = self._format.new_id()
            if not self._books.claimed(batch, tracking_id):
                self._books.claim(batch, tracking_id, report_id)
                return tracking_id
        raise TrackingIdsExhausted(f"{TRACKING_ID_ATTEMPTS} random tracking ids were all taken")


def _counters(identity: Identity, channel: str) -> list[str]:
    """The reporter's flood counters: one per contact key, never the contact in clear."""
    return [str(ids.activity_id(key)) for key in identity.flood_keys(channel)]


def _link(entry: Indexed) -> DuplicateLink:
    return DuplicateLink(entry.report_id, entry.tracking_id)


def _masked(sub: Submission, identity: Identity) -> tuple[Submission, Sealed]:
    """An anonim report leaves intake with contact details masked; the original is sealed."""
    if not sub.anonim:
        return sub, Sealed(identity)
    title, text = mask_contacts(sub.title), mask_contacts(sub.text)
    if (title, text) == (sub.title, sub.text):
        return sub, Sealed(identity)
    return replace(sub, title=title, text=text), Sealed(identity, sub.title, sub.text)
