"""The web face: the citizens' form and status page, the dashboard, staff sign-in and desk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from services.cli.tokens import issue_token, revoke_tokens
from services.faces.common.backends import Backends
from services.faces.common.settings import EdgeSettings
from services.faces.web.app import build
from shared.auth import TokenStore, digest
from tests.unit.faces.conftest import FakeServices, report

STATS = {
    "total": 7, "by_status": {"Terdisposisi: Selesai": 3}, "received": 6, "resolved": 3,
    "in_progress": 3, "overdue": 1, "escalated": 0,
    "by_skpd": [{"code": "PDAM", "name": "PDAM Bandarmasih", "received": 4, "resolved": 2,
                 "in_progress": 2, "overdue": 1, "escalated": 0,
                 "median_hours_to_first_follow_up": 5.5, "resolved_within_deadline_pct": 50.0}],
    "by_channel": {"web": 7}, "by_kind": {"pengaduan": 7},
    "by_kecamatan": {"Banjarmasin Utara": 7}, "by_week": {"2026-W48": 7}, "as_of": None,
}  # fmt: skip


@pytest.fixture
def tokens_file(tmp_path: Path) -> Path:
    return tmp_path / "tokens.json"


@pytest.fixture
def client(backends: Backends, settings: EdgeSettings, tokens_file: Path) -> TestClient:
    store = TokenStore({digest("skpd-DISPERKIM"): "skpd:DISPERKIM"}, tokens_file)
    return TestClient(build(settings, backends, store))


FORM = {"jenis": "pengaduan", "judul": "Air mati", "isi": "Air PDAM mati tiga hari",
        "kecamatan": "Banjarmasin Utara", "kelurahan": "Sungai Miai", "telepon": "0812345678",
        "anonim": "ya", "kategori": "air-minum"}  # fmt: skip


def test_form_is_labelled_and_explains_anonim_and_rahasia(client: TestClient) -> None:
    page = client.get("/").text
    for field in ("judul", "isi", "kecamatan", "kelurahan", "foto", "nama", "anonim", "rahasia"):
        assert f'<label for="{field}"' in page
    assert "tidak diperlihatkan kepada pihak yang dilaporkan" in page
    # the only scripts are the map's, loaded deferred; the form posts without them
    assert page.count("<script") == 2 and "/static/peta.js" in page


def test_form_submits_through_intake_and_shows_the_tracking_id(
    client: TestClient, fake: FakeServices
) -> None:
    page = client.post("/lapor", data=FORM)
    assert page.status_code == 200 and "LPR-00000001" in page.text
    [sent] = fake.submitted
    assert sent["channel"] == "web" and sent["category"] == "air-minum" and sent["anonim"]
    assert sent["location"] == {"kecamatan": "Banjarmasin Utara", "kelurahan": "Sungai Miai",
                                "address": None, "latitude": None, "longitude": None}  # fmt: skip
    assert sent["attachments"] == []


def test_a_slow_intake_answer_is_followed_to_the_tracking_id(
    client: TestClient, fake: FakeServices
) -> None:
    fake.intake_answer = 202
    page = client.post("/lapor", data=FORM)
    assert page.status_code == 200 and "LPR-00000001" in page.text  # via /kiriman/{id}


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"isi": ""}, "Isi laporan wajib diisi"),
        ({"kelurahan": "Kelayan Dalam"}, "tidak berada di Kecamatan"),
        ({"telepon": "", "nama": "", "email": ""}, "setidaknya satu kontak"),
        ({"lintang": "-3.3", "bujur": "timur"}, "Titik di peta tidak valid"),
        ({"lintang": "-3.3", "bujur": ""}, "Titik di peta tidak valid"),
    ],
)
def test_a_bad_form_comes_back_with_the_problem_and_the_values(
    client: TestClient, fake: FakeServices, change: dict[str, str], problem: str
) -> None:
    page = client.post("/lapor", data={**FORM, **change})
    assert page.status_code == 400 and problem in page.text
    assert "Air PDAM mati" in page.text or not change.get("isi", True)
    assert fake.submitted == []


def test_status_page_shows_bucket_body_and_timeline(client: TestClient, fake: FakeServices) -> None:
    fake.cases.append(report("LPR-STAT0001"))
    page = client.get("/laporan/LPR-STAT0001").text
    assert "Terdisposisi: Sedang Diproses" in page and "Dinas Perumahan Rakyat" in page
    assert "Diterima" in page and "WITA" in page
    assert client.get("/laporan/LPR-NOTHERE").status_code == 404
    found = client.get("/laporan?id=lpr-stat0001", follow_redirects=False)
    assert found.headers["location"] == "/laporan/LPR-STAT0001"


def test_dashboard_shows_the_stats_and_csv_needs_an_analyst(
    client: TestClient, fake: FakeServices, tokens_file: Path
) -> None:
    fake.stats = STATS
    page = client.get("/dasbor").text
    for element, value in (("angka-total", 7), ("angka-diterima", 6), ("angka-selesai", 3)):
        assert f'id="{element}">{value}<' in page
    assert "/static/vendor/chartjs/chart.umd.js" in page and "unduh-stats" not in page
    assert client.get("/static/vendor/chartjs/chart.umd.js").status_code == 200
    assert client.get("/dasbor/stats.csv", follow_redirects=False).status_code == 303
    token = issue_token(tokens_file, "analyst", "Rina Analis")
    client.post("/staf/masuk", data={"token": token})
    assert "unduh-stats" in client.get("/dasbor").text
    assert client.get("/dasbor?from=bukan-tanggal").status_code == 400


def test_desk_lists_overdue_first_and_acts_as_the_signed_in_person(
    client: TestClient, fake: FakeServices, tokens_file: Path
) -> None:
    fake.cases += [report("LPR-LATER001"), report("LPR-LATE0001", overdue=True)]
    token = issue_token(tokens_file, "skpd:DISPERKIM", "Budi Petugas")
    assert client.post("/staf/masuk", data={"token": "salah"}).status_code == 401
    desk = client.post("/staf/masuk", data={"token": token})
    assert desk.url.path == "/staf/skpd/DISPERKIM" and "Budi Petugas" in desk.text
    assert desk.text.index("LPR-LATE0001") < desk.text.index("LPR-LATER001")
    done = client.post(
        "/staf/skpd/DISPERKIM/LPR-LATE0001", data={"action": "resolve", "text": "Sudah"}
    )
    assert "tindakan dikirim" in done.text
    assert fake.actions == [("LPR-LATE0001", {"action": "resolve", "text": "Sudah"}, token)]
    revoke_tokens(tokens_file, "Budi Petugas")
    assert client.get("/staf/skpd/DISPERKIM", follow_redirects=False).status_code == 303


def test_admin_sees_held_triage_and_escalated_and_decides(
    client: TestClient, fake: FakeServices, tokens_file: Path
) -> None:
    fake.queues = {
        "held": [{"tracking_id": "LPR-HELD0001", "report_id": "r1", "since": "2026-11-30T01:00:00Z",
                  "reason": "teks terlalu pendek", "possible_duplicate_of": None, "flag": None}],
        "triage": [{"tracking_id": "LPR-TRIA0001", "report_id": "r2", "title": "Banjir",
                    "excerpt": "Banjir di gang", "reason": "skor rendah",
                    "candidates": [{"code": "DPUPR", "score": 0.41}],
                    "since": "2026-11-30T01:00:00Z"}],
    }  # fmt: skip
    fake.queues["escalations"] = [
        {"tracking_id": "LPR-ESCA0001", "status": "Terdisposisi: Belum Ditindaklanjuti",
         "title": "Sampah", "skpd_code": "DLH", "skpd_name": "Dinas LH",
         "due_at": "2026-11-20T00:00:00Z", "escalations": 1, "assignee": None},
    ]  # fmt: skip
    assert client.get("/staf/admin", follow_redirects=False).status_code == 303
    store_token = "admin-token"
    tokens_file.write_text(
        json.dumps({digest(store_token): {"role": "admin", "name": "Admin Kota"}})
    )
    page = client.post("/staf/masuk", data={"token": store_token})
    assert page.url.path == "/staf/admin"
    for shown in ("LPR-HELD0001", "LPR-TRIA0001", "DPUPR (skor 0.41)", "LPR-ESCA0001"):
        assert shown in page.text
    assert not [path for path, _ in fake.asked if path == "/v1/reports.csv"]
    paged = {path: params for path, params in fake.asked}
    for path in ("/v1/held", "/v1/triage", "/v1/escalations"):
        assert paged[path] == {"limit": "25", "offset": "0"}
    client.post("/staf/admin/ditahan/LPR-HELD0001/archive", data={"reason": "bukan wewenang"})
    client.post("/staf/admin/triase/LPR-TRIA0001", data={"skpd_code": "DPUPR", "reason": ""})
    assert fake.actions == [
        ("LPR-HELD0001/archive", {"reason": "bukan wewenang"}, store_token),
        (
            "LPR-TRIA0001",
            {"skpd_code": "DPUPR", "reason": "disposisi oleh Admin Kota"},
            store_token,
        ),
    ]
