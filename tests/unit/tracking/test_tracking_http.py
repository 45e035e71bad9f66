"""The read model and its HTTP routes: status by tracking id, statistics for analysts."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tracking_helpers import DISPOSITIONS, DLH, PDAM_ACTIONS, REPORTS, TOKENS, Feed, Report

from tracking.bootstrap import TrackingParts


def _disposed(feed: Feed, parts: TrackingParts, report: Report) -> None:
    feed.send(REPORTS, report.received())
    feed.send(DISPOSITIONS, report.disposed())
    parts.projector.catch_up()


def _as(role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS[role]}"}


def test_status_answers_bucket_body_and_timeline(
    client: TestClient, feed: Feed, parts: TrackingParts
) -> None:
    report = Report()
    _disposed(feed, parts, report)
    body = client.get(f"/v1/reports/{report.tracking_id}").json()
    assert body["status"] == "Terdisposisi: Belum Ditindaklanjuti"
    assert body["skpd"] == {"code": "PDAM", "name": "Perumda Air Minum Bandarmasih (PDAM)"}
    assert [e["description"] for e in body["events"]] == [
        "Laporan diterima",
        "Laporan didisposisikan ke Perumda Air Minum Bandarmasih (PDAM)",
    ]


def test_status_gives_the_next_deadline_in_wita(
    client: TestClient, feed: Feed, parts: TrackingParts
) -> None:
    report = Report()
    _disposed(feed, parts, report)
    body = client.get(f"/v1/reports/{report.tracking_id}").json()
    assert body["due_at"] == "2024-08-19T10:00:00+08:00"  # Mon 12 Aug 10:00 + 5 working days


def test_tracking_id_may_be_typed_in_lower_case(
    client: TestClient, feed: Feed, parts: TrackingParts
) -> None:
    report = Report()
    _disposed(feed, parts, report)
    assert client.get(f"/v1/reports/{report.tracking_id.lower()}").status_code == 200


def test_follow_up_text_appears_in_the_timeline(
    client: TestClient, feed: Feed, parts: TrackingParts
) -> None:
    report = Report()
    _disposed(feed, parts, report)
    feed.send(PDAM_ACTIONS, report.follow_up())
    parts.projector.catch_up()
    last = client.get(f"/v1/reports/{report.tracking_id}").json()["events"][-1]
    assert last["description"] == (
        "Tindak lanjut dari Perumda Air Minum Bandarmasih (PDAM): "
        "Petugas sudah memperbaiki pipa yang bocor"
    )


def test_open_report_shows_its_text_and_location(
    client: TestClient, feed: Feed, parts: TrackingParts
) -> None:
    report = Report()
    _disposed(feed, parts, report)
    body = client.get(f"/v1/reports/{report.tracking_id}").json()
    assert body["text"] == "Air PDAM mati tiga hari di Jalan Veteran"
    assert body["location"]["kecamatan"] == "Banjarmasin Timur"


def test_rahasia_report_answers_without_text_or_location(
    client: TestClient, feed: Feed, parts: TrackingParts
) -> None:
    report = Report(rahasia=True)
    _disposed(feed, parts, report)
    feed.send(PDAM_ACTIONS, report.follow_up())
    parts.projector.catch_up()
    body = client.get(f"/v1/reports/{report.tracking_id}").json()
    assert (body["title"], body["text"], body["location"]) == (None, None, None)
    assert body["skpd"]["code"] == "PDAM"
    assert "pipa" not in body["events"][-1]["description"]


def test_unknown_tracking_id_is_not_found(client: TestClient) -> None:
    response = client.get("/v1/reports/LPR-UNKNOWN1")
    assert response.status_code == 404
    assert "LPR-UNKNOWN1" in response.json()["detail"]


@pytest.mark.parametrize(("headers", "status"), [({}, 401), (_as("notification"), 403)])
def test_stats_need_the_analyst_role(
    client: TestClient, headers: dict[str, str], status: int
) -> None:
    assert client.get("/v1/stats", headers=headers).status_code == status


def test_stats_count_received_resolved_and_in_progress_per_body(
    client: TestClient, feed: Feed, parts: TrackingParts
) -> None:
    done, busy, elsewhere, fresh = (Report(f"LPR-0000000{n}") for n in range(4))
    for report in (done, busy, elsewhere, fresh):
        feed.send(REPORTS, report.received())
    feed.send(DISPOSITIONS, done.disposed(), busy.disposed(), elsewhere.disposed(DLH))
    feed.send(PDAM_ACTIONS, done.resolve(), busy.acknowledge())
    parts.projector.catch_up()
    stats = client.get("/v1/stats", headers=_as("analyst")).json()
    assert (stats["total"], stats["received"], stats["resolved"], stats["in_progress"]) == (
        4,
        3,
        1,
        2,
    )
    pdam = next(body for body in stats["by_skpd"] if body["code"] == "PDAM")
    assert (pdam["received"], pdam["resolved"], pdam["in_progress"]) == (2, 1, 1)
    assert stats["by_status"]["Belum Terverifikasi"] == 1


def test_rebuilt_read_model_answers_the_same(
    client: TestClient, feed: Feed, parts: TrackingParts
) -> None:
    report = Report()
    _disposed(feed, parts, report)
    before = client.get(f"/v1/reports/{report.tracking_id}").json()
    parts.projector.rebuild()
    assert client.get(f"/v1/reports/{report.tracking_id}").json() == before


def test_projector_position_reaches_the_end_of_the_log(feed: Feed, parts: TrackingParts) -> None:
    _disposed(feed, parts, Report())
    assert parts.projector.position() == parts.app.recorder.max_notification_id()
