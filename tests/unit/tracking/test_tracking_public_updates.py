"""Tracking's public updates: each follow-up, resolution and status change of a public case once."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import update
from tracking_helpers import REPORTS, START, Feed, Report

from shared import contracts as c
from shared import topics
from tracking.adapters.tables import cases
from tracking.bootstrap import TrackingParts

ACTIONS = topics.skpd_actions_topic("PDAM")


def _live(feed: Feed, report: Report, parts: TrackingParts) -> None:
    """Received, disposed to PDAM, acknowledged, followed up, resolved (hours 0 to 4)."""
    feed.send(REPORTS, report.received())
    feed.send(topics.DISPOSITIONS, report.disposed())
    feed.send(ACTIONS, report.acknowledge(), report.follow_up(), report.resolve())
    parts.projector.catch_up()


def _updates(client: TestClient, **query: Any) -> dict[str, Any]:
    params = {k: v.isoformat() if isinstance(v, datetime) else v for k, v in query.items()}
    answer = client.get("/v1/public/updates", params=params)
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


def test_each_follow_up_resolution_and_status_change_is_one_update_oldest_first(
    client: TestClient, feed: Feed, parts: TrackingParts
) -> None:
    _live(feed, Report("LPR-UPD00001"), parts)
    found = _updates(client)
    steps = [(i["status"], i["bucket"], i["description"]) for i in found["items"]]
    assert steps == [
        ("open", "Terdisposisi: Belum Ditindaklanjuti", "Laporan didisposisikan ke "
         "Perumda Air Minum Bandarmasih (PDAM)"),
        ("open", "Terdisposisi: Sedang Diproses", "Laporan sedang diproses oleh "
         "Perumda Air Minum Bandarmasih (PDAM)"),
        ("open", "Terdisposisi: Sedang Diproses", "Petugas sudah memperbaiki pipa yang bocor"),
        ("closed", "Terdisposisi: Selesai", "Aliran air sudah normal kembali"),
    ]  # fmt: skip
    assert found["total"] == 4
    assert len({i["update_id"] for i in found["items"]}) == 4
    assert {i["tracking_id"] for i in found["items"]} == {"LPR-UPD00001"}
    moments = [datetime.fromisoformat(i["occurred_at"]) for i in found["items"]]
    assert moments == sorted(moments) and moments[0] == START + timedelta(hours=1)


def test_a_rahasia_report_has_no_public_update(
    client: TestClient, feed: Feed, parts: TrackingParts
) -> None:
    _live(feed, Report("LPR-SECRET01", rahasia=True), parts)
    _live(feed, Report("LPR-OPEN0001"), parts)
    found = _updates(client)
    assert {i["tracking_id"] for i in found["items"]} == {"LPR-OPEN0001"}


def test_a_hidden_report_has_no_public_update(
    client: TestClient, feed: Feed, parts: TrackingParts
) -> None:
    _live(feed, Report("LPR-HIDE0001"), parts)
    _live(feed, Report("LPR-SHOW0001"), parts)
    with parts.engine.begin() as conn:
        conn.execute(update(cases).where(cases.c.tracking_id == "LPR-HIDE0001").values(hidden=True))
    assert {i["tracking_id"] for i in _updates(client)["items"]} == {"LPR-SHOW0001"}


def test_consecutive_windows_hold_each_update_exactly_once(
    client: TestClient, feed: Feed, parts: TrackingParts
) -> None:
    _live(feed, Report("LPR-WIN00001"), parts)
    everything = [i["update_id"] for i in _updates(client)["items"]]
    cut = START + timedelta(hours=3)  # the follow-up's own moment: it belongs to the later window
    early = _updates(client, end=cut)["items"]
    late = _updates(client, start=cut, end=START + timedelta(days=1))["items"]
    assert [i["update_id"] for i in early + late] == everything
    assert late[0]["description"] == "Petugas sudah memperbaiki pipa yang bocor"


def test_pages_together_give_the_whole_window(
    client: TestClient, feed: Feed, parts: TrackingParts
) -> None:
    for n in range(3):
        _live(feed, Report(f"LPR-PAGE000{n}"), parts)
    everything = _updates(client)
    pages = [_updates(client, page=p, page_size=5) for p in (1, 2, 3, 4)]
    assert [p["total"] for p in pages] == [12] * 4
    assert [len(p["items"]) for p in pages] == [5, 5, 2, 0]
    assert [i for p in pages for i in p["items"]] == everything["items"]


def test_contacts_in_a_bodys_words_are_masked(
    client: TestClient, feed: Feed, parts: TrackingParts
) -> None:
    report = Report("LPR-MASK0001")
    feed.send(REPORTS, report.received())
    feed.send(topics.DISPOSITIONS, report.disposed())
    words = "Hubungi petugas kami di 0812-3456-7890 atau pdam@example.id"
    follow_up = c.PostFollowUp(
        report_id=report.report_id, tracking_id=report.tracking_id,
        occurred_at=START + timedelta(hours=2), skpd_code="PDAM", text=words,
    )  # fmt: skip
    feed.send(ACTIONS, follow_up)
    parts.projector.catch_up()
    [*_, last] = _updates(client)["items"]
    assert "0812" not in last["description"] and "pdam@example.id" not in last["description"]
    assert "[nomor telepon disamarkan]" in last["description"]


def test_a_window_that_ends_before_it_starts_or_has_no_offset_is_422(client: TestClient) -> None:
    backwards = {"start": "2024-08-13T00:00:00+08:00", "end": "2024-08-12T00:00:00+08:00"}
    assert client.get("/v1/public/updates", params=backwards).status_code == 422
    naive = client.get("/v1/public/updates", params={"start": "2024-08-12T00:00:00"})
    assert naive.status_code == 422
    assert client.get("/v1/public/updates", params={"page_size": 1001}).status_code == 422
