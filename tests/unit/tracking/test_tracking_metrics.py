"""Tracking's own series on `/metrics`: quarantined events and the read model's lag."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tracking_helpers import REPORTS, Feed, Report

from tests.unit.shared.test_shared_metrics import scrape, value
from tracking.adapters import case_rows
from tracking.bootstrap import TrackingParts


def test_a_quarantined_event_shows_on_metrics(
    client: TestClient, feed: Feed, parts: TrackingParts, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert value(scrape(client), "lapor_projection_quarantined", projection="cases") == 0
    feed.send(REPORTS, Report("LPR-POISON02").received(), Report("LPR-HEALTHY2").received())
    real = case_rows.project_all

    def project_all(conn: Any, events: Any) -> None:
        if any(getattr(event, "tracking_id", "") == "LPR-POISON02" for event in events):
            raise ValueError("cannot project this one")
        real(conn, events)

    monkeypatch.setattr("tracking.adapters.projector.project_all", project_all)
    for _ in range(3):  # bounded attempts; the third quarantines
        with contextlib.suppress(ValueError):
            parts.projector.catch_up()
    samples = scrape(client)
    assert value(samples, "lapor_projection_quarantined", projection="cases") == 1
    assert value(samples, "lapor_projection_lag", projection="cases") == 0


def test_the_projection_lag_counts_case_events_not_yet_projected(
    client: TestClient, feed: Feed
) -> None:
    feed.send(REPORTS, Report("LPR-WAITING1").received())
    assert value(scrape(client), "lapor_projection_lag", projection="cases") > 0
