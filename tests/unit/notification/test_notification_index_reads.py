"""A batch reads the report rows and duplicate links its messages need once, at its start."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import Tracking

from notification.application.service import NotificationApplication
from shared.contracts import (
    CaseDisposed,
    CaseLinkedAsDuplicate,
    CaseOpened,
    Channel,
    ContactKind,
    ReportAccepted,
    ReportKind,
)
from tests.unit.notification.test_notification_batch_reads import notification

NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)  # 09.00 WITA


def accepted(n: int) -> ReportAccepted:
    return ReportAccepted(
        occurred_at=NOW,
        report_id=_report_id(n),
        tracking_id=f"LPR-{n:08d}",
        channel=Channel.WEB,
        kind=ReportKind.PENGADUAN,
        text="Lampu jalan padam.",
        reporter_ref=f"rref-{n}",
        received_at=NOW,
        contact_kinds=(ContactKind.PHONE,),
    )


def _report_id(n: int) -> UUID:
    return UUID(int=n + 1)


@contextmanager
def counting_table_reads(
    app: NotificationApplication, monkeypatch: pytest.MonkeyPatch
) -> Iterator[list[str]]:
    queries: list[str] = []
    db: Any = app.tables.db
    read = db.read

    def counted(sql: str, params: Any) -> Any:
        queries.append(sql)
        return read(sql, params)

    with monkeypatch.context() as patch:
        patch.setattr(db, "read", counted)
        yield queries


@pytest.mark.parametrize("size", [2, 30])
def test_a_batch_reads_report_rows_and_links_once_whatever_its_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_case: Any, size: int
) -> None:
    app = notification(tmp_path / "n.sqlite", None)
    web = {"channel": Channel.WEB}
    linked = [
        make_case(CaseLinkedAsDuplicate, tracking_id=f"LPR-9{n:07d}",
                  duplicate_of_tracking_id=f"LPR-{n:08d}")
        for n in range(size)
    ]  # fmt: skip
    app.process_batch([accepted(n) for n in range(size)], Tracking("reports:0", 1))
    app.process_batch(linked, Tracking("cases:0", 1))
    batch = [
        event
        for n in range(size)
        for event in (
            make_case(CaseOpened, tracking_id=f"LPR-{n:08d}", report_id=_report_id(n), **web),
            make_case(CaseDisposed, tracking_id=f"LPR-{n:08d}", report_id=_report_id(n),
                      skpd_code="PDAM", **web),
        )
    ]  # fmt: skip
    with counting_table_reads(app, monkeypatch) as queries:
        assert app.process_batch(batch, Tracking("cases:0", 2)) == []
    assert len(queries) == 2  # the originals' links, then the rows of reports and duplicates
    told = [(m.template, m.channel) for m in app.messages_for("LPR-00000001")]
    assert told == [("case_opened", "sms"), ("case_disposed", "sms"), ("skpd_new_report", "email")]
    moved = [m.template for m in app.messages_for("LPR-90000001")]
    assert moved == ["case_linked_as_duplicate", "duplicate_original_moved"]
