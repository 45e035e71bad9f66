"""The notification application: events in, messages requested, delivery followed to the end."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import singledispatchmethod
from typing import Any
from uuid import UUID

from eventsourcing.application import ProcessingEvent
from eventsourcing.persistence import ProcessRecorder, Tracking
from eventsourcing.utils import EnvType

from notification.application.composer import Composer, Draft, message_context
from notification.application.indexes import Expected, report_key
from notification.application.policy import About, Delivery, notification_id
from notification.application.ports import Indexes
from notification.application.rules import (
    ADMIN,
    DUPLICATE_TEMPLATE,
    LEAVES,
    OFFICER,
    ORIGINAL_MOVES,
    REPORTER,
    WAITS,
)
from notification.application.store import NotificationStore
from notification.domain.errors import UnknownDeliveryStatus
from notification.domain.indexes import Link, ReportRow, WaitingCase
from notification.domain.notification import FAILED, GIVEN_UP, Notification
from shared.clock import Clock
from shared.contracts import (
    CaseEvent,
    CaseLinkedAsDuplicate,
    Channel,
    DeliveryReported,
    DeliveryStatus,
    ReportContent,
)
from shared.messaging import codec
from shared.processing import Batch, Rejection, derived_id
from shared.processing import Delivery as Record

PE = ProcessingEvent[UUID]

__all__ = ["NotificationApplication", "notification_id"]


class NotificationApplication(NotificationStore):
    """Tells reporters, bodies and the admin what happened, and sees that the message arrives."""

    name = "notification"
    rejectable_errors = (UnknownDeliveryStatus,)

    def __init__(
        self,
        env: EnvType | None = None,
        *,
        composer: Composer,
        clock: Clock,
        indexes: Callable[[ProcessRecorder], Indexes],
        delivery: Delivery | None = None,
    ) -> None:
        super().__init__(env, indexes)
        self.composer = composer
        self.clock = clock
        self.delivery = delivery or Delivery()

    def process_batch(
        self, messages: Sequence[Any], tracking: Tracking, **options: Any
    ) -> list[tuple[Any, Rejection]]:
        """A batch in one transaction; the index rows its messages read are read at its start,
        in one query per table."""
        self.indexes.expect(self.expected(messages))
        try:
            return super().process_batch(messages, tracking, **options)
        finally:
            self.indexes.expect(None)

    def expected(self, messages: Sequence[Any]) -> Expected:
        """The report rows and duplicate links the policy will read for these messages."""
        reports: set[str] = set()
        originals: set[str] = set()
        contacts: set[str] = set()
        for item in messages:
            message = item.message if isinstance(item, Record) else item
            if isinstance(message, CaseEvent):
                if self._tells_by_contacts(message):  # elsewhere the contacts change nothing
                    reports.add(report_key(message.tracking_id))
                if message.event_type in ORIGINAL_MOVES:
                    originals.add(message.tracking_id)
            elif isinstance(message, ReportContent) and self._tells_by_contacts(message):
                contacts.add(report_key(message.tracking_id))
        return Expected(frozenset(reports | contacts), frozenset(originals), frozenset(contacts))

    def _tells_by_contacts(self, event: ReportContent | CaseEvent) -> bool:
        return self.composer.rule.needs_contacts(event.channel)

    def wanted(self, message: Any) -> Iterable[UUID]:
        """The notifications a case event may make and the one a delivery report is about;
        nothing for the rest. (Two cases: a plain test, not a dispatch per message.)"""
        if isinstance(message, CaseEvent):
            return [notification_id(message.event_id, key) for key in self.composer.keys(message)]
        if isinstance(message, DeliveryReported):
            return [message.notification_id]
        return ()

    def ignored_by_header(self, topic: str) -> dict[str, dict[str, list[str]]]:
        """A report's content changes nothing here unless the reporter's answer depends on the
        contacts they left (the first test of the policy below): the report events of the other
        channels are skipped undecoded by their `channel` header. A record without the header
        (an older producer) is decoded and meets the same test."""
        needs = self.composer.rule.needs_contacts
        quiet = [channel.value for channel in Channel if not needs(channel)]
        try:
            events = codec.events_for(topic)
        except KeyError:
            return {}
        return {
            name: {"channel": quiet}
            for name, cls in events.items()
            if issubclass(cls, ReportContent) and quiet
        }

    @singledispatchmethod
    def policy(self, domain_event: Any, processing_event: PE) -> None:
        """Events this service has no use for change nothing."""

    @policy.register
    def _(self, event: ReportContent, processing_event: PE) -> None:
        """Which kinds of contact the reporter left: where a form reporter hears back. Case
        events that waited for it are told now."""
        if not self.composer.rule.needs_contacts(event.channel):
            return
        said = "contact_kinds" in event.model_fields_set  # not said: an event older than v3
        kinds = [kind.value for kind in event.contact_kinds] if said else None
        pe = processing_event
        if isinstance(pe, Batch):  # the notifications of the batch's parked events in one read
            parked = [case_event(payload) for payload in self.indexes.parked_ahead(pe)]
            self.preload(pe, [nid for case in parked if case for nid in self.wanted(case)])
        released = self.indexes.note_contacts(pe, event.report_id, event.tracking_id, kinds)
        left = None if kinds is None else tuple(kinds)
        for payload in released:
            case = case_event(payload)
            if case is None:  # a type this version no longer knows: nothing to tell
                continue
            for draft in self.composer.compose(case, left, staff=False):
                self.request(processing_event, case.event_id, draft, About.of(case))

    @policy.register
    def _(self, event: CaseEvent, processing_event: PE) -> None:
        about = About.of(event)
        row = None
        if self._tells_by_contacts(event):  # a form reporter: where they hear back depends on it
            row = self.indexes.report(processing_event, event.tracking_id)
        left = None if row is None or row.contact_kinds is None else tuple(row.contact_kinds)
        waits = self._waits_for_contacts(event, row)
        for draft in self.composer.compose(event, left, reporter=not waits):
            self.request(processing_event, event.event_id, draft, about)
        if waits:
            self.indexes.park(processing_event, event.report_id, event.tracking_id, event.wire())
        self._follow_duplicates(event, processing_event)
        self._follow_queues(event, processing_event)

    @policy.register
    def _(self, event: DeliveryReported, processing_event: PE) -> None:
        notification = self.load(processing_event, event.notification_id, Notification)
        if notification is None:
            raise Rejection("unknown-notification", f"no notification {event.notification_id}")
        if event.status == DeliveryStatus.FAILED:
            self._failed(notification, event, processing_event)
            return
        troubled = notification.attempt > 1 or notification.status == GIVEN_UP
        notification.report_delivery(
            event.status.value, _detail(event), event.occurred_at, event.attempt
        )
        processing_event.collect_events(notification)
        if troubled:  # it got through after all: off the admin's list
            self.indexes.clear_problem(processing_event, notification.id)

    def _waits_for_contacts(self, event: CaseEvent, row: ReportRow | None) -> bool:
        """A form reporter's message waits until the report's event said what they left."""
        needs = self.composer.rule.needs_contacts(event.channel)
        heard = row is not None and row.heard
        return needs and not heard and self.composer.tells_reporter(event)

    def contacts_left(self, pe: PE, tracking_id: str) -> tuple[str, ...] | None:
        """The kinds of contact a report's reporter left (None: not known)."""
        row = self.indexes.report(pe, tracking_id)
        if row is None or row.contact_kinds is None:
            return None
        return tuple(row.contact_kinds)

    def request(self, pe: PE, trigger: UUID, draft: Draft, about: About) -> None:
        """One notification per (trigger, recipient): sent now, or planned after quiet hours."""
        nid = notification_id(trigger, draft.address.key)
        if self.load(pe, nid, Notification) is not None:
            return
        now = self.clock.now()
        fields: dict[str, Any] = {
            "report_id": about.report_id,
            "tracking_id": about.tracking_id,
            "case_event_type": about.cause,
            "channel": draft.address.channel.value,
            "reporter_ref": draft.address.reporter_ref,
            "template": draft.template,
            "subject": draft.subject,
            "text": draft.text,
            "queued_at": now,
            "audience": draft.address.audience,
            "address": draft.address.mailbox,
            "html": draft.html,
            "immediate": draft.immediate,
        }
        release = self.delivery.release_at(draft.address.channel.value, draft.immediate, now)
        if release is None:  # sent at once: recorded once, its sending the integration event
            notification = Notification.send(id=nid, sent_at=now, **fields)
        else:
            notification = Notification.queue(id=nid, **fields)
            self.indexes.plan(pe, nid, release)
        self.indexes.add(pe, about.tracking_id, nid)
        pe.collect_events(notification)

    def _failed(self, notification: Notification, event: DeliveryReported, pe: PE) -> None:
        if not notification.current(event.attempt):
            return
        at = event.occurred_at
        # A final failure (the vault refused, the gateway refused for good) is not tried again:
        # it gives up at once, as after the last attempt, and the admin hears of it.
        retry_at = None if event.final else self.delivery.retry.retry_at(notification.attempt, at)
        if retry_at is not None:
            retry_at = self.delivery.release(notification, retry_at) or retry_at
        gave_up = notification.fail(event.detail, at, retry_at)
        self.indexes.note_problem(pe, notification.id, GIVEN_UP if gave_up else FAILED)
        pe.collect_events(notification)
        if retry_at is not None:
            self.indexes.plan(pe, notification.id, retry_at)
        if gave_up and notification.template != "admin_gave_up":
            self._tell_admin_gave_up(notification, pe)

    def _tell_admin_gave_up(self, notification: Notification, pe: PE) -> None:
        context = {
            "tracking_id": notification.tracking_id,
            "failed_subject": notification.subject,
            "failed_audience": _audience_name(notification.audience),
            "failed_channel": notification.channel,
            "attempts": notification.attempt,
            "detail": notification.status_detail,
        }
        draft = self.composer.draft("admin_gave_up", context, self.composer.admin(), immediate=True)
        about = About(notification.report_id, notification.tracking_id, "DeliveryGaveUp")
        self.request(pe, notification.id, draft, about)

    def _follow_duplicates(self, event: CaseEvent, pe: PE) -> None:
        if isinstance(event, CaseLinkedAsDuplicate):
            link = Link(
                tracking_id=event.tracking_id,
                report_id=event.report_id,
                channel=event.channel.value,
                reporter_ref=event.reporter_ref,
            )
            self.indexes.link(pe, event.duplicate_of_tracking_id, link)
        elif event.event_type in ORIGINAL_MOVES:
            linked = self.indexes.links(pe, event.tracking_id)
            if isinstance(pe, Batch):  # the duplicates' notifications in one read
                self.preload(pe, [notification_id(self._trigger(event, x)) for x in linked])
            for link in linked:
                self._tell_duplicate(event, link, pe)

    @staticmethod
    def _trigger(event: CaseEvent, link: Link) -> UUID:
        return derived_id(event.event_id, link.tracking_id)

    def _tell_duplicate(self, event: CaseEvent, link: Link, pe: PE) -> None:
        linked = event.model_copy(
            update={
                "report_id": link.report_id,
                "tracking_id": link.tracking_id,
                "channel": Channel(link.channel),
                "reporter_ref": link.reporter_ref,
            }
        )
        context = {**message_context(event), "tracking_id": link.tracking_id}
        context["duplicate_of_tracking_id"] = event.tracking_id
        left = self.contacts_left(pe, link.tracking_id)
        address = self.composer.address_of(REPORTER, linked, left)
        if address is None:  # no channel reaches this reporter
            return
        draft = self.composer.draft(DUPLICATE_TEMPLATE, context, address)
        self.request(pe, self._trigger(event, link), draft, About.of(linked))

    def _follow_queues(self, event: CaseEvent, pe: PE) -> None:
        queue = WAITS.get(event.event_type)
        if queue is None and event.event_type not in LEAVES:
            return
        if queue is not None:
            reason = str(getattr(event, "reason", ""))
            case = WaitingCase(event.tracking_id, event.report_id, queue, reason, event.occurred_at)
            self.indexes.wait(pe, case)
        else:
            self.indexes.move(pe, event.tracking_id)


CASE_EVENTS = {cls.event_type: cls for cls in CaseEvent.__subclasses__()}


def case_event(payload: dict[str, Any]) -> CaseEvent | None:
    """A parked case event, back from its stored payload (None: a type no longer known)."""
    cls = CASE_EVENTS.get(str(payload.get("event_type")))
    return None if cls is None else cls.model_validate(payload)


def _detail(event: DeliveryReported) -> str:
    """The adapter's detail, or the gateway's word (buffered, sent, read) when it gave none."""
    return event.detail or (event.gateway_status.value if event.gateway_status else "")


def _audience_name(audience: str) -> str:
    return {REPORTER: "pelapor", ADMIN: "admin kota", OFFICER: "petugas"}.get(audience, "instansi")
