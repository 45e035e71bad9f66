"""The public updates from the read model: timeline lines of public cases, by moment.

A line is an update when it carries a body's words (follow-up, resolution) or when the status
bucket after it (`case_history` at the same step) differs from the bucket before it. The window
is read through `ix_timeline_at` (at, report_id, seq), which also gives the order.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, Select, and_, false, func, or_, select

from tracking.adapters.tables import case_history, cases, timeline
from tracking.application.updates import BODY_WORDS, StepRow, UpdateWindow

_after = case_history.alias("after_step")
_before = case_history.alias("before_step")


def _bucket_before() -> Any:
    """The bucket at the case's previous step (NULL for its first)."""
    return (
        select(_before.c.status)
        .where(_before.c.report_id == timeline.c.report_id, _before.c.seq < timeline.c.seq)
        .order_by(_before.c.seq.desc())
        .limit(1)
        .correlate(timeline)
        .scalar_subquery()
    )


def _where(query: Select[Any], window: UpdateWindow) -> Select[Any]:
    joined = timeline.join(cases, cases.c.report_id == timeline.c.report_id).join(
        _after, and_(_after.c.report_id == timeline.c.report_id, _after.c.seq == timeline.c.seq)
    )
    query = query.select_from(joined).where(
        cases.c.rahasia == false(),
        or_(timeline.c.event_type.in_(BODY_WORDS), _after.c.status != _bucket_before()),
    )
    if "hidden" in cases.c:  # moderation (issue I): a hidden report is not public either
        query = query.where(cases.c.hidden == false())
    if window.start is not None:
        query = query.where(timeline.c.at >= window.start)
    if window.end is not None:
        query = query.where(timeline.c.at < window.end)
    return query


class SqlUpdateSteps:
    """The update steps of a window, from the read model's SQLAlchemy tables."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def steps(self, window: UpdateWindow, limit: int, offset: int) -> tuple[list[StepRow], int]:
        """One slice of the window's update steps, oldest first, and how many it holds."""
        columns = (
            cases.c.tracking_id, timeline.c.seq, timeline.c.event_type, timeline.c.at,
            timeline.c.text, timeline.c.detail, _after.c.status,
        )  # fmt: skip
        page = _where(select(*columns), window).order_by(
            timeline.c.at, timeline.c.report_id, timeline.c.seq
        )
        with self._engine.connect() as conn:
            total = int(conn.scalar(_where(select(func.count()), window)) or 0)
            rows = conn.execute(page.limit(limit).offset(offset)).all() if total > offset else []
        return [StepRow(*row) for row in rows], total
