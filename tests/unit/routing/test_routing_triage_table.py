"""The triage queue is a table: every event into or out of triage moves its row, in the
transaction of the events; the admin's list reads one page of it and a count."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from routing_helpers import (
    STREET_LIGHT,
    TOKENS,
    Feed,
    FixedClock,
    accepted,
    build,
    on_sqlite,
    returned,
)

from routing.application.app import RoutingApplication
from shared import topics
from shared.http import install_auth_errors
from shared.runtime import ServiceSpec

UNCLEAR = "mohon diperhatikan, sudah lama begini terus"
WATER = "air PDAM mati sejak pagi, meteran air juga bocor"
HOSPITAL = "antrean di RSUD Sultan Suriansyah sangat panjang, perawat kasar kepada pasien"


def waiting(app: RoutingApplication) -> list[str]:
    return [item.tracking_id for item in app.triage.pending()]


def test_a_report_escalated_to_the_admin_waits_and_leaves_when_disposed_by_hand(
    clock: FixedClock,
) -> None:
    app: RoutingApplication = build(clock, escalate_after_returns=1).application
    feed, report = Feed(app), accepted(WATER)
    feed(report)
    assert waiting(app) == []
    feed(returned(report, "PDAM"), topic=topics.CASES)  # Escalated, awaiting the admin
    assert waiting(app) == [report.tracking_id]
    app.dispose_by_hand(report.tracking_id, "DLH", "")  # Redisposed (it was at PDAM before)
    assert waiting(app) == []


def test_a_report_escalated_to_a_parent_body_leaves_triage(clock: FixedClock) -> None:
    app: RoutingApplication = build(clock, escalate_after_returns=1).application
    feed, report = Feed(app), accepted(HOSPITAL)
    feed(report)
    feed(returned(report, "RSUD"), topic=topics.CASES)
    assert app.by_tracking_id(report.tracking_id).skpd_code == "DINKES"
    assert waiting(app) == []


def test_a_report_sent_back_to_triage_and_disposed_again_by_hand(
    keyword_app: RoutingApplication, keyword_feed: Feed
) -> None:
    report = accepted(STREET_LIGHT)
    keyword_feed(report)
    keyword_feed(returned(report, "DISPERKIM"), topic=topics.CASES)  # SentToTriage
    assert waiting(keyword_app) == [report.tracking_id]
    keyword_app.dispose_by_hand(report.tracking_id, "DISHUB", "")
    assert waiting(keyword_app) == []


def test_replayed_messages_leave_the_queue_as_it_was(app: RoutingApplication, feed: Feed) -> None:
    first, second = accepted(UNCLEAR), accepted(UNCLEAR)
    feed(first, second)
    app.dispose_by_hand(first.tracking_id, "DPUPR", "")
    feed(first, second)  # redelivered: both already decided, nothing new is stored
    assert waiting(app) == [second.tracking_id]
    assert app.triage.count() == 1


def test_the_queue_is_read_in_pages_oldest_first(clock: FixedClock) -> None:
    from datetime import timedelta

    app: RoutingApplication = build(clock).application
    feed = Feed(app)
    reports = [accepted(UNCLEAR) for _ in range(4)]
    for report in reversed(reports):  # the last tracking id arrives first
        feed(report)
        clock.advance(timedelta(minutes=1))
    oldest_first = [r.tracking_id for r in reversed(reports)]
    assert [i.tracking_id for i in app.triage.page(limit=2, offset=1)] == oldest_first[1:3]
    assert app.triage.page(limit=2, offset=4) == []
    assert app.triage.count() == 4


def test_the_http_list_reads_one_page_and_a_count_never_the_whole_queue(
    spec: ServiceSpec, app: RoutingApplication, feed: Feed, monkeypatch: pytest.MonkeyPatch
) -> None:
    feed(*(accepted(UNCLEAR, title=f"Laporan {n}") for n in range(5)))
    api = FastAPI()
    install_auth_errors(api)
    for router in spec.routers:
        api.include_router(router)
    read = app.tracking_ids.db.read
    rows_read: list[int] = []

    def counting(sql: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        rows = read(sql, params)
        if "routing_triage" in sql:
            rows_read.append(len(rows))
        return rows

    monkeypatch.setattr(app.tracking_ids.db, "read", counting)
    headers = {"Authorization": f"Bearer {TOKENS['admin']}"}
    answer = TestClient(api).get("/v1/triage", params={"limit": 2, "offset": 2}, headers=headers)
    assert answer.status_code == 200 and answer.headers["x-total-count"] == "5"
    assert len(answer.json()) == 2
    assert set(answer.json()[0]) == {
        "tracking_id", "report_id", "title", "excerpt", "reason", "candidates", "since",
    }  # fmt: skip
    assert answer.json()[0]["candidates"] and {"code", "score"} <= set(
        answer.json()[0]["candidates"][0]
    )
    assert rows_read == [1, 2]  # the count's one row, then the page's two: never all five


def test_a_hand_disposition_and_its_row_share_one_transaction(tmp_path: Path) -> None:
    state = tmp_path / "state"
    app: RoutingApplication = on_sqlite(state).application
    report = accepted(UNCLEAR)
    Feed(app)(report)
    with sqlite3.connect(state / "routing-events.sqlite") as db:
        db.execute("DROP TABLE routing_triage")  # the row's statement now fails
    stored = app.recorder.max_notification_id()
    with pytest.raises(Exception, match="routing_triage"):
        app.dispose_by_hand(report.tracking_id, "DPUPR", "")
    assert app.recorder.max_notification_id() == stored  # no Disposed without its row
