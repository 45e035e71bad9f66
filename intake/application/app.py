"""The intake application: records adapter messages, learns dispositions, guards the vault."""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import replace
from functools import singledispatchmethod
from typing import Any, ClassVar, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, ProcessingEvent
from eventsourcing.persistence import IntegrityError, ProcessRecorder

from intake.application import ids
from intake.application.admin import AdminDesk
from intake.application.bookkeeping import BatchBooks
from intake.application.contacts import ContactDesk
from intake.application.dedup import DuplicateIndex
from intake.application.keyring import KeyRing
from intake.application.links import StatusLinks
from intake.application.migration import migrate_bookkeeping
from intake.application.photos import PhotoDesk, PhotoParts
from intake.application.ports import Books, Cipher, LegacyKeys, VaultTables
from intake.application.recording import MessageRecorder
from intake.application.submissions import SubmissionQueue
from intake.application.vault import Vault
from intake.application.vault_migration import migrate_vault
from intake.application.views import IntakeStatus
from intake.domain.contacts import no_contact_notice
from intake.domain.duplicates import DuplicateRules
from intake.domain.errors import (
    IntakeError,
    InvalidMessage,
    MessageNotSeen,
    TrackingIdsExhausted,
    UnknownTrackingId,
)
from intake.domain.identifiers import TrackingIdFormat
from intake.domain.replies import Correspondence
from intake.domain.report import Report
from intake.domain.screening import ScreeningRules
from shared.clock import Clock
from shared.contracts import (
    CaseAcknowledged,
    CaseArchived,
    CaseClosed,
    CaseHidden,
    CaseResolved,
    CaseShown,
    IntakeMessage,
    ReportDisposed,
    ReportEscalated,
    ReportRedisposed,
)
from shared.processing import Batch, BatchProcessApplication, Delivery

T = TypeVar("T")
Submitted = tuple[IntakeStatus, bool]
WRITE_ATTEMPTS = 3


class IntakeApplication(BatchProcessApplication):
    """Records each adapter message once; identity stays here, sealed per reporter."""

    name = "intake"
    rejectable_errors: ClassVar[tuple[type[Exception], ...]] = (
        TrackingIdsExhausted,
        InvalidMessage,
    )

    def __init__(
        self,
        rules: ScreeningRules,
        tracking_format: TrackingIdFormat,
        clock: Clock,
        *,
        cipher: Cipher,
        books: Callable[[ProcessRecorder], Books],
        vault_rows: Callable[[Books], VaultTables],
        legacy_keys: LegacyKeys | None = None,
        duplicate_rules: DuplicateRules,
        contacts: ContactDesk,
        web_url: str,
        photos: PhotoParts,
        sms_channels: Collection[str] = ("sms",),
        env: dict[str, str] | None = None,
    ) -> None:
        super().__init__(env)
        self.clock = clock
        self.books = books(self.recorder)
        migrate_bookkeeping(self, self.books)
        rows = vault_rows(self.books)
        keyring = KeyRing(rows, cipher, contacts.secret)
        migrate_vault(self, self.books, keyring, legacy_keys)
        self._books = BatchBooks(self.books)
        self.photos = PhotoDesk(self, photos, self.books)
        self.duplicates = DuplicateIndex(self._books, duplicate_rules)
        self._recorder = MessageRecorder(
            self,
            rules,
            tracking_format,
            clock,
            keyring=keyring,
            books=self._books,
            duplicates=self.duplicates,
            sms_channels=sms_channels,
            contacts=contacts,
            photos=self.photos,
        )
        self.admin = AdminDesk(self, self._books, self.duplicates, self.photos)
        self.vault = Vault(self, keyring, contacts, web_url)
        self.links = StatusLinks(self)
        self.submissions = SubmissionQueue(self)
        self._ahead = threading.local()  # a batch's messages, from `_wanted_by` to `preload`

    def _wanted_by(self, deliveries: Sequence[Delivery]) -> set[UUID]:
        """What the batch reads by id; its adapter messages are kept to read ahead for them."""
        self._ahead.messages = [
            d.message for d in deliveries if isinstance(d.message, IntakeMessage) and not d.failure
        ]
        return super()._wanted_by(deliveries)

    def preload(self, batch: Batch, ids: Iterable[UUID]) -> None:
        """The aggregates by id, then the table rows the batch's messages will ask for."""
        super().preload(batch, ids)
        messages = self._ahead.__dict__.pop("messages", None)
        if messages:
            self._recorder.read_ahead(batch, messages)

    def _record(self, processing_event: ProcessingEvent[UUID]) -> Any:
        """Store what contacts said first, then the events with their rows (keys included)."""
        self.vault.contacts.flush()
        if isinstance(processing_event, Batch):
            self._books.flush(processing_event)
        recordings = super()._record(processing_event)
        self.books.after_record(getattr(processing_event, "statements", ()))
        return recordings

    @singledispatchmethod
    def wanted(self, message: Any) -> Iterable[UUID]:
        """Nothing is read for events intake does not act on."""
        return ()

    @wanted.register
    def _(self, message: IntakeMessage) -> Iterable[UUID]:
        return self._recorder.wanted(message)

    @singledispatchmethod
    def policy(self, domain_event: Any, processing_event: ProcessingEvent[UUID]) -> None:
        """Events intake does not act on are ignored."""

    @policy.register
    def _(self, message: IntakeMessage, processing_event: ProcessingEvent[UUID]) -> None:
        self._recorder.record(message, processing_event)

    @policy.register
    def _(self, disposed: ReportDisposed, processing_event: ProcessingEvent[UUID]) -> None:
        self.vault.access.dispose(
            processing_event, disposed.report_id, disposed.skpd_code, disposed.also
        )

    @policy.register
    def _(self, moved: ReportRedisposed, processing_event: ProcessingEvent[UUID]) -> None:
        self.vault.access.redispose(
            processing_event, moved.report_id, moved.from_code, moved.skpd_code
        )

    @policy.register
    def _(self, escalated: ReportEscalated, processing_event: ProcessingEvent[UUID]) -> None:
        if escalated.skpd_code:
            self.vault.access.dispose(
                processing_event, escalated.report_id, escalated.skpd_code, ()
            )

    @policy.register
    def _(self, acknowledged: CaseAcknowledged, processing_event: ProcessingEvent[UUID]) -> None:
        self.photos.looked_at(processing_event, acknowledged.report_id, acknowledged.occurred_at)

    @policy.register(CaseHidden)
    @policy.register(CaseShown)
    def _(self, case: CaseHidden | CaseShown, processing_event: ProcessingEvent[UUID]) -> None:
        hidden = isinstance(case, CaseHidden)
        self.photos.moderated(processing_event, case.report_id, hidden, case.occurred_at)

    @policy.register(CaseResolved)
    @policy.register(CaseClosed)
    @policy.register(CaseArchived)
    def _(self, case: Any, processing_event: ProcessingEvent[UUID]) -> None:
        self.duplicates.remove(processing_event, case.report_id)

    def submit(self, message: IntakeMessage) -> tuple[IntakeStatus, bool]:
        """Record a message arriving over HTTP the way the consumer does; True if new."""
        [outcome] = self.submit_many([message])
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def submit_many(self, messages: list[IntakeMessage]) -> list[Submitted | Exception]:
        """Record messages arriving together in one transaction; a bad one fails alone."""

        recorded: dict[UUID, object] = {}

        def record_all(batch: ProcessingEvent[UUID]) -> list[bool | Exception]:
            created: list[bool | Exception] = []
            for message in messages:
                try:
                    created.append(self._recorder.record(message, batch))
                except IntakeError as error:
                    created.append(error)
            recorded.update(batch.aggregates)
            return created

        wanted = self._wanted_by([Delivery(None, message) for message in messages])
        created = self.write(record_all, wanted)
        return [
            new if isinstance(new, Exception) else (self._status_of(message, recorded), new)
            for message, new in zip(messages, created, strict=True)
        ]

    def _status_of(self, message: IntakeMessage, recorded: dict[UUID, object]) -> IntakeStatus:
        """The status, from the aggregate just recorded when there is one (no read back)."""
        channel, message_id = message.channel.value, message.message_id
        found = recorded.get(ids.report_id(channel, message_id))
        if isinstance(found, Report | Correspondence):
            return self._with_notice(_status(channel, message_id, found), found)
        return self.intake_status(channel, message_id)

    def _with_notice(self, status: IntakeStatus, found: Report | Correspondence) -> IntakeStatus:
        """A form reporter who left no phone or e-mail is told where to look instead."""
        if not isinstance(found, Report):
            return status
        sub, forms = found.submission, self.vault.contacts.rules.form_channels
        notice = no_contact_notice(sub.channel, sub.contact_kinds, forms)
        return replace(status, notice=notice) if notice else status

    def write(self, change: Callable[[ProcessingEvent[UUID]], T], wanted: Iterable[UUID] = ()) -> T:
        """Apply a change and record its events in one transaction; retry a lost race."""
        wanted = list(wanted)
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            with self.processing_lock:
                batch = Batch()
                self.preload(batch, wanted)
                result = change(batch)
                try:
                    recordings = self._record(batch)
                except IntegrityError:
                    if attempt == WRITE_ATTEMPTS:
                        raise
                    continue
                self._take_snapshots(batch)
                self._notify(recordings)
                return result
        raise AssertionError("unreachable")

    def intake_status(self, channel: str, message_id: str) -> IntakeStatus:
        """What became of one adapter message (MessageNotSeen until it is recorded)."""
        try:
            found: object = self.repository.get(ids.report_id(channel, message_id))
        except AggregateNotFoundError:
            raise MessageNotSeen(f"no report for message {channel}:{message_id} yet") from None
        if not isinstance(found, Report | Correspondence):
            raise MessageNotSeen(f"no report for message {channel}:{message_id}")
        return self._with_notice(_status(channel, message_id, found), found)

    def report_by_tracking_id(self, tracking_id: str) -> Report:
        """The report a tracking id names (UnknownTrackingId otherwise)."""
        report_id = self.books.report_with(tracking_id)
        try:
            if report_id is not None:
                report: Report = self.repository.get(report_id)
                return report
        except AggregateNotFoundError:
            pass
        raise UnknownTrackingId(f"no report has tracking id {tracking_id}")


def _status(channel: str, message_id: str, found: Report | Correspondence) -> IntakeStatus:
    """What a recorded message became."""
    if isinstance(found, Correspondence):
        return IntakeStatus(channel, message_id, found.status, found.tracking_id, found.refusal)
    linked, flagged = found.duplicate_of, found.possible_duplicate_of
    return IntakeStatus(
        channel,
        message_id,
        found.status,
        found.tracking_id,
        found.reason,
        duplicate_of=linked.tracking_id if linked else None,
        possible_duplicate_of=flagged.tracking_id if flagged else None,
    )
