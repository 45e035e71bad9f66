"""What the faces read from tracking's public API: a report not yet disposed, and the new fields."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tracking_helpers import REPORTS, Feed, Report

from tracking.bootstrap import TrackingParts


def test_the_feed_lists_a_report_not_yet_disposed_with_its_deadline(
    client: TestClient, feed: Feed, parts: TrackingParts
) -> None:
    report = Report("LPR-FEED0001")
    feed.send(REPORTS, report.received())
    parts.projector.catch_up()
    answer = client.get("/v1/feed")
    assert answer.status_code == 200, answer.text
    [item] = answer.json()["items"]
    assert item["skpd"] is None and item["due_at"] and item["updated_at"] and item["channel"]
    status = client.get("/v1/reports/LPR-FEED0001").json()
    assert (status["rahasia"], status["channel"]) == (False, item["channel"])
    assert status["updated_at"]
