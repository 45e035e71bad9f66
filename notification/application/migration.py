"""Moves the index aggregates of a store written before the tables into them, once.

Before, the agenda shards, the admin's waiting list, the report indexes, the duplicate links and
(until main 717a24b) the list of delivery problems were event-sourced aggregates. Their events stay
in the store (history is never rewritten); each migration reads them once, writes what they
amount to as rows, and notes that it ran in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application

from notification.application.policy import agenda_ids, problems_id, waiting_id
from notification.application.ports import Indexes
from notification.domain.agenda import Agenda
from notification.domain.duplicates import Duplicates
from notification.domain.indexes import Link, ReportRow, WaitingCase
from notification.domain.problems import DeliveryProblems
from notification.domain.report_index import ReportNotifications
from notification.domain.waiting import Waiting
from shared.processing import Statement
from shared.tables import stored_events

MIGRATION = "f3-index-tables"
PROBLEMS_MIGRATION = "f3-problems-table"


def migrate_indexes(app: Application, tables: Indexes) -> int:
    """Write the old aggregates' state as rows, unless done before; how many rows were written."""
    if tables.migrated(MIGRATION):
        return 0
    statements = [*_agendas(app, tables), *_waiting(app, tables), *_reports(app, tables)]
    statements += _duplicates(app, tables)
    tables.run([*statements, tables.mark_migrated(MIGRATION)])
    return len(statements)


def migrate_problems(app: Application, tables: Indexes) -> int:
    """Write the old list of delivery problems as rows, unless done before; how many."""
    if tables.migrated(PROBLEMS_MIGRATION):
        return 0
    problems: DeliveryProblems | None = _get(app, problems_id())
    noted = problems.statuses.items() if problems is not None else ()
    statements = [tables.note_problem(UUID(nid), status) for nid, status in noted]
    tables.run([*statements, tables.mark_migrated(PROBLEMS_MIGRATION)])
    return len(statements)


def _get(app: Application, aggregate_id: Any) -> Any:
    try:
        return app.repository.get(aggregate_id)
    except AggregateNotFoundError:
        return None


def _started(app: Application, cls: type[Any]) -> Iterator[Any]:
    """Every stored aggregate of a class (found by its creation events), oldest first."""
    for started in stored_events(app, cls, "Started"):
        yield app.repository.get(started.originator_id)


def _agendas(app: Application, tables: Indexes) -> Iterator[Statement]:
    for agenda_id in agenda_ids():
        agenda: Agenda | None = _get(app, agenda_id)
        planned = agenda.due.items() if agenda is not None else ()
        yield from (tables.plan(UUID(nid), due_at) for nid, due_at in planned)


def _waiting(app: Application, tables: Indexes) -> Iterator[Statement]:
    waiting: Waiting | None = _get(app, waiting_id())
    if waiting is None:
        return
    for tracking_id, case in waiting.cases.items():
        yield tables.wait(WaitingCase(tracking_id=tracking_id, **case))
    if waiting.last_digest is not None:
        yield tables.digest_sent(waiting.last_digest)


def _reports(app: Application, tables: Indexes) -> Iterator[Statement]:
    for index in _started(app, ReportNotifications):
        key = index.tracking_id.upper()
        kinds = index.contact_kinds
        row = ReportRow(key, index.report_id, index.heard, kinds, version=1)
        yield tables.write_report(row)[1]  # the row, no version claim
        yield from (tables.add(key, nid) for nid in index.notification_ids)
        yield from (tables.park(key, payload) for payload in index.parked)


def _duplicates(app: Application, tables: Indexes) -> Iterator[Statement]:
    for found in _started(app, Duplicates):
        for link in found.links:
            fields = {k: link[k] for k in ("tracking_id", "channel", "reporter_ref")}
            yield tables.link(found.tracking_id, Link(report_id=UUID(link["report_id"]), **fields))
