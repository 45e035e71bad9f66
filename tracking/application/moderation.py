"""Moderation use cases: the admin hides, shows or corrects; the public flags (rate-limited).

Each act loads the case, calls the domain, and saves it under the consumer's processing lock
(as the deadline watch does): its events and their outbox rows are written in one transaction,
and CaseHidden / CaseShown / CaseCorrected reach `lapor.cases.v1` through the relay.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from eventsourcing.persistence import IntegrityError

from shared.clock import Clock
from tracking.application.views import CaseView, CaseViews, ReportNotFound
from tracking.domain.case import Case

T = TypeVar("T")
_TRIES = 3  # another replica saving the same case first: load it again and retry


class TooManyFlags(Exception):
    """An address flagged more than the limit allows within the window."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many flags from this address; try again in {retry_after} s")
        self.retry_after = retry_after


class FlagLimiter:
    """At most `limit` flags per address within `window` (counted by each replica alone)."""

    def __init__(self, clock: Clock, limit: int, window: timedelta, max_addresses: int = 100_000):
        self._clock, self._limit, self._window = clock, limit, window
        self._seen: dict[str, deque[datetime]] = {}
        self._max_addresses = max_addresses

    def check(self, address: str) -> None:
        """Count one flag from the address, or refuse it (`TooManyFlags`)."""
        now = self._clock.now()
        times = self._seen.setdefault(address, deque())
        while times and times[0] <= now - self._window:
            times.popleft()
        if len(times) >= self._limit:
            wait = times[0] + self._window - now
            raise TooManyFlags(max(1, int(wait.total_seconds()) + 1))
        times.append(now)
        if len(self._seen) > self._max_addresses:  # bounded memory: forget the quiet ones
            self._forget(now)

    def _forget(self, now: datetime) -> None:
        for address in [a for a, t in self._seen.items() if not t or t[-1] <= now - self._window]:
            del self._seen[address]


@dataclass(frozen=True)
class FlagOutcome:
    """What a public flag did: whether it counted, the flags now, whether the report is hidden."""

    tracking_id: str
    counted: bool
    flags: int
    hidden: bool


def flagger_digest(report_id: Any, address: str) -> str:
    """Who flagged, as the case keeps it: a digest per report, never the address itself."""
    return hashlib.sha256(f"{report_id}|{address}".encode()).hexdigest()[:32]


class Moderation:
    """The admin's acts on a report's public face, and the public's flags."""

    def __init__(self, app: Any, views: CaseViews, clock: Clock, limiter: FlagLimiter) -> None:
        self._app, self._views, self._clock, self._limiter = app, views, clock, limiter

    def hide(self, tracking_id: str, role: str, name: str, reason: str) -> CaseView:
        """Hide the report from every public surface."""
        return self._act(tracking_id, lambda case: case.hide(self._now(), role, name, reason))

    def show(self, tracking_id: str, role: str, name: str, reason: str) -> CaseView:
        """Show a hidden report again (its flags start over)."""
        return self._act(tracking_id, lambda case: case.show(self._now(), role, name, reason))

    def correct(
        self, tracking_id: str, role: str, name: str, reason: str, *, title: str, text: str
    ) -> CaseView:
        """Correct the public title and text (the original stays in the history)."""
        return self._act(
            tracking_id,
            lambda case: case.correct(self._now(), role, name, reason, title=title, text=text),
        )

    def flag(self, tracking_id: str, address: str, reason: str) -> FlagOutcome:
        """A public flag, once per address and report; rate-limited per address."""
        self._limiter.check(address)
        view = self._found(tracking_id)
        if view.rahasia or view.hidden:
            raise ReportNotFound(tracking_id)  # not on any public surface: nothing to flag
        digest = flagger_digest(view.report_id, address)

        def flag(case: Case) -> FlagOutcome:
            counted = case.flag(self._now(), digest, reason)
            return FlagOutcome(view.tracking_id, counted, len(case.flaggers), case.hidden)

        return self._change(view, flag)

    def _act(self, tracking_id: str, command: Callable[[Case], None]) -> CaseView:
        view = self._found(tracking_id)
        self._change(view, command)
        return view

    def _found(self, tracking_id: str) -> CaseView:
        view = self._views.by_tracking_id(tracking_id.strip().upper())
        if view is None:
            raise ReportNotFound(tracking_id)
        return view

    def _change(self, view: CaseView, command: Callable[[Case], T]) -> T:
        """Load, change and save the case; a clash with another writer loads it again."""
        attempt = 1
        while True:
            with self._app.processing_lock:  # no clash with the consumer's batch in flight
                case: Case = self._app.repository.get(view.report_id)
                result = command(case)
                if not case.pending_events:
                    return result
                try:
                    self._app.save(case)
                except IntegrityError:
                    if attempt >= _TRIES:
                        raise
                else:
                    return result
            attempt += 1

    def _now(self) -> datetime:
        return self._clock.now()
