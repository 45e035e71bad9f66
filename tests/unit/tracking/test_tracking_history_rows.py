"""History rows and timeline lines are written as values in their tables' column order."""

from __future__ import annotations

from tracking.adapters.case_rows import HISTORY_ROW, TIMELINE_ROW
from tracking.adapters.tables import case_history, timeline


def test_a_history_row_is_made_in_the_order_of_its_table_columns() -> None:
    assert tuple(column.name for column in case_history.c) == HISTORY_ROW


def test_a_timeline_line_is_made_in_the_order_of_its_table_columns() -> None:
    assert tuple(column.name for column in timeline.c) == TIMELINE_ROW
