"""A case without a due moment (or without a deadline step) is never overdue: the desk lists it
when asked for the cases that are not overdue (SQL's NULL must not hide it)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bench.desk_speed import NOW, case_rows
from tracking.adapters.bulk import write_rows
from tracking.adapters.case_queries import SqlCaseViews
from tracking.adapters.engine import migrate, read_model_engine
from tracking.adapters.tables import cases
from tracking.application.views import DeskFilter


def test_an_open_case_without_a_due_moment_or_step_is_listed_as_not_overdue(
    tmp_path: Path,
) -> None:
    engine = read_model_engine(f"sqlite:///{tmp_path / 'read_model.sqlite'}")
    migrate(engine)
    no_due, no_step = (dict(row, skpd_code="PDAM") for row in case_rows(2))
    no_due.update(tracking_id="LPR-NODUE001", status="Terdisposisi: Sedang Diproses", due_at=None)
    no_step.update(tracking_id="LPR-NOSTEP01", status="Terdisposisi: Sedang Diproses",
                   deadline_step=None, due_at=NOW - timedelta(days=1))  # fmt: skip
    with engine.begin() as conn:
        write_rows(conn, cases, [no_due, no_step], upsert_on=("report_id",))
    views = SqlCaseViews(engine)
    listed = views.desk("PDAM", DeskFilter(overdue=False), NOW, 10, 0)
    late = views.desk("PDAM", DeskFilter(overdue=True), NOW, 10, 0)
    assert {item.tracking_id for item in listed.items} == {"LPR-NODUE001", "LPR-NOSTEP01"}
    assert late.items == ()
