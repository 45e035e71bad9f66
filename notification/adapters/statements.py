"""A batch's table statements, fewer: the rows many messages add to a table, in one statement.

Statements on different index tables commute (no keys between the tables, no triggers), so a
batch's statements are grouped by table, each table's kept in their order, and within a table a
run of statements of one mergeable kind becomes one statement over a list of values. The driver's
work per statement (parsing, converting parameters) costs more than a row: a batch of a hundred
reports ran some four hundred statements, and runs a handful.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from itertools import groupby
from typing import Any

from shared.processing import Statement
from shared.tables import in_list

ADD = (
    "INSERT INTO notification_report_messages (tracking_id, notification_id, seq) "
    "SELECT :t, :n, (SELECT COALESCE(MAX(seq), 0) + 1 FROM notification_report_messages "
    "WHERE tracking_id = :t) WHERE 1 = 1 ON CONFLICT DO NOTHING"
)
MOVE = "DELETE FROM notification_waiting WHERE tracking_id = :t"
ROWS = 300  # rows per merged statement (three parameters each: within SQLite's old 999)
_TABLE = re.compile(r"\b(?:INTO|FROM|UPDATE)\s+(\w+)")


def compact(statements: Sequence[Statement]) -> list[Statement]:
    """The same changes in fewer statements (each table's statements in their order)."""
    tables: dict[str, list[Statement]] = {}
    for statement in statements:
        found = _TABLE.search(statement.sql)
        tables.setdefault(found.group(1) if found else "", []).append(statement)
    compacted: list[Statement] = []
    for of_table in tables.values():
        for sql, run in groupby(of_table, key=lambda s: s.sql):
            merge = MERGES.get(sql)
            items = list(run)
            if merge is None or len(items) == 1:
                compacted += items
            else:
                compacted += [merge(items[i : i + ROWS]) for i in range(0, len(items), ROWS)]
    return compacted


def _adds(items: list[Statement]) -> Statement:
    """Notifications added to reports: each row's place after the stored ones and the earlier
    rows of its report in this statement (a statement sees the table as it was before it)."""
    params: dict[str, Any] = {}
    rows = []
    places: dict[str, int] = {}
    for i, item in enumerate(items):
        tracking_id = item.params["t"]
        place = places[tracking_id] = places.get(tracking_id, 0) + 1
        params.update({f"t{i}": tracking_id, f"n{i}": item.params["n"], f"k{i}": place})
        rows.append(f"(:t{i}, :n{i}, :k{i})")
    sql = (
        "INSERT INTO notification_report_messages (tracking_id, notification_id, seq) "
        "SELECT v.column1, v.column2, (SELECT COALESCE(MAX(m.seq), 0) FROM "
        "notification_report_messages m WHERE m.tracking_id = v.column1) + v.column3 "
        f"FROM (VALUES {', '.join(rows)}) AS v WHERE 1 = 1 ON CONFLICT DO NOTHING"
    )
    return Statement(sql, params)


def _moves(items: list[Statement]) -> Statement:
    """Reports that left the admin's queues."""
    names, params = in_list("t", [item.params["t"] for item in items])
    return Statement(f"DELETE FROM notification_waiting WHERE tracking_id IN ({names})", params)


MERGES: dict[str, Callable[[list[Statement]], Statement]] = {ADD: _adds, MOVE: _moves}
