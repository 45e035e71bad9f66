"""A SQLite process recorder that also runs a batch's statements in the events' transaction.

A batch may write plain table rows beside its events (`Batch.also_run`); they commit or roll back
with the events and the tracking position.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteCursor, SQLiteProcessRecorder


class StatementsProcessRecorder(SQLiteProcessRecorder):
    """eventsourcing's SQLite process recorder, plus the batch's own statements."""

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events, **kwargs)
        for statement in kwargs.get("statements", ()):
            c.execute(statement.sql, dict(statement.params))
        return ids
