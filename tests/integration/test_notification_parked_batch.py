"""On each store: a batch that hears many form reporters' contacts tells the case events that
waited for them with a batch's reads (report rows, parked events, the messages), in order, once.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from eventsourcing.persistence import Tracking

from shared import topics
from shared.clock import FixedClock
from shared.contracts import CaseDisposed, CaseOpened, Channel, StatusBucket
from tests.integration.test_notification_tables import Open, case, open_notification
from tests.preload_app import counting_reads
from tests.unit.notification.test_notification_index_reads import (
    _report_id,
    accepted,
    counting_table_reads,
)

pytestmark = pytest.mark.integration
__all__ = ["open_notification"]  # the store of each backend, opened as the service opens it
MORNING = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)  # 09.00 WITA: no quiet hours
REPORTS = 40


def test_parked_case_events_are_told_in_order_once_with_a_batchs_reads(
    open_notification: Open, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = open_notification(FixedClock(MORNING))
    ids = [f"LPR-{n:08d}" for n in range(REPORTS)]
    disposed = {"status": StatusBucket.BELUM_DITINDAKLANJUTI, "skpd_code": "PDAM"}
    waiting = [
        event
        for n, tracking_id in enumerate(ids)
        for event in (
            case(CaseOpened, tracking_id, Channel.WEB, report_id=_report_id(n)),
            case(CaseDisposed, tracking_id, Channel.WEB, report_id=_report_id(n), **disposed),
        )
    ]
    assert app.process_batch(waiting, Tracking(f"{topics.CASES}:0", 1)) == []
    assert [m.template for m in app.messages_for(ids[0])] == ["skpd_new_report"]
    contents = [accepted(n) for n in range(REPORTS)]  # the reporters left a phone number
    with (
        counting_table_reads(app, monkeypatch) as queries,
        counting_reads(app, monkeypatch) as reads,
    ):
        assert app.process_batch(contents, Tracking(f"{topics.REPORTS}:0", 1)) == []
    assert len(queries) == 2  # the reports' rows, then the case events parked for them
    assert (reads.preloads, reads.per_aggregate) == (1, 0)
    told = ["skpd_new_report", "case_opened", "case_disposed"]
    for tracking_id in ids:
        messages = app.messages_for(tracking_id)
        assert [m.template for m in messages] == told
        assert [m.channel for m in messages] == ["email", "sms", "sms"]
    assert app.tables.parked_of(ids) == {}
    assert app.process_batch(contents, Tracking(f"{topics.REPORTS}:0", 2)) == []  # heard again
    assert all(len(app.messages_for(tracking_id)) == 3 for tracking_id in ids)
