"""Reads of the case read model: status, figures, desks, the public feed, cases due for review."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Engine, Select, and_, case, false, func, or_, select, true, union_all

from shared.directory import by_code
from tracking.adapters.tables import SEARCHED_TEXT, case_history, cases, timeline
from tracking.application.figures import OPEN_STATUSES, CaseFacts, Stats, StatsFilter, compute
from tracking.application.views import (
    CaseView,
    DeskFilter,
    DeskItem,
    EscalatedItem,
    FeedItem,
    Page,
    TimelineEntry,
)
from tracking.domain.status import AGENCY_STEPS

_LOCATION = ("kecamatan", "kelurahan", "address", "latitude", "longitude")
_CONSTANT = ("report_id", "channel", "kind", "kecamatan", "received_at")
_MOVING = (
    "status",
    "skpd_code",
    "skpd_name",
    "deadline_step",
    "due_at",
    "disposed_at",
    "first_follow_up_at",
    "resolved_on_time",
    "escalations",
)
REPORT_COLUMNS = (
    "tracking_id", "received_at", "channel", "kind", "category", "kecamatan", "kelurahan",
    "status", "skpd_code", "skpd_name", "disposed_at", "first_follow_up_at", "resolved_at",
    "resolved_on_time", "closed_at", "deadline_step", "due_at", "overdue", "escalations",
    "rating", "rahasia", "anonim",
)  # fmt: skip


class SqlCaseViews:
    """The read model's answers, from its SQLAlchemy tables."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def by_tracking_id(self, tracking_id: str) -> CaseView | None:
        """A case and its timeline, by the public tracking id."""
        with self._engine.connect() as conn:
            row = conn.execute(
                select(cases).where(cases.c.tracking_id == tracking_id).limit(1)
            ).first()
            if row is None:
                return None
            lines = conn.execute(
                select(timeline)
                .where(timeline.c.report_id == row.report_id)
                .order_by(timeline.c.seq)
            ).all()
        return _view(row._mapping, [_entry(line._mapping) for line in lines])

    def stats(self, query: StatsFilter, now: datetime) -> Stats:
        """The figures under a filter, now or as they stood at `query.as_of`."""
        moment = query.as_of or now
        facts = [f for f in self._facts(query.as_of) if query.admits(f)]
        names = {code: body.name for code, body in by_code().items()}
        return compute(facts, moment, names)

    def report_rows(self, query: StatsFilter, now: datetime) -> list[dict[str, Any]]:
        """One row per report for analysts (no identity, no text)."""
        admitted = {f.report_id for f in self._facts(query.as_of) if query.admits(f)}
        with self._engine.connect() as conn:
            rows = conn.execute(select(cases).order_by(cases.c.received_at)).all()
        out = []
        for row in rows:
            if row.report_id in admitted:
                values = dict(row._mapping)
                values["overdue"] = _facts(values).overdue(now)
                out.append({name: values[name] for name in REPORT_COLUMNS})
        return out

    def desk(self, code: str, query: DeskFilter, now: datetime, limit: int, offset: int) -> Page:
        """The reports disposed to a body (as primary or sharing it) under the desk's filters:
        overdue first, then by the moment they are due (none last), then the oldest."""
        chosen = _held_by(code, desk_conditions(query, now))
        late = case((_overdue(now, chosen.c), 0), else_=1)
        order = (late, chosen.c.due_at.is_(None), chosen.c.due_at, chosen.c.received_at,
                 chosen.c.tracking_id)  # fmt: skip
        # Order and count on the desk index alone (it covers every column they read), then
        # read the page's rows: the wide rows of the other cases are never touched. A text
        # search reads the rows it matches: once, counting them as it orders them.
        ordered = select(chosen.c.report_id).order_by(*order)
        if query.q and query.q.strip():
            ids, total = self._counted_page(ordered, limit, offset)
        else:
            ids, total = self._page(ordered, limit, offset)
        wanted = [found.report_id for found in ids]
        with self._engine.connect() as conn:
            rows = {r.report_id: r for r in conn.execute(select(cases).where(
                cases.c.report_id.in_(wanted)))}  # fmt: skip
        items = tuple(_desk_item(rows[report_id], code, now) for report_id in wanted)
        return Page(items, total)

    def escalated(self, limit: int, offset: int) -> Page:
        """Open cases escalated at least once, the longest overdue first (the admin's queue)."""
        chosen = select(cases).where(
            cases.c.escalations > 0, cases.c.status.in_([s.value for s in OPEN_STATUSES])
        )
        order = (cases.c.due_at.is_(None), cases.c.due_at, cases.c.tracking_id)
        rows, total = self._page(chosen.order_by(*order), limit, offset)
        return Page(tuple(_escalated_item(row) for row in rows), total)

    def feed(self, limit: int, offset: int) -> Page:
        """Public reports (neither `rahasia` nor hidden), newest first, masked, no identity."""
        query = select(cases).where(cases.c.rahasia == false(), cases.c.hidden == false())
        order = (cases.c.received_at.desc(), cases.c.tracking_id)
        rows, total = self._page(query.order_by(*order), limit, offset)
        return Page(tuple(_feed_item(row) for row in rows), total)

    def due(self, now: datetime, limit: int) -> list[UUID]:
        """Cases with a warning, deadline, escalation or reply window due and not recorded yet."""
        agency = and_(
            cases.c.due_at.is_not(None),
            or_(
                and_(cases.c.deadline_missed == false(), cases.c.due_at <= now),
                and_(cases.c.deadline_warned == false(), cases.c.warn_at <= now),
                and_(
                    cases.c.deadline_missed,
                    cases.c.deadline_escalated == false(),
                    cases.c.deadline_step.in_([s.value for s in AGENCY_STEPS]),
                    or_(cases.c.escalate_at.is_(None), cases.c.escalate_at <= now),
                ),
            ),
        )
        reply = and_(
            cases.c.reply_due_at.is_not(None),
            or_(
                cases.c.reply_due_at <= now,
                and_(cases.c.reply_warned == false(), cases.c.reply_warn_at <= now),
            ),
        )
        query = select(cases.c.report_id).where(or_(agency, reply)).limit(limit)
        with self._engine.connect() as conn:
            return list(conn.scalars(query.order_by(cases.c.updated_at)))

    def _facts(self, as_of: datetime | None) -> list[CaseFacts]:
        with self._engine.connect() as conn:
            if as_of is None:
                rows = conn.execute(select(*(cases.c[n] for n in (*_CONSTANT, *_MOVING))))
            else:
                rows = conn.execute(_history_at(as_of))
            return [_facts(dict(row._mapping)) for row in rows]

    def _page(self, query: Select[Any], limit: int, offset: int) -> tuple[list[Any], int]:
        with self._engine.connect() as conn:
            total = conn.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
            rows = list(conn.execute(query.limit(limit).offset(offset)).all())
        return rows, int(total or 0)

    def _counted_page(self, query: Select[Any], limit: int, offset: int) -> tuple[list[Any], int]:
        """A page and the total of one pass over the query (a window count over every row)."""
        counted = query.add_columns(func.count().over().label("total"))
        with self._engine.connect() as conn:
            rows = list(conn.execute(counted.limit(limit).offset(offset)).all())
        if not rows:  # past the end: no row carries the total
            return self._page(query, limit, offset)
        return rows, int(rows[0].total)


def _history_at(as_of: datetime) -> Select[Any]:
    """Each case's last history row at or before `as_of`, with its constant facts."""
    last = (
        select(case_history.c.report_id, func.max(case_history.c.seq).label("seq"))
        .where(case_history.c.at <= as_of)
        .group_by(case_history.c.report_id)
        .subquery()
    )
    constant = [cases.c[n] for n in _CONSTANT]
    moving = [case_history.c[n] for n in _MOVING]
    return (
        select(*constant, *moving)
        .join_from(case_history, last, and_(
            case_history.c.report_id == last.c.report_id, case_history.c.seq == last.c.seq
        ))
        .join(cases, cases.c.report_id == case_history.c.report_id)
        .where(cases.c.received_at <= as_of)
    )  # fmt: skip


_ORDERED = ("report_id", "due_at", "status", "deadline_step", "received_at", "tracking_id")


def _held_by(code: str, conditions: list[Any]) -> Any:
    """The cases a body holds under the conditions, with what the desk orders them by.

    Two parts, each on its own index (an OR of the two would read every case): the cases it
    holds as primary body (the desk index, by code), and the few it shares (`also`, a partial
    index of shared cases).
    """
    columns = [cases.c[name] for name in _ORDERED]
    primary = select(*columns).where(cases.c.skpd_code == code, *conditions)
    shared = select(*columns).where(
        cases.c.also_codes != "",
        cases.c.also_codes.contains(f",{code},"),
        or_(cases.c.skpd_code.is_(None), cases.c.skpd_code != code),
        *conditions,
    )
    return union_all(primary, shared).subquery("held")


def desk_conditions(query: DeskFilter, now: datetime) -> list[Any]:
    """The SQL conditions of the desk's filters (an empty filter: none)."""
    found: list[Any] = []
    if query.status == "open":
        found.append(cases.c.status.in_([s.value for s in OPEN_STATUSES]))
    elif query.status == "closed":
        found.append(cases.c.status.not_in([s.value for s in OPEN_STATUSES]))
    elif query.status:
        found.append(cases.c.status == query.status)
    if query.overdue is not None:
        # Not overdue: also a case without a due moment or step (its NULL would hide it).
        found.append(_overdue(now) if query.overdue else _overdue(now).is_not(true()))
    if query.assignee:
        found.append(cases.c.assignee == query.assignee)
    if query.kecamatan:
        found.append(func.lower(cases.c.kecamatan) == query.kecamatan.strip().lower())
    if query.category:
        found.append(cases.c.category == query.category)
    if query.q and query.q.strip():
        found.append(_search(query.q.strip()))
    return found


def _search(words: str) -> Any:
    """A tracking id, or words anywhere in the title or the text, in any case (a substring, so
    `bocor` finds `kebocoran`): the trigram index of `SEARCHED_TEXT` on PostgreSQL."""
    pattern = "%" + re.sub(r"([\\%_])", r"\\\1", words) + "%"
    return or_(
        cases.c.tracking_id == words.upper(),
        SEARCHED_TEXT.like(func.lower(pattern), escape="\\"),
    )


def _overdue(now: datetime, columns: Any = cases.c) -> Any:
    return and_(
        columns.due_at < now,
        columns.status.in_([s.value for s in OPEN_STATUSES]),
        columns.deadline_step.in_([s.value for s in AGENCY_STEPS]),
    )


def _facts(row: dict[str, Any]) -> CaseFacts:
    return CaseFacts(**{name: row[name] for name in (*_CONSTANT, *_MOVING)})


def _attachments(row: Any) -> tuple[str, ...]:
    try:
        return tuple(json.loads(row.attachments or "[]"))
    except ValueError:
        return ()


def _desk_item(row: Any, code: str, now: datetime) -> DeskItem:
    return DeskItem(
        tracking_id=row.tracking_id,
        status=row.status,
        title=row.title,
        text=row.text,
        kind=row.kind,
        channel=row.channel,
        received_at=row.received_at,
        primary=row.skpd_code == code,
        kecamatan=row.kecamatan,
        kelurahan=row.kelurahan,
        address=row.address,
        disposed_at=row.disposed_at,
        deadline_step=row.deadline_step,
        due_at=row.due_at,
        overdue=_facts(dict(row._mapping)).overdue(now),
        attachments=_attachments(row),
        assignee=row.assignee,
        category=row.category,
    )


def _escalated_item(row: Any) -> EscalatedItem:
    return EscalatedItem(
        tracking_id=row.tracking_id, status=row.status, title=row.title,
        skpd_code=row.skpd_code, skpd_name=row.skpd_name, due_at=row.due_at,
        escalations=row.escalations, assignee=row.assignee,
    )  # fmt: skip


def _feed_item(row: Any) -> FeedItem:
    return FeedItem(
        tracking_id=row.tracking_id,
        status=row.status,
        title=row.public_title,
        text=row.public_text,
        kind=row.kind,
        received_at=row.received_at,
        category=row.category,
        skpd_code=row.skpd_code,
        skpd_name=row.skpd_name,
        kecamatan=row.kecamatan,
        kelurahan=row.kelurahan,
        attachments=_attachments(row),
        due_at=row.due_at,
        updated_at=row.updated_at,
        channel=row.channel,
    )


def _entry(line: Any) -> TimelineEntry:
    return TimelineEntry(line["event_type"], line["at"], line["text"], line["detail"])


def _view(row: Any, events: list[TimelineEntry]) -> CaseView:
    return CaseView(
        tracking_id=row["tracking_id"],
        report_id=row["report_id"],
        status=row["status"],
        kind=row["kind"],
        channel=row["channel"],
        rahasia=row["rahasia"],
        received_at=row["received_at"],
        skpd_code=row["skpd_code"],
        skpd_name=row["skpd_name"],
        due_at=row["due_at"],
        title=row["title"],
        text=row["text"],
        location={key: row[key] for key in _LOCATION if row[key] is not None},
        events=tuple(events),
        attachments=_attachments_of(row),
        closed_at=row["closed_at"],
        category=row["category"],
        updated_at=row["updated_at"],
        anonim=row["anonim"],
        hidden=row["hidden"],
        public_title=row["public_title"],
        public_text=row["public_text"],
    )


def _attachments_of(row: Any) -> tuple[str, ...]:
    try:
        return tuple(json.loads(row["attachments"] or "[]"))
    except ValueError:
        return ()
