"""A batch's table statements keep one SQL text each, so the write path runs them as a few groups
(the driver parsing each text once), with the same rows in the same order."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

from eventsourcing.persistence import Tracking

from notification.adapters.tables import SqlIndexes
from notification.domain.indexes import WaitingCase
from shared.contracts import CaseAwaitingTriage, CaseDisposed, CaseOpened
from shared.processing import Batch
from shared.statements import grouped, set_based
from tests.unit.notification.test_notification_batch_reads import notification

NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)  # 09.00 WITA


def test_a_batchs_adds_and_moves_run_as_one_group_each_the_rest_in_order(
    tmp_path: Path,
) -> None:
    app = notification(tmp_path / "n.sqlite", None)
    tables: SqlIndexes = app.tables  # type: ignore[assignment]
    waiting = WaitingCase("LPR-2", uuid4(), "triage", "tidak jelas", NOW)
    statements = [
        tables.add("LPR-1", uuid4()),
        tables.wait(waiting),
        tables.add("LPR-1", uuid4()),
        tables.move("LPR-2"),
        tables.add("LPR-2", uuid4()),
        tables.move("LPR-3"),
        tables.move("LPR-4"),
    ]
    groups = grouped(statements)
    assert len(groups) == 3  # the adds; the wait, then the moves
    assert [p["t"] for p in groups[0].params] == ["LPR-1", "LPR-1", "LPR-2"]
    assert groups[1].sql == statements[1].sql
    assert [p["t"] for p in groups[2].params] == ["LPR-2", "LPR-3", "LPR-4"]
    assert set_based(groups[2].sql) is not None  # on PostgreSQL: one delete over an array


def test_messages_added_in_one_batch_keep_their_order_after_the_stored_ones(
    tmp_path: Path, make_case: Any
) -> None:
    app = notification(tmp_path / "n.sqlite", None)
    first = make_case(CaseOpened, tracking_id="LPR-00000001")
    assert app.process_batch([first], Tracking("cases:0", 1)) == []
    batch = [
        make_case(CaseAwaitingTriage, tracking_id="LPR-00000002", reason="tidak jelas"),
        make_case(CaseDisposed, tracking_id="LPR-00000001", skpd_code="PDAM"),
        make_case(CaseOpened, tracking_id="LPR-00000002"),
        make_case(CaseDisposed, tracking_id="LPR-00000002", skpd_code="PDAM"),
    ]
    assert app.process_batch(batch, Tracking("cases:0", 2)) == []
    one = [m.template for m in app.messages_for("LPR-00000001")]
    two = [m.template for m in app.messages_for("LPR-00000002")]
    assert one == ["case_opened", "case_disposed", "skpd_new_report"]
    assert two == ["case_opened", "case_disposed", "skpd_new_report"]
    assert app.tables.waiting() == []  # waited, then left the queue: in that order


def test_a_batch_of_many_reports_runs_a_few_statements(tmp_path: Path, make_case: Any) -> None:
    app = notification(tmp_path / "n.sqlite", None)
    batch = Batch(Tracking("cases:0", 1))
    for n in range(100):
        app.policy(make_case(CaseDisposed, tracking_id=f"LPR-{n:08d}", skpd_code="PDAM"), batch)
    assert len(batch.statements) == 300  # two messages and a move per report
    assert len({statement.sql for statement in batch.statements}) == 2  # a text per kind
    assert len(grouped(batch.statements)) == 2
