"""The analysts' figures, CSVs and the public feed; replay equals the live projection."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tracking_helpers import (
    DISPOSITIONS,
    DLH,
    DLH_ACTIONS,
    PDAM_ACTIONS,
    REPORTS,
    START,
    Feed,
    FixedClock,
    Report,
    auth,
    quarantine,
)

from tracking.adapters.tables import case_history, cases, timeline
from tracking.bootstrap import TrackingParts


def _life(feed: Feed, parts: TrackingParts) -> dict[str, Report]:
    """Four reports: one resolved by PDAM, one in progress at PDAM, one at DLH, one unrouted."""
    named = {
        name: Report(f"LPR-FIG0000{n}") for n, name in enumerate(("done", "busy", "dlh", "new"))
    }
    named["new"] = Report("LPR-FIG00003", rahasia=True)
    for report in named.values():
        feed.send(REPORTS, report.received())
    feed.send(DISPOSITIONS, named["done"].disposed(), named["busy"].disposed())
    feed.send(DISPOSITIONS, named["dlh"].disposed(DLH))
    feed.send(PDAM_ACTIONS, named["done"].follow_up(), named["done"].resolve())
    feed.send(PDAM_ACTIONS, named["busy"].acknowledge())
    feed.send(DLH_ACTIONS, named["dlh"].follow_up("DLH"))
    parts.projector.catch_up()
    return named


def _stats(client: TestClient, **params: Any) -> dict[str, Any]:
    answer = client.get("/v1/stats", params=params, headers=auth("analyst"))
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_stats_add_up_per_body(client: TestClient, feed: Feed, parts: TrackingParts) -> None:
    _life(feed, parts)
    stats = _stats(client)
    assert (stats["total"], stats["received"], stats["resolved"], stats["in_progress"]) == (
        4,
        3,
        1,
        2,
    )
    assert sum(body["received"] for body in stats["by_skpd"]) == stats["received"]
    pdam = next(body for body in stats["by_skpd"] if body["code"] == "PDAM")
    assert (pdam["resolved_within_deadline_pct"], pdam["median_hours_to_first_follow_up"]) == (
        100.0,
        2.0,
    )


def test_stats_count_by_channel_kind_kecamatan_and_iso_week(
    client: TestClient, feed: Feed, parts: TrackingParts
) -> None:
    _life(feed, parts)
    stats = _stats(client)
    assert stats["by_channel"] == {"sms": 4}
    assert stats["by_kind"] == {"pengaduan": 4}
    assert stats["by_kecamatan"] == {"Banjarmasin Timur": 4}
    assert stats["by_week"] == {"2024-W33": 4}


@pytest.mark.parametrize(
    ("params", "total"),
    [
        ({"skpd": "PDAM"}, 2),
        ({"channel": "web"}, 0),
        ({"kecamatan": "banjarmasin timur"}, 4),
        ({"from": "2024-08-13"}, 0),
        ({"to": "2024-08-12"}, 4),
    ],
)
def test_stats_filters(
    client: TestClient, feed: Feed, parts: TrackingParts, params: dict[str, str], total: int
) -> None:
    _life(feed, parts)
    assert _stats(client, **params)["total"] == total


def test_as_of_gives_the_figures_as_they_stood(
    client: TestClient, feed: Feed, parts: TrackingParts
) -> None:
    _life(feed, parts)
    before_resolution = (START + timedelta(hours=3, minutes=30)).isoformat()
    past = _stats(client, as_of=before_resolution)
    assert (past["resolved"], past["in_progress"]) == (0, 3)
    before_receipt = (START - timedelta(minutes=1)).isoformat()
    assert _stats(client, as_of=before_receipt)["total"] == 0


def test_as_of_must_carry_a_time_zone(client: TestClient) -> None:
    answer = client.get(
        "/v1/stats", params={"as_of": "2024-08-12T10:00:00"}, headers=auth("analyst")
    )
    assert answer.status_code == 422


def test_stats_csv_has_one_row_per_body_that_adds_up(
    client: TestClient, feed: Feed, parts: TrackingParts
) -> None:
    _life(feed, parts)
    answer = client.get("/v1/stats.csv", headers=auth("analyst"))
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert [row["code"] for row in rows] == ["DLH", "PDAM"]
    assert sum(int(row["received"]) for row in rows) == 3
    assert sum(int(row["resolved"]) for row in rows) == 1


def test_reports_csv_has_one_row_per_report_and_no_identity(
    client: TestClient, feed: Feed, parts: TrackingParts
) -> None:
    _life(feed, parts)
    text = client.get("/v1/reports.csv", headers=auth("analyst")).text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 4
    assert "rep-0001" not in text and "reporter_ref" not in rows[0]


def test_public_feed_leaves_out_rahasia_reports(
    client: TestClient, feed: Feed, parts: TrackingParts
) -> None:
    named = _life(feed, parts)
    page = client.get("/v1/feed", params={"limit": 10}).json()
    assert page["total"] == 3
    assert named["new"].tracking_id not in {item["tracking_id"] for item in page["items"]}
    assert "rep-0001" not in str(page)


def test_csv_needs_the_analyst_role(client: TestClient) -> None:
    assert client.get("/v1/reports.csv", headers=auth("skpd:PDAM")).status_code == 403


def _dump(parts: TrackingParts) -> dict[str, list[tuple[Any, ...]]]:
    with parts.engine.connect() as conn:
        return {
            table.name: sorted(tuple(row) for row in conn.execute(select(table)))
            for table in (cases, timeline, case_history)
        }


def test_replay_equals_the_live_projection(
    feed: Feed, parts: TrackingParts, clock: FixedClock
) -> None:
    _life(feed, parts)
    clock.set(START + timedelta(days=30))
    parts.watch.check()
    parts.projector.catch_up()
    live = _dump(parts)
    parts.projector.rebuild()
    assert _dump(parts) == live


def test_an_event_that_cannot_be_projected_is_quarantined_and_the_rest_goes_on(
    feed: Feed, parts: TrackingParts
) -> None:
    quarantine(feed, parts, "LPR-POISON01", "LPR-HEALTHY1")
    assert parts.views.by_tracking_id("LPR-HEALTHY1") is not None
    [held] = parts.projector.quarantined()
    assert "cannot project this one" in held.error
    assert parts.projector.health() == ["projection cases: 1 event(s) quarantined"]
