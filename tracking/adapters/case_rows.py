"""How one stored case event changes the read model's rows (cases, history, timeline)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, and_, case, false, insert, literal, select, true, update

from tracking.adapters.tables import HISTORY_COLUMNS, case_history, cases, timeline
from tracking.application.timeline import describe
from tracking.domain.case import Case
from tracking.domain.status import Step

Values = dict[str, Any]
NO_REPLY: Values = {"reply_due_at": None, "reply_warn_at": None, "reply_warned": False}


def project(conn: Connection, event: Any) -> None:
    """Write a case event's row changes, its history row and its timeline line."""
    if not isinstance(event, Case.Event):
        return
    name = type(event).__name__
    if name == "Opened":
        conn.execute(insert(cases).values(report_id=event.originator_id, **_opened(event)))
    else:
        values = {**_position(event), **_deadline(event), **_CHANGES.get(name, _none)(event)}
        conn.execute(update(cases).where(cases.c.report_id == event.originator_id).values(values))
    _record_history(conn, event)
    _record_timeline(conn, event)


def _record_history(conn: Connection, event: Any) -> None:
    columns = [cases.c[name] for name in HISTORY_COLUMNS]
    snapshot = select(
        cases.c.report_id, _literal(event.originator_version), _literal(event.at), *columns
    ).where(cases.c.report_id == event.originator_id)
    names = ["report_id", "seq", "at", *HISTORY_COLUMNS]
    conn.execute(insert(case_history).from_select(names, snapshot))


def _literal(value: Any) -> Any:
    column = case_history.c.at if not isinstance(value, int) else case_history.c.seq
    return literal(value, type_=column.type)


def _record_timeline(conn: Connection, event: Any) -> None:
    entry = describe(event)
    if entry is None:
        return
    conn.execute(
        insert(timeline).values(
            report_id=event.originator_id,
            seq=event.originator_version,
            event_type=entry.type,
            at=event.at,
            text=entry.line.description,
            detail=entry.line.detail,
        )
    )


def _position(event: Any) -> Values:
    return {
        "status": event.status,
        "skpd_code": event.skpd_code,
        "skpd_name": event.skpd_name,
        "due_at": event.due_at,
        "updated_at": event.at,
    }


def _deadline(event: Any) -> Values:
    """Events that set a deadline carry `warn_at`; an unchanged deadline keeps its flags."""
    if "warn_at" not in vars(event):
        return {}
    if type(event).__name__ == "Escalated" and not getattr(event, "moved", False):
        return {}  # an escalation in place keeps the deadline
    same = and_(
        cases.c.deadline_step.is_not_distinct_from(event.step),
        cases.c.due_at.is_not_distinct_from(event.due_at),
    )
    return {
        "deadline_step": event.step,
        "warn_at": event.warn_at,
        "deadline_warned": case((same, cases.c.deadline_warned), else_=false()),
        "deadline_missed": case((same, cases.c.deadline_missed), else_=false()),
        "deadline_escalated": case((same, cases.c.deadline_escalated), else_=false()),
        "escalate_at": case((same, cases.c.escalate_at), else_=None),
    }


def _none(event: Any) -> Values:
    return {}


def _reply_window(event: Any) -> Values:
    return {
        "reply_due_at": getattr(event, "reply_due_at", None),
        "reply_warn_at": getattr(event, "reply_warn_at", None),
        "reply_warned": False,
    }


def _disposed(event: Any) -> Values:
    also = ",".join(getattr(event, "also", ()) or ())
    return {
        "disposed_at": event.at,
        "also_codes": f",{also}," if also else "",
        "first_follow_up_at": None,
        "resolved_at": None,
        "resolved_on_time": None,
        **NO_REPLY,
    }


def _escalated(event: Any) -> Values:
    values: Values = {"escalations": cases.c.escalations + 1}
    if getattr(event, "overdue_step", None):
        values["deadline_escalated"] = true()
    if getattr(event, "moved", False):
        values.update(_disposed(event))
    return values


def _follow_up(event: Any) -> Values:
    at = literal(event.at, type_=cases.c.first_follow_up_at.type)  # stored as UTC, like the rest
    first = case((cases.c.first_follow_up_at.is_(None), at), else_=cases.c.first_follow_up_at)
    return {"first_follow_up_at": first, **_reply_window(event)}


def _resolved(event: Any) -> Values:
    on_time = getattr(event, "on_time", None)
    return {"resolved_at": event.at, "resolved_on_time": on_time, **_reply_window(event)}


def _approaching(event: Any) -> Values:
    if event.step == Step.REPLY.value:
        return {"reply_warned": True}
    return {"deadline_warned": True}


def _missed(event: Any) -> Values:
    if event.step == Step.REPLY.value:
        return {}
    escalate_at = getattr(event, "escalate_at", None)
    return {"deadline_warned": True, "deadline_missed": True, "escalate_at": escalate_at}


_UNASSIGNED: Values = {"also_codes": "", **NO_REPLY}

_CHANGES: dict[str, Callable[[Any], Values]] = {
    "Archived": lambda e: dict(NO_REPLY),
    "LinkedAsDuplicate": lambda e: dict(NO_REPLY),
    "AwaitingTriage": lambda e: dict(_UNASSIGNED),
    "Returned": lambda e: dict(_UNASSIGNED),
    "Disposed": _disposed,
    "Escalated": _escalated,
    "FollowUpPosted": _follow_up,
    "Resolved": _resolved,
    "Classified": lambda e: {"resolution_days": e.resolution_days},
    "ReporterReplied": lambda e: dict(NO_REPLY),
    "Reopened": lambda e: {"resolved_at": None, "resolved_on_time": None},
    "Rated": lambda e: {"rating": e.rating},
    "Closed": lambda e: {"closed_at": e.at, **NO_REPLY},
    "DeadlineApproaching": _approaching,
    "DeadlineMissed": _missed,
}


def _opened(event: Any) -> Values:
    location = event.location
    return {
        **_position(event),
        "deadline_step": event.step,
        "warn_at": event.warn_at,
        "deadline_warned": False,
        "deadline_missed": False,
        "tracking_id": event.tracking_id,
        "kind": event.kind,
        "channel": event.channel,
        "rahasia": event.rahasia,
        "anonim": event.anonim,
        "title": event.title,
        "text": event.text,
        "kecamatan": location.get("kecamatan"),
        "kelurahan": location.get("kelurahan"),
        "address": location.get("address"),
        "latitude": location.get("latitude"),
        "longitude": location.get("longitude"),
        "received_at": event.received_at,
        "category": getattr(event, "category", None),
        "attachments": json.dumps(list(getattr(event, "attachments", ()) or ())),
        "also_codes": "",
        "escalations": 0,
        "deadline_escalated": False,
        "reply_warned": False,
    }
