"""The SKPD desk at scale: filters, "mine", and the order (overdue first, then by due moment)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tracking_helpers import DISPOSITIONS, DLH, PDAM, REPORTS, START, Feed, FixedClock, Report, auth

from tracking.bootstrap import TrackingParts

BUDI = {"Authorization": "Bearer budi-token"}  # skpd:PDAM, named "Budi Santoso"


def _arrive(
    feed: Feed,
    parts: TrackingParts,
    tracking_id: str,
    received: datetime,
    disposed: datetime,
    body: tuple[str, str] = PDAM,
    **content: Any,
) -> Report:
    report = Report(tracking_id)
    message = report.received(received)
    if content:
        location = message.location.model_copy(update=content.pop("location", {}))
        message = message.model_copy(update={**content, "location": location})
    feed.send(REPORTS, message)
    feed.send(DISPOSITIONS, report.disposed(body, at=disposed))
    parts.projector.catch_up()
    return report


def _desk(client: TestClient, headers: dict[str, str] | None = None, **query: Any) -> Any:
    answer = client.get("/v1/skpd/PDAM/reports", params=query, headers=headers or auth("admin"))
    assert answer.status_code == 200, answer.text
    return answer.json()


def _ids(page: Any) -> list[str]:
    return [item["tracking_id"] for item in page["items"]]


def _assign(client: TestClient, report: Report, name: str, headers: dict[str, str]) -> None:
    url = f"/v1/skpd/PDAM/reports/{report.tracking_id}/actions"
    answer = client.post(url, json={"action": "assign", "assignee": name}, headers=headers)
    assert answer.status_code == 202, answer.text


@pytest.fixture
def three(feed: Feed, parts: TrackingParts, clock: FixedClock) -> list[Report]:
    """Received A, C, B; disposed A, B, C: due in that order; A overdue once the clock moves."""
    a = _arrive(feed, parts, "LPR-ORDER00A", START, START + timedelta(hours=1))
    c = _arrive(feed, parts, "LPR-ORDER00C", START + timedelta(minutes=10),
                START + timedelta(days=3), category="sampah",
                location={"kecamatan": "Banjarmasin Utara"})  # fmt: skip
    b = _arrive(feed, parts, "LPR-ORDER00B", START + timedelta(minutes=20),
                START + timedelta(days=2), text="Pipa bocor depan masjid, 100% rusak")  # fmt: skip
    _arrive(feed, parts, "LPR-ORDERDLH", START, START + timedelta(hours=1), body=DLH)
    clock.set(START + timedelta(days=7, hours=2))  # A's first follow-up (5 working days) due
    return [a, b, c]


def test_the_desk_lists_overdue_first_then_by_the_moment_due(
    client: TestClient, three: list[Report]
) -> None:
    page = _desk(client)
    assert _ids(page) == ["LPR-ORDER00A", "LPR-ORDER00B", "LPR-ORDER00C"]
    assert [item["overdue"] for item in page["items"]] == [True, False, False]


def test_the_order_holds_across_pages(client: TestClient, three: list[Report]) -> None:
    pages = [_desk(client, limit=1, offset=n) for n in range(3)]
    assert [_ids(page)[0] for page in pages] == ["LPR-ORDER00A", "LPR-ORDER00B", "LPR-ORDER00C"]
    assert {page["total"] for page in pages} == {3}


def test_overdue_filters_both_ways(client: TestClient, three: list[Report]) -> None:
    assert _ids(_desk(client, overdue="true")) == ["LPR-ORDER00A"]
    assert _ids(_desk(client, overdue="false")) == ["LPR-ORDER00B", "LPR-ORDER00C"]


def test_kecamatan_matches_whatever_the_case(client: TestClient, three: list[Report]) -> None:
    assert _ids(_desk(client, kecamatan="banjarmasin utara")) == ["LPR-ORDER00C"]


def test_category_filters(client: TestClient, three: list[Report]) -> None:
    assert _ids(_desk(client, category="sampah")) == ["LPR-ORDER00C"]


def test_q_finds_words_of_the_text_and_a_tracking_id(
    client: TestClient, three: list[Report]
) -> None:
    assert _ids(_desk(client, q="MASJID")) == ["LPR-ORDER00B"]
    assert _ids(_desk(client, q="lpr-order00c")) == ["LPR-ORDER00C"]


def test_q_takes_like_wildcards_literally(client: TestClient, three: list[Report]) -> None:
    assert _ids(_desk(client, q="100%")) == ["LPR-ORDER00B"]
    assert _ids(_desk(client, q="%")) == ["LPR-ORDER00B"]
    assert _ids(_desk(client, q="_")) == []


def test_status_takes_a_bucket_or_open_or_closed(
    client: TestClient, feed: Feed, parts: TrackingParts, three: list[Report]
) -> None:
    feed.send("lapor.skpd.PDAM.actions.v1", three[1].acknowledge())
    feed.send("lapor.skpd.PDAM.actions.v1", three[2].resolve())
    parts.projector.catch_up()
    assert _ids(_desk(client, status="Terdisposisi: Sedang Diproses")) == ["LPR-ORDER00B"]
    assert _ids(_desk(client, status="open")) == ["LPR-ORDER00A", "LPR-ORDER00B"]
    assert _ids(_desk(client, status="closed")) == ["LPR-ORDER00C"]


def test_mine_lists_the_reports_assigned_to_the_caller(
    client: TestClient, three: list[Report]
) -> None:
    _assign(client, three[2], "Budi Santoso", auth("skpd:PDAM"))
    _assign(client, three[0], "Siti Rahmah", auth("skpd:PDAM"))
    assert _ids(_desk(client, BUDI, assignee="mine")) == ["LPR-ORDER00C"]
    assert _ids(_desk(client, assignee="Siti Rahmah")) == ["LPR-ORDER00A"]


def test_mine_needs_a_named_token(client: TestClient, three: list[Report]) -> None:
    answer = client.get(
        "/v1/skpd/PDAM/reports", params={"assignee": "mine"}, headers=auth("skpd:PDAM")
    )
    assert answer.status_code == 422
    assert "personal token" in answer.json()["detail"]


def test_filters_combine(client: TestClient, three: list[Report]) -> None:
    _assign(client, three[1], "Budi Santoso", BUDI)
    assert _ids(_desk(client, assignee="Budi Santoso", q="pipa", overdue="false")) == [
        "LPR-ORDER00B"
    ]
    assert _ids(_desk(client, assignee="Budi Santoso", category="sampah")) == []


def test_a_shared_report_is_on_both_desks_once(
    client: TestClient, feed: Feed, parts: TrackingParts
) -> None:
    report = Report("LPR-SHARED01")
    feed.send(REPORTS, report.received())
    shared = report.disposed(PDAM).model_copy(update={"also": ("DLH",)})
    feed.send(DISPOSITIONS, shared)
    parts.projector.catch_up()
    for code, primary in (("PDAM", True), ("DLH", False)):
        answer = client.get(f"/v1/skpd/{code}/reports", headers=auth("admin")).json()
        assert [(i["tracking_id"], i["primary"]) for i in answer["items"]] == [
            ("LPR-SHARED01", primary)
        ]
        assert answer["total"] == 1
