"""A disposition sets a report's bodies without reading them; a return reads them once."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from intake.application.access import Access
from shared.processing import Batch, Statement


class _Rows:
    """The access table in a dict, counting its reads."""

    def __init__(self) -> None:
        self.stored: dict[str, tuple[str, ...]] = {}
        self.reads = 0

    def bodies(self, report_id: str) -> tuple[str, ...]:
        self.reads += 1
        return self.stored.get(report_id, ())

    def set_bodies(self, report_id: str, bodies: Any) -> Statement:
        return Statement("UPSERT", {"r": report_id, "b": tuple(bodies)})


def test_a_disposition_is_written_without_reading_the_table() -> None:
    rows, batch, report = _Rows(), Batch(), uuid4()
    access = Access(rows)  # type: ignore[arg-type]
    access.dispose(batch, report, "PDAM", ("DISPERKIM",))
    assert rows.reads == 0
    assert [s.params["b"] for s in batch.statements] == [("PDAM", "DISPERKIM")]
    assert access.bodies(batch, report) == ("PDAM", "DISPERKIM")  # the batch sees its write


def test_a_return_reads_the_bodies_once_and_writes_only_a_change() -> None:
    rows, report = _Rows(), uuid4()
    rows.stored[str(report)] = ("PDAM",)
    access = Access(rows)  # type: ignore[arg-type]
    batch = Batch()
    access.redispose(batch, report, "PDAM", "DISPERKIM")
    assert rows.reads == 1 and [s.params["b"] for s in batch.statements] == [("DISPERKIM",)]
    unchanged = Batch()
    access.redispose(unchanged, report, "DINKES", "PDAM")
    assert unchanged.statements == []  # PDAM already holds it, DINKES never did
