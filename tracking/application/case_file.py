"""A case as staff read it: the case, and every step of its life with the person who took it.

Read from the case's own events (the event store), not the read model: the history is the
product, and a timeline that names people is kept off the public tables altogether.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tracking.application.timeline import Line, describe
from tracking.application.translate import CONTRACTS
from tracking.application.views import CaseView, CaseViews, ReportNotFound
from tracking.domain.case import Case
from tracking.domain.values import Person


class NotYourCase(Exception):
    """The caller is neither an admin nor a body the case is disposed to."""


@dataclass(frozen=True)
class StaffEntry:
    """One step: what happened, the body's words, the body that moved, and who decided."""

    type: str
    at: datetime
    description: str
    detail: str | None
    actor: Person | None
    body: str | None


@dataclass(frozen=True)
class CaseFile:
    """The case (as the read model holds it) and its whole timeline, people named."""

    view: CaseView
    also: tuple[str, ...]
    assignee: str | None
    timeline: tuple[StaffEntry, ...]


def read_case_file(
    views: CaseViews, app: Any, tracking_id: str, role: str, body: str | None
) -> CaseFile:
    """The case file for an admin, or for a body the case is disposed to (primary or also)."""
    view = views.by_tracking_id(tracking_id.strip().upper())
    if view is None:
        raise ReportNotFound(tracking_id)
    case: Case = app.repository.get(view.report_id)
    if role != "admin" and (body is None or body not in {case.skpd_code, *case.also}):
        raise NotYourCase(f"{tracking_id} is not disposed to {body or role}")
    steps = staff_timeline(app.events.get(view.report_id))
    return CaseFile(view, tuple(case.also), case.assignee, tuple(steps))


def staff_timeline(events: Iterable[Any]) -> list[StaffEntry]:
    """Every case event staff see, in order: the public line where there is one, else the
    staff's own (an assignment, a status question, a plain acceptance)."""
    entries = []
    for event in events:
        if not isinstance(event, Case.Event):
            continue
        public = describe(event)
        line = public.line if public else _staff_line(event)
        if line is None:
            continue
        published = CONTRACTS.get(type(event))
        kind = public.type if public else (published.event_type if published else "")
        body = event.by.body if isinstance(event, Case.BodyMove) else None
        entries.append(StaffEntry(kind, event.at, line.description, line.detail, event.actor, body))
    return entries


def _staff_line(event: Case.Event) -> Line | None:
    if isinstance(event, Case.Assigned):
        moved = f" (sebelumnya {event.previous_assignee})" if event.previous_assignee else ""
        return Line(f"Laporan ditugaskan kepada {event.assignee}{moved}")
    if isinstance(event, Case.StatusRequested):
        return Line("Pelapor menanyakan status laporan")
    return None
