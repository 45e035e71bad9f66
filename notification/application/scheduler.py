"""Jobs on the clock: planned sends and retries, the admin's alerts and daily digest."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import ProcessingEvent

from notification.application.policy import About
from notification.application.ports import WorkingDays
from notification.application.service import NotificationApplication
from notification.domain.indexes import WaitingCase
from notification.domain.notification import Notification
from notification.domain.waiting import TRIAGE
from shared.clock import WITA
from shared.processing import Batch, derived_id


class Scheduler:
    """What the service does when time passes rather than when an event arrives."""

    def __init__(self, app: NotificationApplication, calendar: WorkingDays) -> None:
        self._app = app
        self._calendar = calendar

    def tick(self) -> None:
        """Send what is due, alert on reports waiting too long, send today's digest once.

        A tick reads the due rows of the agenda and the reports waiting too long, not the whole
        waiting list: that is read once a day, for the digest."""
        app = self._app
        with app.processing_lock:
            pe = Batch()
            now = app.clock.now()
            self._send_due(pe, now)
            self._alert_waiting(pe, app.tables.waiting_since(now - app.delivery.patience), now)
            self._digest(pe, now)
            app.record_collected(pe)

    def _send_due(self, pe: Batch, now: datetime) -> None:
        app = self._app
        due = app.tables.due_by(now)
        app.preload(pe, due)
        for nid in due:
            notification = app.load(pe, nid, Notification)
            if notification is not None and not notification.finished:
                later = app.delivery.release(notification, now)
                if later is not None:
                    app.indexes.plan(pe, nid, later)
                    continue
                notification.dispatch(now)
                pe.collect_events(notification)
            app.indexes.done(pe, nid)

    def _alert_waiting(
        self, pe: ProcessingEvent[UUID], waiting: list[WaitingCase], now: datetime
    ) -> None:
        app = self._app
        for case in waiting:
            if case.alerted or case.since + app.delivery.patience > now:
                continue
            context = {"tracking_id": case.tracking_id, **_values(case)}
            composer = app.composer
            draft = composer.draft("admin_waiting", context, composer.admin(), immediate=True)
            trigger = derived_id("waiting", case.tracking_id, case.since.isoformat())
            about = About(case.report_id, case.tracking_id, "WaitingTooLong")
            app.request(pe, trigger, draft, about)
            app.indexes.alerted(pe, case.tracking_id)

    def _digest(self, pe: ProcessingEvent[UUID], now: datetime) -> None:
        app = self._app
        local = now.astimezone(WITA)
        if local.time() < app.delivery.digest_at or not self._calendar.is_working_day(local.date()):
            return
        day = local.date().isoformat()
        if app.tables.digest_sent_on(day):
            return
        waiting = app.tables.waiting()
        if not waiting:
            return
        cases = digest_lines(waiting)
        first = cases[0]
        context = {"tracking_id": first["tracking_id"], "cases": cases, "at": now}
        draft = app.composer.draft("admin_digest", context, app.composer.admin(), immediate=True)
        about = About(first["report_id"], first["tracking_id"], "DailyDigest")
        app.request(pe, derived_id("digest", day), draft, about)
        app.indexes.digest_sent(pe, day)


def _values(case: WaitingCase) -> dict[str, Any]:
    return {
        "report_id": case.report_id,
        "queue": case.queue,
        "reason": case.reason,
        "since": case.since,
        "alerted": case.alerted,
    }


def digest_lines(cases: list[WaitingCase]) -> list[dict[str, Any]]:
    """The waiting reports, triage first, then oldest first."""
    lines = [{"tracking_id": case.tracking_id, **_values(case)} for case in cases]
    return sorted(lines, key=lambda c: (c["queue"] != TRIAGE, c["since"], c["tracking_id"]))
