"""How stored case events change the read model's rows (cases, history, timeline).

A batch is projected in memory: the rows it touches are read at once, every event changes its
case's row as a dict (and adds a history row and a timeline line), and everything is written
back with one statement per table (`bulk.write_rows`): the rows of cases opened in the batch
as one insert, the other case rows as one upsert, history and timeline as one insert each. A
batch costs the same few round trips whatever its size; rebuilds replay years of events this
way.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from functools import cache
from operator import itemgetter
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Result, Uuid, any_, bindparam, select
from sqlalchemy.dialects import postgresql

from tracking.adapters.bulk import Converted, write_rows, write_values
from tracking.adapters.moderation_rows import MODERATION_CHANGES, act_row, public_face
from tracking.adapters.tables import (
    HISTORY_COLUMNS,
    case_history,
    cases,
    moderation_acts,
    timeline,
)
from tracking.application.timeline import describe
from tracking.domain.case import Case
from tracking.domain.deadlines import Deadline, restarts
from tracking.domain.status import Step

Row = dict[str, Any]
# A history row, in its table's column order (written as values, no dict made per event): the
# event's case, sequence and moment, then these of the case's row.
HISTORY_ROW = ("report_id", "seq", "at", *HISTORY_COLUMNS)
_history = itemgetter(*HISTORY_COLUMNS)
_IN_CHUNK = 500  # ids per IN (...) list


def project_all(conn: Connection, events: Sequence[Any]) -> None:
    """Write what a batch of events changes: each case's row, history rows, timeline lines."""
    mine: list[Case.Event] = [event for event in events if isinstance(event, Case.Event)]
    if not mine:
        return
    # A case opened in this batch gets a fresh row: only the others are read.
    opened = {event.originator_id for event in mine if type(event) is Case.Opened}
    rows = _load(conn, {event.originator_id for event in mine}.difference(opened))
    history: list[tuple[Any, ...]] = []
    lines: list[tuple[Any, ...]] = []
    acts: list[Row] = []
    for event in mine:
        row = _apply(rows, event)
        # The row's own id object in each of the case's rows: converted once (`bulk`).
        case = row["report_id"]
        history.append((case, event.originator_version, event.at, *_history(row)))
        line = _line(case, event)
        if line is not None:
            lines.append(line)
        act = act_row(event)
        if act is not None:
            acts.append(act)
    converted: Converted = {}
    # Cases opened in this batch are new rows (inserted); the others are there (overwritten).
    new: list[Row] = []
    known: list[Row] = []
    for report_id, row in rows.items():
        (new if report_id in opened else known).append(row)
    write_rows(conn, cases, new, converted=converted)
    write_rows(conn, cases, known, upsert_on=("report_id",), converted=converted)
    write_values(conn, case_history, history, converted=converted)
    write_values(conn, timeline, lines, converted=converted)
    write_rows(conn, moderation_acts, acts, converted=converted)


# Built once: SQLAlchemy then reuses its compiled form (a new select per batch is compiled and
# keyed again each time). On PostgreSQL the ids go as one array (`= ANY(:ids)`, as
# `shared.tables.read_in` does for the event store's tables): one text whatever their number,
# where an expanding IN list is rendered again on every call and makes a new text per length.
_SELECT_CASES = select(cases).where(cases.c.report_id.in_(bindparam("ids", expanding=True)))
_SELECT_CASES_ANY = select(cases).where(
    cases.c.report_id == any_(bindparam("ids", type_=postgresql.ARRAY(Uuid)))
)


def _load(conn: Connection, ids: set[UUID]) -> dict[UUID, Row]:
    if not ids:
        return {}
    if conn.dialect.name == "postgresql":
        return _rows(conn.execute(_SELECT_CASES_ANY, {"ids": list(ids)}))
    found: dict[UUID, Row] = {}
    wanted = list(ids)
    for start in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[start : start + _IN_CHUNK]
        found.update(_rows(conn.execute(_SELECT_CASES, {"ids": chunk})))
    return found


def _rows(result: Result[Any]) -> dict[UUID, Row]:
    """Each case row read, as a dict, by its id (fetched at once: iterating fetches one by one,
    and a row's mapping view costs more than zipping its values with the names)."""
    names = tuple(result.keys())
    rows = (dict(zip(names, values, strict=True)) for values in result.all())
    return {row["report_id"]: row for row in rows}


def _apply(rows: dict[UUID, Row], event: Case.Event) -> Row:
    if type(event) is Case.Opened:
        row = rows[event.originator_id] = _opened(event)
        return row
    row = rows[event.originator_id]  # a case's later event without its opening: a bad log
    for change in _changes_of(type(event)):  # before the standing: some compare with the last
        row.update(change(row, event))
    standing = event.standing
    row["status"], row["skpd_code"] = standing.status, standing.skpd_code
    row["skpd_name"], row["due_at"], row["updated_at"] = (
        standing.skpd_name,
        standing.due_at,
        event.at,
    )
    return row


@cache
def _changes_of(kind: type[Case.Event]) -> tuple[Callable[[Row, Any], Row], ...]:
    """What an event of this class changes: the deadline it sets, its reply window, its own."""
    changes: list[Callable[[Row, Any], Row]] = []
    if issubclass(kind, Case.SetsDeadline):
        changes.append(lambda row, event: _deadline(row, event.deadline))
    if issubclass(kind, Case.SetsReplyWindow):
        changes.append(lambda row, event: _reply_window(event.reply_window))
    if kind in _CHANGES:
        changes.append(_CHANGES[kind])
    return tuple(changes)


def _line(case: UUID, event: Any) -> tuple[Any, ...] | None:
    """The event's timeline line, in its table's column order (`TIMELINE_ROW`)."""
    entry = describe(event)
    if entry is None:
        return None
    words = entry.line
    seq = event.originator_version
    return (case, seq, entry.type, event.at, words.description, words.detail)


TIMELINE_ROW = ("report_id", "seq", "event_type", "at", "text", "detail")


def _standing(event: Case.Event) -> Row:
    standing = event.standing
    return {
        "status": standing.status,
        "skpd_code": standing.skpd_code,
        "skpd_name": standing.skpd_name,
        "due_at": standing.due_at,
        "updated_at": event.at,
    }


def _deadline(row: Row, deadline: Deadline | None) -> Row:
    """The deadline an event sets; one that restarts is neither warned nor missed yet."""
    values: Row = {
        "deadline_step": deadline.step if deadline else None,
        "warn_at": deadline.warn_at if deadline else None,
    }
    if restarts(deadline, row["deadline_step"], row["due_at"]):
        values.update(_RESTARTED)
    return values


_RESTARTED: Row = {
    "deadline_warned": False,
    "deadline_missed": False,
    "deadline_escalated": False,
    "escalate_at": None,
}


def _reply_window(window: Deadline | None) -> Row:
    return {
        "reply_due_at": window.due_at if window else None,
        "reply_warn_at": window.warn_at if window else None,
        "reply_warned": False,
    }


def _disposed(event: Case.Disposed | Case.Escalated) -> Row:
    also = ",".join(event.also or ())
    return {
        "disposed_at": event.at,
        "also_codes": f",{also}," if also else "",
        "first_follow_up_at": None,
        "resolved_at": None,
        "resolved_on_time": None,
        "assignee": None,
    }


def _escalated(row: Row, event: Case.Escalated) -> Row:
    values: Row = {"escalations": (row["escalations"] or 0) + 1}
    if event.overdue_step:
        values["deadline_escalated"] = True
    if event.moved:
        values.update(_deadline(row, event.deadline), **_disposed(event), **_reply_window(None))
    return values


def _approaching(row: Row, event: Case.DeadlineApproaching) -> Row:
    if event.step == Step.REPLY.value:
        return {"reply_warned": True}
    return {"deadline_warned": True}


def _missed(row: Row, event: Case.DeadlineMissed) -> Row:
    if event.step == Step.REPLY.value:
        return {}
    return {"deadline_warned": True, "deadline_missed": True, "escalate_at": event.escalate_at}


def _fixed(values: Row) -> Callable[[Row, Any], Row]:
    return lambda row, event: values


# What each kind of event changes beyond where the case stands, its deadline and reply window.
_CHANGES: dict[type[Case.Event], Callable[[Row, Any], Row]] = {
    Case.AwaitingTriage: _fixed({"also_codes": "", "assignee": None}),
    Case.Returned: _fixed({"also_codes": "", "assignee": None}),
    Case.Assigned: lambda row, e: {"assignee": e.assignee},
    Case.Disposed: lambda row, e: _disposed(e),
    Case.Escalated: _escalated,
    Case.FollowUpPosted: lambda row, e: {"first_follow_up_at": row["first_follow_up_at"] or e.at},
    Case.Resolved: lambda row, e: {"resolved_at": e.at, "resolved_on_time": e.on_time},
    Case.Classified: lambda row, e: {"resolution_days": e.resolution_days},
    Case.Reopened: _fixed({"resolved_at": None, "resolved_on_time": None}),
    Case.Rated: lambda row, e: {"rating": e.rating},
    Case.Closed: lambda row, e: {"closed_at": e.at},
    Case.DeadlineApproaching: _approaching,
    Case.DeadlineMissed: _missed,
    **MODERATION_CHANGES,
}


def _opened(event: Case.Opened) -> Row:
    envelope, location = event.envelope, event.location
    row = dict(_EMPTY)
    row.update(
        report_id=event.originator_id,
        tracking_id=envelope.tracking_id,
        kind=envelope.kind,
        channel=envelope.channel,
        rahasia=envelope.rahasia,
        anonim=envelope.anonim,
        title=event.title,
        text=event.text,
        received_at=event.received_at,
        category=event.category,
        attachments=_json_list(event.attachments or ()),
        **public_face(event.title, event.text),
        **_deadline(row, event.deadline),
        **{key: location.get(key) for key in _LOCATION},
        **_standing(event),
    )
    return row


def _json_list(items: Sequence[str]) -> str:
    return json.dumps(list(items)) if items else "[]"


_LOCATION = ("kecamatan", "kelurahan", "address", "latitude", "longitude")
_EMPTY: Row = {
    **{column.name: None for column in cases.c},
    **_RESTARTED,
    "also_codes": "",
    "escalations": 0,
    "reply_warned": False,
    "hidden": False,
    "flags": 0,
}
