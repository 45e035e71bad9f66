"""Many cases with varied lives, for read-model tests: every kind of case event, out of order."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import psycopg
from moderation_lives import moderated_lives
from sqlalchemy import Connection, Engine, Table, delete, event, insert, select, text
from tracking_helpers import (
    DISPOSITIONS,
    DLH,
    DLH_ACTIONS,
    PDAM,
    PDAM_ACTIONS,
    REPORTS,
    START,
    Feed,
    Report,
)

from shared import contracts as c
from shared.clock import FixedClock
from tracking.adapters.bulk import write_rows
from tracking.adapters.tables import case_history, cases, timeline
from tracking.bootstrap import TrackingParts

TABLES = (cases, case_history, timeline)


def _reporter(report: Report, hours: int) -> dict[str, object]:
    at = START + timedelta(hours=hours)
    ids = {"report_id": report.report_id, "tracking_id": report.tracking_id}
    return {**ids, "occurred_at": at, "received_at": at, "channel": c.Channel.SMS}


def _ids(report: Report, hours: float) -> dict[str, object]:
    at = START + timedelta(hours=hours)
    return {"report_id": report.report_id, "tracking_id": report.tracking_id, "occurred_at": at}


def varied_lives(feed: Feed, parts: TrackingParts, count: int) -> int:
    """Send `count` groups of cases through tracking, then let deadlines pass; returns events."""
    clock = parts.clock
    assert isinstance(clock, FixedClock)
    first = int(parts.app.recorder.max_notification_id() or 0)
    clock.set(START)
    for n in range(count):
        done, bounced, held, replied = (Report(f"LPR-V{k}{n:06d}") for k in "DBHR")
        feed.send(PDAM_ACTIONS, done.acknowledge())  # early: parked until the case opens
        feed.send(REPORTS, done.received(), bounced.received(), held.received(), replied.received())
        feed.send(DISPOSITIONS, done.disposed(), bounced.disposed(DLH), replied.disposed())
        feed.send(REPORTS, c.ReportHeld(**_ids(held, 0.5), reason="Perlu ditinjau"))
        feed.send(PDAM_ACTIONS, done.follow_up(), done.resolve(), replied.acknowledge())
        feed.send(PDAM_ACTIONS, replied.follow_up(), replied.resolve())
        feed.send(DLH_ACTIONS, bounced.not_competent("DLH"))
        feed.send(DISPOSITIONS, bounced.redisposed("DLH", ("PDAM", "PDAM")))
        feed.send(
            REPORTS,
            c.ReporterReplyReceived(**_reporter(replied, 5), text="Air masih belum mengalir"),
            c.ReporterRatingReceived(**_reporter(done, 6), rating=4, comment="cepat"),
            c.ReporterStatusRequested(**_reporter(held, 6)),
        )
        feed.send(
            REPORTS,
            c.ReportArchived(**_ids(held, 7), reason="Bukan pengaduan"),
            c.ReportLinkedAsDuplicate(
                **_ids(Report(f"LPR-VL{n:06d}"), 7),
                duplicate_of_report_id=done.report_id,
                duplicate_of_tracking_id=done.tracking_id,
            ),
        )
    clock.set(START + timedelta(days=40))  # deadlines approach, pass, escalate
    for _ in range(3):
        parts.watch.check()
    return int(parts.app.recorder.max_notification_id() or 0) - first


def _accepted(report: Report) -> c.ReportAccepted:
    return c.ReportAccepted(**report.received().model_dump(exclude={"event_id"}))


def more_lives(feed: Feed) -> None:
    """What `varied_lives` leaves out: resumed, triage, routing's escalation, classification."""
    resumed, triaged, escalated, classified, waiting, linked = (
        Report(f"LPR-X{k}000001") for k in "RTECWL"
    )
    feed.send(REPORTS, resumed.received(), triaged.received(), escalated.received())
    feed.send(REPORTS, classified.received(), waiting.received(), linked.received())
    feed.send(
        REPORTS,
        c.ReportLinkedAsDuplicate(
            **_ids(linked, 0.2),
            duplicate_of_report_id=waiting.report_id,
            duplicate_of_tracking_id=waiting.tracking_id,
        ),
    )
    feed.send(REPORTS, _accepted(escalated))  # the normal path: received, then accepted
    held = c.ReportHeld(**_ids(resumed, 0.5), reason="Perlu ditinjau")
    feed.send(REPORTS, held, _accepted(resumed))
    feed.send(DISPOSITIONS, c.ReportAwaitingTriage(**_ids(triaged, 1), reason="Ragu"))
    feed.send(DISPOSITIONS, triaged.disposed(DLH), escalated.disposed(), classified.disposed())
    feed.send(
        DISPOSITIONS,
        c.ReportEscalated(
            **_ids(escalated, 30), reason="Dikembalikan dua kali", skpd_code="SETDA-HUMAS",
            skpd_name="Bagian Humas", rejected_by=("PDAM", "DLH"),
        ),
        c.ReportEscalated(**_ids(triaged, 30), reason="Tidak ada yang berwenang"),
    )  # fmt: skip
    feed.send(
        PDAM_ACTIONS,
        c.Acknowledge(**_ids(classified, 2), skpd_code=PDAM[0], actor="Budi Santoso"),
        c.Classify(**_ids(classified, 3), skpd_code=PDAM[0], resolution_days=60),
        classified.follow_up(),
        c.Assign(**_ids(classified, 3.5), skpd_code=PDAM[0], actor=c.Actor(role="skpd:PDAM",
                 name="Budi Santoso"), assignee="Siti Rahmah"),
        c.Assign(**_ids(classified, 3.6), skpd_code=PDAM[0], actor=c.Actor(role="skpd:PDAM",
                 name="Siti Rahmah"), assignee="Rudi Hartono"),
    )  # fmt: skip


def every_kind_of_life(feed: Feed, parts: TrackingParts) -> None:
    """Cases whose lives record every kind of case event, deadlines included (projected)."""
    more_lives(feed)
    varied_lives(feed, parts, 1)
    parts.projector.catch_up()
    moderated_lives(parts)
    clock = parts.clock
    assert isinstance(clock, FixedClock)
    for moment in (timedelta(days=2, hours=12), *[timedelta(days=40)] * 3):
        clock.set(START + moment)  # deadlines approach, pass, escalate
        parts.watch.check()
        parts.projector.catch_up()


def dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the read model's case tables, as the database stores them (no type reads)."""
    with engine.connect() as conn:
        return {
            table.name: sorted(
                (tuple(row) for row in conn.execute(text(f"SELECT * FROM {table.name}"))),
                key=repr,
            )
            for table in TABLES
        }


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements sent to the database while the block runs (one per DBAPI call, and
    one per COPY, which psycopg runs beside SQLAlchemy)."""
    sent: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        sent.append(statement)

    copy = psycopg.Cursor.copy

    def copied(cursor: psycopg.Cursor[Any], statement: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(str(statement))
        return copy(cursor, statement, *args, **kwargs)

    event.listen(engine, "before_cursor_execute", count)
    psycopg.Cursor.copy = copied  # type: ignore[assignment,method-assign]
    try:
        yield sent
    finally:
        psycopg.Cursor.copy = copy  # type: ignore[method-assign]
        event.remove(engine, "before_cursor_execute", count)


def _plainly(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        conn.execute(insert(table).values(row))


def _in_bulk(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    if table is cases:  # half of them over stale rows: the upsert must overwrite every column
        conn.execute(insert(cases), [{**row, "status": "stale", "rating": 0} for row in rows[::2]])
    write_rows(conn, table, rows, upsert_on=("report_id",) if table is cases else ())


def bulk_writes_store_what_plain_inserts_store(engine: Engine) -> bool:
    """Whether rows written again by `write_rows` are stored as SQLAlchemy's inserts store them."""
    dumps = []
    for write in (_plainly, _in_bulk):
        with engine.begin() as conn:
            for table in TABLES:
                rows = [dict(row._mapping) for row in conn.execute(select(table))]
                conn.execute(delete(table))
                write(conn, table, rows)
        dumps.append(dump(engine))
    return dumps[0] == dumps[1] and all(dumps[0].values())


def batches_cost_the_same_statements(feed: Feed, parts: TrackingParts) -> list[str]:
    """Project one group of lives, then ten; the statements of the second (as few)."""
    parts.projector.catch_up()  # the position's first row
    small = varied_lives(feed, parts, 1)
    with statements(parts.engine) as few:
        assert parts.projector.catch_up(10_000) == small
    many = varied_lives(feed, parts, 10)
    with statements(parts.engine) as more:
        assert parts.projector.catch_up(10_000) == many
    assert many >= 5 * small
    # A bound whatever the size (a batch whose cases all open in it reads no case row).
    assert len(few) <= len(more) <= 8
    return more


def a_batch_projects_what_single_events_do(feed: Feed, parts: TrackingParts) -> None:
    """The read model after one batch equals the read model after one event at a time."""
    events = varied_lives(feed, parts, 3)
    assert parts.projector.project_once(events) == events
    batched = dump(parts.engine)
    parts.projector.reset()
    assert parts.projector.catch_up(1) == events
    assert dump(parts.engine) == batched
    assert len(batched["cases"]) == 12  # the duplicate's own report never opened a case
