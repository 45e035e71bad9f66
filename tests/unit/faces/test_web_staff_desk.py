"""The staff pages at scale: the desk's filters and paging on the server, "mine", assignment,
canned responses, the admin's queues paged, and the walk-in desk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from services.cli.tokens import issue_token
from services.faces.common.backends import Backends
from services.faces.common.settings import EdgeSettings
from services.faces.web.app import build
from services.faces.web.canned import for_category
from shared.auth import TokenStore, digest
from tests.unit.faces.conftest import FakeServices, report


@pytest.fixture
def tokens_file(tmp_path: Path) -> Path:
    return tmp_path / "tokens.json"


@pytest.fixture
def client(backends: Backends, settings: EdgeSettings, tokens_file: Path) -> TestClient:
    return TestClient(build(settings, backends, TokenStore({}, tokens_file)))


def _sign_in(client: TestClient, tokens_file: Path, role: str, name: str) -> str:
    token = issue_token(tokens_file, role, name)
    client.post("/staf/masuk", data={"token": token}, follow_redirects=False)
    return token


def _desk_asks(fake: FakeServices) -> list[dict[str, str]]:
    return [params for path, params in fake.asked if path == "/v1/skpd/DISPERKIM/reports"]


def test_the_desk_passes_its_filters_and_page_to_tracking(
    client: TestClient, fake: FakeServices, tokens_file: Path
) -> None:
    _sign_in(client, tokens_file, "skpd:DISPERKIM", "Budi Petugas")
    query = {"status": "open", "overdue": "true", "assignee": "mine", "kecamatan": "",
             "category": "lampu-jalan", "q": "tiang 7", "halaman": "3"}  # fmt: skip
    assert client.get("/staf/skpd/DISPERKIM", params=query).status_code == 200
    assert _desk_asks(fake)[-1] == {
        "status": "open", "overdue": "true", "assignee": "mine", "category": "lampu-jalan",
        "q": "tiang 7", "limit": "25", "offset": "50",
    }  # fmt: skip


def test_the_desk_links_to_the_next_page_keeping_the_filters(
    client: TestClient, fake: FakeServices, tokens_file: Path
) -> None:
    fake.cases += [report(f"LPR-PAGE{n:04d}") for n in range(30)]
    _sign_in(client, tokens_file, "skpd:DISPERKIM", "Budi Petugas")
    first = client.get("/staf/skpd/DISPERKIM", params={"q": "lampu"}).text
    assert "LPR-PAGE0024" in first and "LPR-PAGE0025" not in first
    assert 'href="/staf/skpd/DISPERKIM?q=lampu&amp;halaman=2"' in first
    second = client.get("/staf/skpd/DISPERKIM", params={"q": "lampu", "halaman": "2"}).text
    assert "LPR-PAGE0025" in second and "Halaman 2 dari 2" in second


def test_assigning_to_oneself_names_the_signed_in_officer(
    client: TestClient, fake: FakeServices, tokens_file: Path
) -> None:
    token = _sign_in(client, tokens_file, "skpd:DISPERKIM", "Budi Petugas")
    client.post("/staf/skpd/DISPERKIM/LPR-ASSI0001", data={"action": "assign", "assignee": "saya"})
    client.post(
        "/staf/skpd/DISPERKIM/LPR-ASSI0001", data={"action": "assign", "assignee": "Siti Rahmah"}
    )
    assert fake.actions == [
        ("LPR-ASSI0001", {"action": "assign", "assignee": "Budi Petugas"}, token),
        ("LPR-ASSI0001", {"action": "assign", "assignee": "Siti Rahmah"}, token),
    ]


def test_the_desk_offers_the_categorys_canned_responses_first(
    client: TestClient, fake: FakeServices, tokens_file: Path
) -> None:
    fake.cases.append(report("LPR-CANN0001", category="lampu-jalan", assignee="Budi Petugas"))
    _sign_in(client, tokens_file, "skpd:DISPERKIM", "Budi Petugas")
    page = client.get("/staf/skpd/DISPERKIM").text
    offered = for_category("lampu-jalan")
    assert offered[0].category == "lampu-jalan" and offered[-1].category == ""
    assert page.index(offered[0].title) < page.index(offered[-1].title)
    assert 'data-aksi="resolve"' in page and "/static/meja.js" in page
    assert 'class="petugas">Budi Petugas<' in page


def test_canned_responses_are_data_for_known_actions() -> None:
    from shared.categories import categories

    codes = {c.code for c in categories()} | {""}
    for response in for_category(None) + [r for c in codes for r in for_category(c)]:
        assert response.category in codes
        assert response.action in ("acknowledge", "follow-up", "resolve")
        assert response.text.strip()


def test_the_walk_in_desk_sends_a_walk_in_report_naming_the_officer(
    client: TestClient, fake: FakeServices, tokens_file: Path
) -> None:
    _sign_in(client, tokens_file, "skpd:DISPERKIM", "Budi Petugas")
    assert client.get("/staf/loket").status_code == 200
    page = client.post(
        "/staf/loket",
        data={"isi": "Lampu jalan mati di depan pasar", "kecamatan": "Banjarmasin Tengah"},
    )
    assert page.status_code == 200 and 'id="nomor-laporan">LPR-00000001<' in page.text
    [sent] = fake.submitted
    assert (sent["channel"], sent["recorded_by"]) == (
        "walk-in",
        {"role": "skpd:DISPERKIM", "name": "Budi Petugas"},
    )
    assert not any(sent["reporter"].values())  # the citizen left no contact


def test_the_walk_in_desk_uses_the_web_faces_adapter_token(
    client: TestClient, fake: FakeServices, tokens_file: Path
) -> None:
    _sign_in(client, tokens_file, "admin", "Admin Kota")
    client.post("/staf/loket", data={"isi": "Jalan berlubang", "telepon": "+6281234567001"})
    assert list(fake.recorded.values()) == ["LPR-00000001"]  # the fake takes the adapter's only
    assert fake.submitted[0]["reporter"]["phone"] == "+6281234567001"


def test_the_walk_in_desk_needs_the_text(
    client: TestClient, fake: FakeServices, tokens_file: Path
) -> None:
    _sign_in(client, tokens_file, "skpd:DISPERKIM", "Budi Petugas")
    page = client.post("/staf/loket", data={"isi": "  "})
    assert page.status_code == 400 and "Isi laporan wajib diisi." in page.text
    assert fake.submitted == []


def test_an_analyst_has_no_walk_in_desk(client: TestClient, tokens_file: Path) -> None:
    _sign_in(client, tokens_file, "analyst", "Rina Analis")
    assert client.get("/staf/loket", follow_redirects=False).status_code == 303


def test_the_admin_queues_page_on_their_services(
    client: TestClient, fake: FakeServices, tokens_file: Path
) -> None:
    held = {"report_id": "r", "since": "2026-11-30T01:00:00Z", "reason": "pendek",
            "possible_duplicate_of": None, "flag": None}  # fmt: skip
    fake.queues["held"] = [{**held, "tracking_id": f"LPR-HELD{n:04d}"} for n in range(30)]
    # the fake services know the admin by this token only
    tokens_file.write_text(json.dumps({digest("admin-token"): {"role": "admin", "name": "A"}}))
    client.post("/staf/masuk", data={"token": "admin-token"}, follow_redirects=False)
    page = client.get("/staf/admin", params={"halaman_ditahan": "2"}).text
    assert "Menunggu verifikasi (30)" in page
    assert "LPR-HELD0025" in page and "LPR-HELD0024" not in page
    assert ("/v1/held", {"limit": "25", "offset": "25"}) in fake.asked
