"""The admin's list of delivery problems is a table; the list main kept as an aggregate moves in.

`tests/fixtures/notification/stored_problems.json` holds what main (717a24b) stored
(`make_stored_problems.py` beside it wrote it): one SMS failed and retried, one given up, one
cleared after its retry got through, one delivered at once. Opening it moves the list once; new
failures and recoveries change rows, never the old aggregate.
"""

from __future__ import annotations

import functools
import json
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking

from notification.application.migration import PROBLEMS_MIGRATION, migrate_problems
from notification.application.policy import problems_id
from notification.application.service import NotificationApplication
from shared import topics
from shared.clock import FixedClock
from shared.contracts import Channel, DeliveryReported, DeliveryStatus
from tests.unit.notification.old_store import old_store, opened

FIXTURE = Path(__file__).parents[2] / "fixtures" / "notification" / "stored_problems.json"


@functools.cache
def _fixture() -> dict[str, Any]:
    return dict(json.loads(FIXTURE.read_text()))


def _clock() -> FixedClock:
    return FixedClock(datetime.fromisoformat(_fixture()["clock"]))


def _loaded(tmp_path: Path) -> NotificationApplication:
    return old_store(tmp_path / "problems.sqlite", _fixture()["stored"], _clock())


def _nid(n: int) -> UUID:
    return UUID(_fixture()["notifications"][str(n)])


def _listed(app: NotificationApplication) -> list[tuple[str, str]]:
    return [(m.tracking_id, m.status) for m in app.delivery_problems()]


def _report(n: int, status: DeliveryStatus, attempt: int) -> DeliveryReported:
    return DeliveryReported(
        occurred_at=datetime.fromisoformat(_fixture()["clock"]),
        notification_id=_nid(n),
        channel=Channel.SMS,
        status=status,
        detail="nomor tidak aktif" if status == DeliveryStatus.FAILED else "",
        attempt=attempt,
    )


def _old_list_events(app: NotificationApplication) -> int:
    return len(app.recorder.select_events(problems_id()))


def test_the_problems_main_listed_are_listed(tmp_path: Path) -> None:
    app = _loaded(tmp_path)
    fields = ("notification_id", "tracking_id", "audience", "template", "status")
    found = [{**{f: str(getattr(m, f)) for f in fields}, "attempt": m.attempt} for m in
             app.delivery_problems()]  # fmt: skip
    assert found == _fixture()["problems"]


def test_a_listed_failure_that_gets_through_leaves_the_table(tmp_path: Path) -> None:
    app = _loaded(tmp_path)
    before = _old_list_events(app)
    delivered = _report(1, DeliveryStatus.DELIVERED, attempt=2)
    assert app.process_batch([delivered], Tracking(f"{topics.DELIVERY}:0", 100)) == []
    assert _listed(app) == [("LPR-SMS00002", "given-up")]
    assert _old_list_events(app) == before  # the old aggregate is history, left as it was


def test_a_new_failure_is_listed_beside_the_old_ones(tmp_path: Path) -> None:
    app = _loaded(tmp_path)
    failed = _report(4, DeliveryStatus.FAILED, attempt=1)
    assert app.process_batch([failed], Tracking(f"{topics.DELIVERY}:0", 100)) == []
    assert ("LPR-SMS00004", "failed") not in _listed(app)  # delivered already: a late report
    failed = _report(1, DeliveryStatus.FAILED, attempt=2)
    assert app.process_batch([failed], Tracking(f"{topics.DELIVERY}:0", 101)) == []
    assert _listed(app) == [("LPR-SMS00001", "failed"), ("LPR-SMS00002", "given-up")]


def test_the_list_moves_once(tmp_path: Path) -> None:
    database = tmp_path / "problems.sqlite"
    first = old_store(database, _fixture()["stored"], _clock())
    assert first.tables.migrated(PROBLEMS_MIGRATION)
    first.process_batch([_report(1, DeliveryStatus.DELIVERED, 2)], Tracking("delivery:0", 100))
    first.close()
    again = opened(database, _clock())
    assert migrate_problems(again, again.tables) == 0
    assert _listed(again) == [("LPR-SMS00002", "given-up")]  # the cleared one not moved back
