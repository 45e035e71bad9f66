"""SKPD desks over HTTP: a body's own reports and moves; refusals for another body's."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from tracking_helpers import DISPOSITIONS, DLH, PDAM_ACTIONS, REPORTS, Feed, Report, auth

from shared import contracts as c
from tracking.bootstrap import TrackingParts


def _disposed(feed: Feed, parts: TrackingParts, report: Report, body: tuple[str, str]) -> None:
    feed.send(REPORTS, report.received())
    feed.send(DISPOSITIONS, report.disposed(body))
    parts.projector.catch_up()


def _act(client: TestClient, code: str, report: Report, role: str, **move: Any) -> Any:
    url = f"/v1/skpd/{code}/reports/{report.tracking_id}/actions"
    return client.post(url, json=move, headers=auth(role))


@pytest.fixture
def pdam_report(feed: Feed, parts: TrackingParts) -> Report:
    report = Report("LPR-DESK0001")
    _disposed(feed, parts, report, ("PDAM", "Perumda Air Minum Bandarmasih (PDAM)"))
    return report


def test_a_body_acknowledges_its_own_report(
    client: TestClient, feed: Feed, pdam_report: Report
) -> None:
    answer = _act(client, "PDAM", pdam_report, "skpd:PDAM", action="acknowledge")
    assert answer.status_code == 202
    acknowledged = feed.published()[-1]
    assert (acknowledged.event_type, acknowledged.actor) == (
        "CaseAcknowledged",
        c.Actor(role="skpd:PDAM", name=""),
    )


def test_a_desk_action_goes_onto_the_bodys_actions_topic(
    client: TestClient, pdam_report: Report
) -> None:
    answer = _act(client, "PDAM", pdam_report, "skpd:PDAM", action="follow-up", text="Dicek")
    assert answer.json()["topic"] == PDAM_ACTIONS


def test_another_bodys_code_is_forbidden(client: TestClient, pdam_report: Report) -> None:
    answer = _act(client, "PDAM", pdam_report, "skpd:DLH", action="acknowledge")
    assert answer.status_code == 403


def test_another_bodys_report_is_forbidden(client: TestClient, pdam_report: Report) -> None:
    answer = _act(client, "DLH", pdam_report, "skpd:DLH", action="resolve", text="Selesai")
    assert answer.status_code == 403


def test_a_refused_move_is_a_conflict(client: TestClient, pdam_report: Report) -> None:
    _act(client, "PDAM", pdam_report, "skpd:PDAM", action="resolve", text="Sudah normal")
    answer = _act(client, "PDAM", pdam_report, "skpd:PDAM", action="follow-up", text="Lagi")
    assert answer.status_code == 409
    assert "already resolved" in answer.json()["detail"]


def test_an_unknown_class_is_a_conflict(client: TestClient, pdam_report: Report) -> None:
    answer = _act(client, "PDAM", pdam_report, "admin", action="classify", resolution_days=30)
    assert answer.status_code == 409


def test_an_unknown_body_is_not_found(client: TestClient, pdam_report: Report) -> None:
    assert _act(client, "NOPE", pdam_report, "admin", action="acknowledge").status_code == 404


def test_an_unknown_report_is_not_found(client: TestClient) -> None:
    ghost = Report("LPR-GHOST001")
    assert _act(client, "PDAM", ghost, "skpd:PDAM", action="acknowledge").status_code == 404


def test_a_follow_up_without_text_names_the_field(client: TestClient, pdam_report: Report) -> None:
    answer = _act(client, "PDAM", pdam_report, "skpd:PDAM", action="follow-up")
    assert (answer.status_code, "text" in answer.json()["detail"]) == (422, True)


def test_the_admin_may_act_for_a_body(client: TestClient, feed: Feed, pdam_report: Report) -> None:
    _act(client, "PDAM", pdam_report, "admin", action="follow-up", text="Petugas menuju lokasi")
    _act(client, "PDAM", pdam_report, "admin", action="classify", resolution_days=60)
    assert feed.types()[-2:] == ["FollowUpPosted", "CaseClassified"]


def test_desk_lists_the_bodys_reports_with_filters(
    client: TestClient, feed: Feed, parts: TrackingParts, pdam_report: Report
) -> None:
    other = Report("LPR-DESK0002")
    _disposed(feed, parts, other, ("PDAM", "Perumda Air Minum Bandarmasih (PDAM)"))
    _disposed(feed, parts, Report("LPR-DESK0003"), DLH)
    _act(client, "PDAM", other, "skpd:PDAM", action="acknowledge")
    page = client.get("/v1/skpd/PDAM/reports", headers=auth("skpd:PDAM")).json()
    assert page["total"] == 2
    assert {item["tracking_id"] for item in page["items"]} == {"LPR-DESK0001", "LPR-DESK0002"}
    busy = client.get(
        "/v1/skpd/PDAM/reports",
        params={"status": "Terdisposisi: Sedang Diproses"},
        headers=auth("skpd:PDAM"),
    ).json()
    assert [item["tracking_id"] for item in busy["items"]] == ["LPR-DESK0002"]


def test_desk_pages_with_limit_and_offset(
    client: TestClient, feed: Feed, parts: TrackingParts, pdam_report: Report
) -> None:
    _disposed(feed, parts, Report("LPR-DESK0004"), ("PDAM", "PDAM"))
    page = client.get(
        "/v1/skpd/PDAM/reports", params={"limit": 1, "offset": 1}, headers=auth("skpd:PDAM")
    ).json()
    assert (len(page["items"]), page["total"]) == (1, 2)


def test_another_bodys_desk_is_forbidden(client: TestClient) -> None:
    assert client.get("/v1/skpd/PDAM/reports", headers=auth("skpd:DLH")).status_code == 403


def test_the_token_holders_name_is_recorded_as_the_actor(
    client: TestClient, feed: Feed, pdam_report: Report
) -> None:
    url = f"/v1/skpd/PDAM/reports/{pdam_report.tracking_id}/actions"
    client.post(url, json={"action": "acknowledge"}, headers={"Authorization": "Bearer budi-token"})
    assert feed.published()[-1].actor == c.Actor(role="skpd:PDAM", name="Budi Santoso")
