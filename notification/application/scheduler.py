"""Jobs on the clock: planned sends and retries, the admin's alerts and daily digest."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import ProcessingEvent

from notification.application.policy import About, agenda_ids, waiting_id
from notification.application.ports import WorkingDays
from notification.application.service import NotificationApplication
from notification.domain.agenda import Agenda
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
        """Send what is due, alert on reports waiting too long, send today's digest once."""
        app = self._app
        with app.processing_lock:
            pe = Batch()
            app.preload(pe, [*agenda_ids(), waiting_id()])  # every list in one read
            now = app.clock.now()
            self._send_due(pe, now)
            self._alert_waiting(pe, now)
            self._digest(pe, now)
            app.record_collected(pe)

    def _send_due(self, pe: ProcessingEvent[UUID], now: datetime) -> None:
        for agenda in self._app.agendas(pe):
            self._send_due_on(pe, agenda, now)

    def _send_due_on(self, pe: ProcessingEvent[UUID], agenda: Agenda, now: datetime) -> None:
        app = self._app
        due = agenda.due_by(now)
        if isinstance(pe, Batch):
            app.preload(pe, due)
        for nid in due:
            notification = app.load(pe, nid, Notification)
            if notification is not None and not notification.finished:
                later = app.delivery.release(notification, now)
                if later is not None:
                    agenda.plan(nid, later)
                    continue
                notification.dispatch(now)
                pe.collect_events(notification)
            agenda.done(nid)
        pe.collect_events(agenda)

    def _alert_waiting(self, pe: ProcessingEvent[UUID], now: datetime) -> None:
        app = self._app
        waiting = app.waiting(pe)
        for tracking_id in waiting.overdue(now, app.delivery.patience):
            case = waiting.cases[tracking_id]
            context = {"tracking_id": tracking_id, **case}
            composer = app.composer
            draft = composer.draft("admin_waiting", context, composer.admin(), immediate=True)
            trigger = derived_id("waiting", tracking_id, case["since"].isoformat())
            app.request(pe, trigger, draft, About(case["report_id"], tracking_id, "WaitingTooLong"))
            waiting.alerted(tracking_id)
        pe.collect_events(waiting)

    def _digest(self, pe: ProcessingEvent[UUID], now: datetime) -> None:
        app = self._app
        local = now.astimezone(WITA)
        if local.time() < app.delivery.digest_at or not self._calendar.is_working_day(local.date()):
            return
        waiting = app.waiting(pe)
        day = local.date().isoformat()
        if not waiting.digest_due(day):
            return
        cases = digest_lines(waiting.cases)
        first = cases[0]
        context = {"tracking_id": first["tracking_id"], "cases": cases, "at": now}
        draft = app.composer.draft("admin_digest", context, app.composer.admin(), immediate=True)
        about = About(first["report_id"], first["tracking_id"], "DailyDigest")
        app.request(pe, derived_id("digest", day), draft, about)
        waiting.digest_sent(day)
        pe.collect_events(waiting)


def digest_lines(cases: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The waiting reports, triage first, then oldest first."""
    lines = [{"tracking_id": tid, **case} for tid, case in cases.items()]
    return sorted(lines, key=lambda c: (c["queue"] != TRIAGE, c["since"], c["tracking_id"]))
