"""Reads of the case read model: status by tracking id, statistics, cases due for review."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Engine, and_, case, false, func, or_, select

from shared.contracts import StatusBucket
from tracking.adapters.tables import cases, timeline
from tracking.application.views import BodyStats, CaseView, Stats, TimelineEntry

_LOCATION = ("kecamatan", "kelurahan", "address", "latitude", "longitude")


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

    def stats(self) -> Stats:
        """Counts per status bucket and per body."""
        resolved = func.sum(case((cases.c.status == StatusBucket.SELESAI.value, 1), else_=0))
        with self._engine.connect() as conn:
            counted = conn.execute(select(cases.c.status, func.count()).group_by(cases.c.status))
            per_status: dict[str, int] = {status: int(n) for status, n in counted}
            per_body = conn.execute(
                select(cases.c.skpd_code, func.max(cases.c.skpd_name), func.count(), resolved)
                .where(cases.c.skpd_code.is_not(None))
                .group_by(cases.c.skpd_code)
                .order_by(cases.c.skpd_code)
            ).all()
        bodies = tuple(
            BodyStats(code, name or code, int(n), int(done or 0), int(n) - int(done or 0))
            for code, name, n, done in per_body
        )
        return Stats(
            total=sum(per_status.values()),
            by_status={b.value: int(per_status.get(b.value, 0)) for b in StatusBucket},
            received=sum(b.received for b in bodies),
            resolved=sum(b.resolved for b in bodies),
            in_progress=sum(b.in_progress for b in bodies),
            by_skpd=bodies,
        )

    def due(self, now: datetime, limit: int) -> list[UUID]:
        """Cases whose warning or deadline has come and is not recorded yet, earliest first."""
        query = (
            select(cases.c.report_id)
            .where(
                cases.c.due_at.is_not(None),
                cases.c.deadline_missed == false(),
                or_(
                    cases.c.due_at <= now,
                    and_(cases.c.warn_at <= now, cases.c.deadline_warned == false()),
                ),
            )
            .order_by(cases.c.due_at)
            .limit(limit)
        )
        with self._engine.connect() as conn:
            return list(conn.scalars(query))


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
    )
