"""How stored case events change the read model's rows (cases, history, timeline).

A batch is projected in memory: the rows it touches are read at once, every event changes its
case's row as a dict (and adds a history row and a timeline line), and everything is written
back with one statement per table (`bulk.write_rows`): the case rows as one upsert, history
and timeline as one insert each. A batch costs the same few round trips whatever its size;
rebuilds replay years of events this way.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, select

from tracking.adapters.bulk import write_rows
from tracking.adapters.tables import HISTORY_COLUMNS, case_history, cases, timeline
from tracking.application.timeline import describe
from tracking.domain.case import Case
from tracking.domain.status import Step

Row = dict[str, Any]
NO_REPLY: Row = {"reply_due_at": None, "reply_warn_at": None, "reply_warned": False}
_IN_CHUNK = 500  # ids per IN (...) list


def project_all(conn: Connection, events: Sequence[Any]) -> None:
    """Write what a batch of events changes: each case's row, history rows, timeline lines."""
    mine: list[Any] = [event for event in events if isinstance(event, Case.Event)]
    if not mine:
        return
    rows = _load(conn, {event.originator_id for event in mine})
    history: list[Row] = []
    lines: list[Row] = []
    for event in mine:
        row = _apply(rows, event)
        snapshot = {name: row[name] for name in HISTORY_COLUMNS}
        key = {"report_id": event.originator_id, "seq": event.originator_version}
        history.append({**key, "at": event.at, **snapshot})
        line = _line(event)
        if line is not None:
            lines.append(line)
    write_rows(conn, cases, list(rows.values()), upsert_on=("report_id",))
    write_rows(conn, case_history, history)
    write_rows(conn, timeline, lines)


def _load(conn: Connection, ids: set[UUID]) -> dict[UUID, Row]:
    found: dict[UUID, Row] = {}
    wanted = list(ids)
    for start in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[start : start + _IN_CHUNK]
        for row in conn.execute(select(cases).where(cases.c.report_id.in_(chunk))):
            found[row.report_id] = dict(row._mapping)
    return found


def _apply(rows: dict[UUID, Row], event: Any) -> Row:
    name = type(event).__name__
    if name == "Opened":
        rows[event.originator_id] = _opened(event)
        return rows[event.originator_id]
    row = rows[event.originator_id]  # a case's later event without its opening: a bad log
    row.update(_deadline(row, event))
    row.update(_position(event))
    row.update(_CHANGES.get(name, _none)(row, event))
    return row


def _line(event: Any) -> Row | None:
    entry = describe(event)
    if entry is None:
        return None
    return {
        "report_id": event.originator_id,
        "seq": event.originator_version,
        "event_type": entry.type,
        "at": event.at,
        "text": entry.line.description,
        "detail": entry.line.detail,
    }


def _position(event: Any) -> Row:
    return {
        "status": event.status,
        "skpd_code": event.skpd_code,
        "skpd_name": event.skpd_name,
        "due_at": event.due_at,
        "updated_at": event.at,
    }


def _deadline(row: Row, event: Any) -> Row:
    """Events that set a deadline carry `warn_at`; an unchanged deadline keeps its flags."""
    if "warn_at" not in vars(event):
        return {}
    if type(event).__name__ == "Escalated" and not getattr(event, "moved", False):
        return {}  # an escalation in place keeps the deadline
    values: Row = {"deadline_step": event.step, "warn_at": event.warn_at}
    if (row["deadline_step"], row["due_at"]) != (event.step, event.due_at):
        values.update(deadline_warned=False, deadline_missed=False, deadline_escalated=False)
        values["escalate_at"] = None
    return values


def _none(row: Row, event: Any) -> Row:
    return {}


def _reply_window(event: Any) -> Row:
    return {
        "reply_due_at": getattr(event, "reply_due_at", None),
        "reply_warn_at": getattr(event, "reply_warn_at", None),
        "reply_warned": False,
    }


def _disposed(row: Row, event: Any) -> Row:
    also = ",".join(getattr(event, "also", ()) or ())
    return {
        "disposed_at": event.at,
        "also_codes": f",{also}," if also else "",
        "first_follow_up_at": None,
        "resolved_at": None,
        "resolved_on_time": None,
        **NO_REPLY,
    }


def _escalated(row: Row, event: Any) -> Row:
    values: Row = {"escalations": (row["escalations"] or 0) + 1}
    if getattr(event, "overdue_step", None):
        values["deadline_escalated"] = True
    if getattr(event, "moved", False):
        values.update(_disposed(row, event))
    return values


def _follow_up(row: Row, event: Any) -> Row:
    return {"first_follow_up_at": row["first_follow_up_at"] or event.at, **_reply_window(event)}


def _resolved(row: Row, event: Any) -> Row:
    on_time = getattr(event, "on_time", None)
    return {"resolved_at": event.at, "resolved_on_time": on_time, **_reply_window(event)}


def _approaching(row: Row, event: Any) -> Row:
    if event.step == Step.REPLY.value:
        return {"reply_warned": True}
    return {"deadline_warned": True}


def _missed(row: Row, event: Any) -> Row:
    if event.step == Step.REPLY.value:
        return {}
    escalate_at = getattr(event, "escalate_at", None)
    return {"deadline_warned": True, "deadline_missed": True, "escalate_at": escalate_at}


def _fixed(values: Row) -> Callable[[Row, Any], Row]:
    return lambda row, event: dict(values)


_UNASSIGNED: Row = {"also_codes": "", **NO_REPLY}

_CHANGES: dict[str, Callable[[Row, Any], Row]] = {
    "Archived": _fixed(NO_REPLY),
    "LinkedAsDuplicate": _fixed(NO_REPLY),
    "AwaitingTriage": _fixed(_UNASSIGNED),
    "Returned": _fixed(_UNASSIGNED),
    "Disposed": _disposed,
    "Escalated": _escalated,
    "FollowUpPosted": _follow_up,
    "Resolved": _resolved,
    "Classified": lambda row, e: {"resolution_days": e.resolution_days},
    "ReporterReplied": _fixed(NO_REPLY),
    "Reopened": _fixed({"resolved_at": None, "resolved_on_time": None}),
    "Rated": lambda row, e: {"rating": e.rating},
    "Closed": lambda row, e: {"closed_at": e.at, **NO_REPLY},
    "DeadlineApproaching": _approaching,
    "DeadlineMissed": _missed,
}


def _opened(event: Any) -> Row:
    location = event.location
    row: Row = {column.name: None for column in cases.c}
    row.update(
        report_id=event.originator_id,
        deadline_step=event.step,
        warn_at=event.warn_at,
        deadline_warned=False,
        deadline_missed=False,
        deadline_escalated=False,
        tracking_id=event.tracking_id,
        kind=event.kind,
        channel=event.channel,
        rahasia=event.rahasia,
        anonim=event.anonim,
        title=event.title,
        text=event.text,
        received_at=event.received_at,
        category=getattr(event, "category", None),
        attachments=_json_list(getattr(event, "attachments", ()) or ()),
        also_codes="",
        escalations=0,
        reply_warned=False,
        **{key: location.get(key) for key in _LOCATION},
        **_position(event),
    )
    return row


def _json_list(items: Sequence[str]) -> str:
    return json.dumps(list(items)) if items else "[]"


_LOCATION = ("kecamatan", "kelurahan", "address", "latitude", "longitude")
