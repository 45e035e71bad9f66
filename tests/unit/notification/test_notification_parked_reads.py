"""Case events that waited for a form reporter's contacts are told with a batch's reads, not a
query per report and per message, when the reports' events come after their case events."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from eventsourcing.persistence import Tracking

from shared.contracts import CaseDisposed, CaseOpened, Channel
from tests.preload_app import counting_reads
from tests.unit.notification.test_notification_batch_reads import notification
from tests.unit.notification.test_notification_index_reads import (
    _report_id,
    accepted,
    counting_table_reads,
)


@pytest.mark.parametrize("size", [2, 30])
def test_the_contacts_of_many_reports_release_their_waiting_messages_with_three_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_case: Any, size: int
) -> None:
    app = notification(tmp_path / "n.sqlite", None)
    web = {"channel": Channel.WEB}
    waiting = [
        make_case(cls, tracking_id=f"LPR-{n:08d}", report_id=_report_id(n), skpd_code="PDAM",
                  **web)
        for n in range(size)
        for cls in (CaseOpened, CaseDisposed)
    ]  # fmt: skip
    assert app.process_batch(waiting, Tracking("cases:0", 1)) == []
    waited = [m.template for m in app.messages_for("LPR-00000001")]
    assert waited == ["skpd_new_report"]  # the body hears at once, the reporter waits
    with (
        counting_table_reads(app, monkeypatch) as queries,
        counting_reads(app, monkeypatch) as aggregates,
    ):
        assert app.process_batch([accepted(n) for n in range(size)], Tracking("reports:0", 1)) == []
    assert len(queries) == 2  # the reports' rows, then their parked case events
    assert (aggregates.preloads, aggregates.per_aggregate) == (1, 0)  # the messages, at once
    for n in range(size):
        told = [(m.template, m.channel) for m in app.messages_for(f"LPR-{n:08d}")]
        assert told == [("skpd_new_report", "email"), ("case_opened", "sms"),
                        ("case_disposed", "sms")]  # fmt: skip


def test_contacts_heard_again_release_nothing_twice(tmp_path: Path, make_case: Any) -> None:
    app = notification(tmp_path / "n.sqlite", None)
    opened = make_case(CaseOpened, tracking_id="LPR-00000000", report_id=_report_id(0),
                       channel=Channel.WEB)  # fmt: skip
    assert app.process_batch([opened], Tracking("cases:0", 1)) == []
    assert app.process_batch([accepted(0)], Tracking("reports:0", 1)) == []
    assert app.process_batch([accepted(0), accepted(0)], Tracking("reports:0", 2)) == []
    told = [m.template for m in app.messages_for("LPR-00000000")]
    assert told == ["case_opened"]
    assert app.tables.parked_of(["LPR-00000000"]) == {}
