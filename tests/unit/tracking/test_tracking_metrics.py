"""Tracking's own series on `/metrics`: quarantined events and the read model's lag."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tracking_helpers import REPORTS, Feed, Report, quarantine

from tests.metrics_helpers import Samples, samples_of, value
from tracking.bootstrap import TrackingParts


def scrape(client: TestClient) -> Samples:
    return samples_of(client.get("/metrics"))


def test_a_quarantined_event_shows_on_metrics(
    client: TestClient, feed: Feed, parts: TrackingParts
) -> None:
    assert value(scrape(client), "lapor_projection_quarantined", projection="cases") == 0
    quarantine(feed, parts, "LPR-POISON02", "LPR-HEALTHY2")
    samples = scrape(client)
    assert value(samples, "lapor_projection_quarantined", projection="cases") == 1
    assert value(samples, "lapor_projection_lag", projection="cases") == 0


def test_the_projection_lag_counts_case_events_not_yet_projected(
    client: TestClient, feed: Feed
) -> None:
    feed.send(REPORTS, Report("LPR-WAITING1").received())
    assert value(scrape(client), "lapor_projection_lag", projection="cases") > 0
