"""The admin's queue: held reports oldest first; verify goes on to routing; archive with reason."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from intake_helpers import (
    START,
    Feed,
    as_role,
    message,
    published,
    published_types,
    tracking_id_of,
)

from intake.application.app import IntakeApplication
from shared.contracts import ReportAccepted, Reporter

ABUSIVE = "Petugas goblok tidak mau melayani warga di kantor kelurahan"


def held(feed: Feed, message_id: str, minutes: int = 0, n: int = 1) -> None:
    when = START + timedelta(minutes=minutes)
    reporter = Reporter(phone=f"08120000{n:04d}")
    feed(message(message_id, text=ABUSIVE, received_at=when, reporter=reporter))


def test_held_lists_reports_oldest_first_with_the_reason(
    client: TestClient, app: IntakeApplication, feed: Feed
) -> None:
    held(feed, "m-2", minutes=30, n=2)
    held(feed, "m-1", minutes=0, n=1)
    feed(message("m-3"))
    answer = client.get("/v1/held", headers=as_role("admin"))
    assert answer.status_code == 200
    items = answer.json()
    assert [i["tracking_id"] for i in items] == [
        tracking_id_of(app, "m-1"),
        tracking_id_of(app, "m-2"),
    ]
    assert all("kata kasar" in i["reason"] and i["flag"] is None for i in items)


def test_the_queue_pages_and_says_how_many_wait(
    client: TestClient, app: IntakeApplication, feed: Feed
) -> None:
    held(feed, "m-2", minutes=30, n=2)
    held(feed, "m-1", minutes=0, n=1)
    answer = client.get("/v1/held", params={"limit": 1, "offset": 1}, headers=as_role("admin"))
    assert [i["tracking_id"] for i in answer.json()] == [tracking_id_of(app, "m-2")]
    assert answer.headers["x-total-count"] == "2"


def test_a_page_of_the_queue_is_read_from_the_table_not_cut_from_the_whole(
    client: TestClient, app: IntakeApplication, feed: Feed, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(1, 5):
        held(feed, f"m-{n}", minutes=n, n=n)
    read = app.books.db.read
    rows_read: list[int] = []

    def counting(sql: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        rows = read(sql, params)
        if "intake_held" in sql:
            rows_read.append(len(rows))
        return rows

    monkeypatch.setattr(app.books.db, "read", counting)
    answer = client.get("/v1/held", params={"limit": 2, "offset": 1}, headers=as_role("admin"))
    assert [i["tracking_id"] for i in answer.json()] == [
        tracking_id_of(app, "m-2"),
        tracking_id_of(app, "m-3"),
    ]
    assert answer.headers["x-total-count"] == "4"
    assert rows_read == [1, 2]  # the count's one row, then the page's two: never all four
    beyond = client.get("/v1/held", params={"limit": 2, "offset": 4}, headers=as_role("admin"))
    assert (beyond.json(), beyond.headers["x-total-count"]) == ([], "4")


def test_verify_sends_the_report_on_to_routing_and_empties_the_queue(
    client: TestClient, app: IntakeApplication, feed: Feed
) -> None:
    held(feed, "m-1")
    tracking_id = tracking_id_of(app, "m-1")
    answer = client.post(f"/v1/held/{tracking_id}/verify", headers=as_role("admin"))
    assert answer.status_code == 200
    assert answer.json() == {"tracking_id": tracking_id, "status": "accepted", "reason": None}
    assert published_types(app)[-1] == "ReportAccepted"
    assert client.get("/v1/held", headers=as_role("admin")).json() == []
    assert app.intake_status("sms", "m-1").status == "accepted"


def test_the_accepted_copy_after_verification_carries_the_report(
    client: TestClient, app: IntakeApplication, feed: Feed
) -> None:
    held(feed, "m-1")
    tracking_id = tracking_id_of(app, "m-1")
    client.post(f"/v1/held/{tracking_id}/verify", headers=as_role("admin"))

    accepted = published(app)[-1]
    assert isinstance(accepted, ReportAccepted)
    assert (accepted.tracking_id, accepted.text) == (tracking_id, ABUSIVE)


def test_archive_records_the_reason_and_publishes_it(
    client: TestClient, app: IntakeApplication, feed: Feed
) -> None:
    held(feed, "m-1")
    tracking_id = tracking_id_of(app, "m-1")
    answer = client.post(
        f"/v1/held/{tracking_id}/archive",
        json={"reason": "bukan kewenangan pemerintah kota"},
        headers=as_role("admin"),
    )
    assert answer.json()["status"] == "archived"
    assert published_types(app)[-1] == "ReportArchived"
    assert app.intake_status("sms", "m-1").reason == "bukan kewenangan pemerintah kota"


def test_deciding_on_a_report_that_is_not_held_is_409(
    client: TestClient, app: IntakeApplication, feed: Feed
) -> None:
    feed(message("m-1"))
    answer = client.post(f"/v1/held/{tracking_id_of(app, 'm-1')}/verify", headers=as_role("admin"))
    assert answer.status_code == 409
    assert "not held" in answer.json()["detail"]


def test_deciding_on_an_unknown_tracking_id_is_404(client: TestClient) -> None:
    answer = client.post("/v1/held/LPR-ZZZZZZZZ/verify", headers=as_role("admin"))
    assert answer.status_code == 404


def test_archive_without_a_reason_is_422(
    client: TestClient, app: IntakeApplication, feed: Feed
) -> None:
    held(feed, "m-1")
    answer = client.post(
        f"/v1/held/{tracking_id_of(app, 'm-1')}/archive", json={}, headers=as_role("admin")
    )
    assert answer.status_code == 422
    assert "reason" in str(answer.json()["detail"])


def test_the_queue_is_for_the_admin_only(client: TestClient) -> None:
    assert client.get("/v1/held").status_code == 401
    assert client.get("/v1/held", headers=as_role("adapter")).status_code == 403
    assert client.post("/v1/held/LPR-X/verify", headers=as_role("skpd:PDAM")).status_code == 403
