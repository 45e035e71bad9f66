"""The public record over HTTP: the filtered query, open data, flags and the moderation queue."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient
from moderation_lives import ADMIN
from tracking_helpers import DISPOSITIONS, PDAM, REPORTS, START, Feed, Report, auth, settings

from shared import contracts as c
from shared.auth import digest
from shared.clock import FixedClock
from shared.runtime import build_app
from tracking.application.public import PublicReport
from tracking.bootstrap import TrackingParts, assemble, bootstrap
from tracking.entrypoints.public_http import STREAM_CHUNK, _csv_lines, _geojson
from tracking.settings import TrackingSettings

PHONE, EMAIL, NIK = "0812-3456-7890", "budi.santoso@gmail.com", "6371041203850002"
SECRET_TEXT = f"Jalan berlubang. Hubungi saya di {PHONE} atau {EMAIL}, NIK {NIK}."
PIN = (-3.319437, 114.590843)  # Banjarmasin Tengah
OUTSIDE = (-6.2, 106.8)  # Jakarta


def _tuned(tmp_path: Path) -> TrackingSettings:
    """The test client's peer is a trusted proxy (X-Forwarded-For names callers); a named admin."""
    plain = settings(tmp_path)
    tokens = {**plain.common.auth_tokens, digest("sari-token"): {"role": "admin", "name": ADMIN[1]}}
    common = plain.common.model_copy(update={"auth_tokens": tokens})
    update = {"trusted_proxies": ["testclient"], "flag_limit": 4, "common": common}
    return plain.model_copy(update=update)


@pytest.fixture
def parts(tmp_path: Path, clock: FixedClock) -> TrackingParts:
    return assemble(_tuned(tmp_path), clock, {"PERSISTENCE_MODULE": "eventsourcing.popo"})


@pytest.fixture
def public(tmp_path: Path, parts: TrackingParts) -> TestClient:
    """The real app over the parts."""
    return TestClient(build_app(bootstrap(_tuned(tmp_path), parts=parts)))


def _report(
    feed: Feed, parts: TrackingParts, tracking_id: str, *, hours: float = 0,
    text: str = "Jalan rusak", pin: tuple[float, float] | None = PIN,
    kecamatan: str = "Banjarmasin Tengah", category: str | None = "jalan-drainase",
    anonim: bool = False, rahasia: bool = False,
) -> Report:  # fmt: skip
    report = Report(tracking_id, rahasia=rahasia)
    at = START + timedelta(hours=hours)
    latitude, longitude = pin or (None, None)
    feed.send(
        REPORTS,
        c.ReportReceived(
            report_id=report.report_id, tracking_id=tracking_id, occurred_at=at, received_at=at,
            channel=c.Channel.WEB, kind=c.ReportKind.PENGADUAN, title=f"Laporan {PHONE}", text=text,
            location=c.Location(
                kecamatan=kecamatan, kelurahan="Kertak Baru Ilir", address="Jl. Veteran No. 12",
                latitude=latitude, longitude=longitude,
            ),
            reporter_ref=f"rep-{uuid4().hex[:8]}", anonim=anonim, rahasia=rahasia,
            category=category,
        ),
    )  # fmt: skip
    parts.projector.catch_up()
    return report


def _many(feed: Feed, parts: TrackingParts) -> list[str]:
    """Seven public reports (two at the same moment), one rahasia; newest first as listed."""
    ids = []
    for n in range(7):
        hours = n if n != 3 else 2  # LPR-PUB00002 and LPR-PUB00003 share a moment
        kecamatan = "Banjarmasin Utara" if n % 2 else "Banjarmasin Tengah"
        _report(feed, parts, f"LPR-PUB0000{n}", hours=hours, kecamatan=kecamatan)
        ids.append(f"LPR-PUB0000{n}")
    _report(feed, parts, "LPR-RAHASIA1", hours=9, rahasia=True)
    return ["LPR-PUB00006", "LPR-PUB00005", "LPR-PUB00004", "LPR-PUB00002", "LPR-PUB00003",
            "LPR-PUB00001", "LPR-PUB00000"]  # fmt: skip


def _ids(answer: dict[str, Any]) -> list[str]:
    return [item["tracking_id"] for item in answer["items"]]


def test_pages_together_give_exactly_the_list_newest_first_then_by_tracking_id(
    public: TestClient, feed: Feed, parts: TrackingParts
) -> None:
    expected = _many(feed, parts)
    pages = [public.get("/v1/public/reports", params={"page": p, "page_size": 3}).json()
             for p in (1, 2, 3, 4)]  # fmt: skip
    assert [page["total"] for page in pages] == [7] * 4
    assert [tid for page in pages for tid in _ids(page)] == expected
    assert _ids(pages[3]) == []


def test_the_public_query_filters_by_place_body_status_category_words_and_dates(
    public: TestClient, feed: Feed, parts: TrackingParts
) -> None:
    _many(feed, parts)
    disposed = _report(
        feed, parts, "LPR-PUB00010", hours=12, text="Air PDAM keruh", category="air-minum"
    )
    feed.send(DISPOSITIONS, disposed.disposed(PDAM, START + timedelta(hours=13)))
    parts.projector.catch_up()

    def ids(**params: Any) -> list[str]:
        answer = public.get("/v1/public/reports", params=params)
        assert answer.status_code == 200, answer.text
        assert answer.json()["total"] == len(answer.json()["items"])
        return _ids(answer.json())

    assert ids(kecamatan="banjarmasin utara") == ["LPR-PUB00005", "LPR-PUB00003", "LPR-PUB00001"]
    assert ids(skpd="PDAM") == ["LPR-PUB00010"]
    assert ids(category="air-minum") == ["LPR-PUB00010"]
    assert ids(q="KERUH") == ["LPR-PUB00010"]
    assert ids(status="Terdisposisi: Belum Ditindaklanjuti") == ["LPR-PUB00010"]
    assert "LPR-PUB00010" not in ids(status="closed") and len(ids(status="open")) == 8
    start, end = (START + timedelta(hours=4)).isoformat(), (START + timedelta(hours=5)).isoformat()
    assert ids(start_date=start, end_date=end) == ["LPR-PUB00005", "LPR-PUB00004"]
    assert ids(start_date="2024-08-13") == []  # a day in WITA; every report came on the 12th
    assert len(ids(end_date="2024-08-12")) == 8


def test_an_anonim_reports_phone_email_and_nik_show_on_no_public_surface(
    public: TestClient, feed: Feed, parts: TrackingParts
) -> None:
    _report(feed, parts, "LPR-ANON0001", text=SECRET_TEXT, anonim=True)
    surfaces = [
        public.get("/v1/public/reports").text,
        public.get("/v1/feed").text,
        public.get("/v1/feed.csv").text,
        public.get("/v1/feed.geojson").text,
        public.get("/v1/reports/LPR-ANON0001").text,
    ]
    for surface in surfaces:
        assert "LPR-ANON0001" in surface
        for secret in (PHONE, EMAIL, NIK, "3456", "Veteran No. 12"):
            assert secret not in surface
        assert "[nomor telepon disamarkan]" in surface


def test_public_surfaces_round_pins_to_about_100_m(
    public: TestClient, feed: Feed, parts: TrackingParts
) -> None:
    _report(feed, parts, "LPR-PIN00001")
    [item] = public.get("/v1/public/reports").json()["items"]
    assert (item["latitude"], item["longitude"]) == (-3.319, 114.591)
    status = public.get("/v1/reports/LPR-PIN00001").json()["location"]
    assert (status["latitude"], status["longitude"]) == (-3.319, 114.591)
    [feature] = public.get("/v1/feed.geojson").json()["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [114.591, -3.319]}
    [row] = csv.DictReader(io.StringIO(public.get("/v1/feed.csv").text))
    assert (row["latitude"], row["longitude"]) == ("-3.319", "114.591")


def test_open_data_lists_what_the_public_query_lists_in_its_order(
    public: TestClient, feed: Feed, parts: TrackingParts
) -> None:
    expected = _many(feed, parts)
    answer = public.get("/v1/feed.csv")
    assert answer.headers["content-type"].startswith("text/csv")
    assert [row["tracking_id"] for row in csv.DictReader(io.StringIO(answer.text))] == expected
    geojson = public.get("/v1/feed.geojson").json()
    assert geojson["type"] == "FeatureCollection"
    assert [feature["id"] for feature in geojson["features"]] == expected
    assert "reporter_ref" not in answer.text and "rep-" not in answer.text


def test_three_flags_hide_a_report_from_every_public_listing_and_its_status_says_so(
    public: TestClient, feed: Feed, parts: TrackingParts
) -> None:
    _report(feed, parts, "LPR-FLAG0001", text=SECRET_TEXT)
    for n in (1, 2, 3):
        answer = public.post(
            "/v1/public/reports/LPR-FLAG0001/flags", json={"reason": "ada data pribadi"},
            headers={"X-Forwarded-For": f"203.0.113.{n}"},
        )  # fmt: skip
        assert answer.status_code == 201, answer.text
    assert answer.json() == {
        "tracking_id": "LPR-FLAG0001",
        "counted": True,
        "flags": 3,
        "hidden": True,
    }
    parts.projector.catch_up()
    for path in ("/v1/public/reports", "/v1/feed", "/v1/feed.csv", "/v1/feed.geojson"):
        assert "LPR-FLAG0001" not in public.get(path).text
    status = public.get("/v1/reports/LPR-FLAG0001").json()
    assert status["hidden"] is True and status["text"] is None and status["title"] is None
    assert status["location"] is None
    again = public.post("/v1/public/reports/LPR-FLAG0001/flags", json={"reason": "lagi lagi"})
    assert again.status_code == 404


def test_a_repeated_flag_answers_200_and_too_many_answer_429(
    public: TestClient, feed: Feed, parts: TrackingParts
) -> None:
    _report(feed, parts, "LPR-FLAG0002")
    path, who = "/v1/public/reports/LPR-FLAG0002/flags", {"X-Forwarded-For": "198.51.100.7"}
    codes = [public.post(path, json={"reason": "spam iklan"}, headers=who).status_code
             for _ in range(5)]  # fmt: skip
    assert codes == [201, 200, 200, 200, 429]
    refused = public.post(path, json={"reason": "spam iklan"}, headers=who)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    other = public.post(
        path, json={"reason": "spam iklan"}, headers={"X-Forwarded-For": "198.51.100.8"}
    )
    assert other.status_code == 201


def test_the_admin_moderates_through_the_queue_and_each_act_names_the_person(
    public: TestClient, feed: Feed, parts: TrackingParts
) -> None:
    _report(feed, parts, "LPR-MODQ0001", text=SECRET_TEXT)
    _report(feed, parts, "LPR-MODQ0002", pin=OUTSIDE)
    _report(feed, parts, "LPR-MODQ0003")
    flag = {"reason": "ada data pribadi"}
    public.post(
        "/v1/public/reports/LPR-MODQ0001/flags", json=flag, headers={"X-Forwarded-For": "1.2.3.4"}
    )
    admin = {"Authorization": "Bearer sari-token"}
    public_hide = public.post(
        "/v1/moderation/LPR-MODQ0001/hide", json={"reason": "data pribadi"}, headers=admin
    )
    assert public_hide.status_code == 200, public_hide.text
    correction = {"title": "Jalan rusak", "text": "Jalan rusak di depan sekolah", "reason": "nomor"}
    assert (
        public.post(
            "/v1/moderation/LPR-MODQ0003/correct", json=correction, headers=admin
        ).status_code
        == 200
    )
    parts.projector.catch_up()

    queue = public.get("/v1/moderation", headers=admin).json()
    assert queue["total"] == 2  # flagged and hidden, pinned outside; a correction is no reason
    items = {item["tracking_id"]: item for item in queue["items"]}
    hidden = items["LPR-MODQ0001"]
    assert (hidden["hidden"], hidden["flags"], hidden["text"]) == (True, 1, SECRET_TEXT)
    assert [(a["act"], a["role"], a["name"]) for a in hidden["acts"]] == [
        ("flagged", "", ""),
        ("hidden", "admin", "Sari Rahmawati"),
    ]
    assert items["LPR-MODQ0002"]["pin_outside_city"] is True
    corrected = public.get("/v1/moderation/LPR-MODQ0003", headers=admin).json()
    assert (corrected["public_text"], corrected["text"]) == (correction["text"], "Jalan rusak")
    assert [(a["act"], a["name"], a["reason"]) for a in corrected["acts"]] == [
        ("corrected", "Sari Rahmawati", "nomor")
    ]
    only_pins = public.get("/v1/moderation", params={"reason": "pin"}, headers=admin).json()
    assert _ids(only_pins) == ["LPR-MODQ0002"]
    [shown] = public.get("/v1/public/reports", params={"q": "sekolah"}).json()["items"]
    assert (shown["tracking_id"], shown["title"]) == ("LPR-MODQ0003", "Jalan rusak")


def test_moderation_is_for_the_admin_only(
    public: TestClient, feed: Feed, parts: TrackingParts
) -> None:
    _report(feed, parts, "LPR-MODQ0009")
    assert public.get("/v1/moderation").status_code == 401
    assert public.get("/v1/moderation", headers=auth("analyst")).status_code == 403
    hide = public.post(
        "/v1/moderation/LPR-MODQ0009/hide", json={"reason": "x" * 5}, headers=auth("skpd:PDAM")
    )
    assert hide.status_code == 403


def test_bad_public_queries_answer_422_naming_the_problem(public: TestClient) -> None:
    for params, named in (
        ({"page_size": 1001}, "page_size"),
        ({"page": 0}, "page"),
        ({"start_date": "kemarin"}, "start_date"),
        ({"end_date": "2024-08-12T10:00:00"}, "end_date"),
    ):
        answer = public.get("/v1/public/reports", params=params)
        assert answer.status_code == 422 and named in answer.text, (params, answer.text)
    short = public.post("/v1/public/reports/LPR-X/flags", json={"reason": ""})
    assert short.status_code == 422


def test_open_data_of_several_chunks_is_one_valid_document_in_order() -> None:
    count = 2 * STREAM_CHUNK + 1
    reports = [
        PublicReport(
            tracking_id=f"LPR-C{n:07d}", title="Jalan rusak", text="=SUM(A1)", kind="pengaduan",
            channel="web", status="Arsip", received_at=START, updated_at=START,
            latitude=-3.3, longitude=114.6,
        )
        for n in range(count)
    ]  # fmt: skip
    expected = [report.tracking_id for report in reports]
    document = json.loads("".join(_geojson(iter(reports))))
    assert [feature["id"] for feature in document["features"]] == expected
    rows = list(csv.DictReader(io.StringIO("".join(_csv_lines(iter(reports))))))
    assert [row["tracking_id"] for row in rows] == expected
    assert rows[0]["text"] == "'=SUM(A1)"  # a spreadsheet shows it, never runs it
