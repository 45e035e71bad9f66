"""The web face's issue-I pages through the real `build`: photos and a pin on the form, the
public list and map, a report's photos and rounded pin, flags, and the admin's moderation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from services.faces.common.backends import Backends
from services.faces.common.settings import EdgeSettings
from services.faces.web.app import build
from services.faces.web.photos import MAX_PHOTO_BYTES
from services.faces.web.public import PAGE_SIZE, photos, pin_of
from shared.auth import TokenStore, digest
from tests.unit.faces.conftest import NOW, FakeServices, report

FORM = {"jenis": "pengaduan", "judul": "Lampu mati", "isi": "Lampu jalan mati di depan masjid",
        "kecamatan": "Banjarmasin Utara", "kelurahan": "Sungai Miai",
        "telepon": "081234567890"}  # fmt: skip
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64  # what intake receives; intake decodes and cleans it
ADMIN = "admin-token"


@pytest.fixture
def tokens_file(tmp_path: Path) -> Path:
    path = tmp_path / "tokens.json"
    path.write_text(json.dumps({digest(ADMIN): {"role": "admin", "name": "Admin Kota"}}))
    return path


@pytest.fixture
def client(backends: Backends, settings: EdgeSettings, tokens_file: Path) -> TestClient:
    return TestClient(build(settings, backends, TokenStore({}, tokens_file)))


def test_the_form_has_a_camera_input_and_a_map_that_the_form_does_not_need(
    client: TestClient,
) -> None:
    page = client.get("/").text
    assert 'enctype="multipart/form-data"' in page
    camera = page.split('id="foto"', 1)[1].split(">", 1)[0]
    assert "multiple" in camera and 'capture="environment"' in camera and "image/jpeg" in camera
    gallery = page.split('id="foto-galeri"', 1)[1].split(">", 1)[0]
    assert all("image/heic" in found and ".heic" in found for found in (camera, gallery))
    assert 'name="lintang"' in page and 'name="bujur"' in page and 'id="peta-lapor"' in page
    assert '<div id="peta-pilih" hidden>' in page  # the map shows only when its script runs
    settings = json.loads(page.split('data-peta="', 1)[1].split('"', 1)[0].replace("&#34;", '"'))
    assert settings["ubin"] == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    for asset in ("leaflet.js", "leaflet.css", "images/marker-icon.png"):
        assert client.get(f"/static/vendor/leaflet/{asset}").status_code == 200
    assert client.get("/static/peta.js").status_code == 200


def test_the_tile_url_is_a_setting(backends: Backends, tokens_file: Path) -> None:
    own = EdgeSettings(web_map_tile_url="https://peta.banjarmasinkota.go.id/{z}/{x}/{y}.png")
    page = TestClient(build(own, backends, TokenStore({}, tokens_file))).get("/").text
    assert "https://peta.banjarmasinkota.go.id/{z}/{x}/{y}.png" in page


def test_photos_and_the_pin_go_to_intake_as_multipart(
    client: TestClient, fake: FakeServices
) -> None:
    files = [
        ("foto", ("jalan.jpg", JPEG, "image/jpeg")),
        ("foto", ("", b"", "application/octet-stream")),
    ]
    page = client.post(
        "/lapor", data={**FORM, "lintang": "-3.2981234567", "bujur": "114.5893"}, files=files
    )
    assert page.status_code == 200 and "LPR-00000001" in page.text
    [sent] = fake.submitted
    assert sent["location"]["latitude"] == -3.298123 and sent["location"]["longitude"] == 114.5893
    assert sent["channel"] == "web" and sent["text"] == FORM["isi"]
    assert fake.photos == [("jalan.jpg", "image/jpeg", JPEG)]  # the empty input is no photo


def test_without_photos_the_form_still_goes_as_json(client: TestClient, fake: FakeServices) -> None:
    page = client.post("/lapor", data=FORM)  # urlencoded: a browser without a file chosen
    assert page.status_code == 200 and fake.photos == []
    assert fake.submitted[0]["location"]["latitude"] is None


@pytest.mark.parametrize(
    ("status", "detail", "shown"),
    [
        (413, "photo larger than 10 MB", "Foto terlalu besar"),
        (415, "not an image: image/svg+xml", "bukan foto yang dapat diterima"),
        (422, "decompression bomb: 2500000000 pixels", "Foto rusak atau tidak dapat dibaca"),
    ],
)
def test_intake_refusing_a_photo_is_told_in_indonesian_with_the_form_kept(
    client: TestClient, fake: FakeServices, status: int, detail: str, shown: str
) -> None:
    fake.photo_refusal = (status, detail)
    page = client.post("/lapor", data=FORM, files=[("foto", ("a.jpg", JPEG, "image/jpeg"))])
    assert page.status_code == status
    assert shown in page.text and detail in page.text and FORM["isi"] in page.text
    assert "lampirkan foto sekali lagi" in page.text and fake.submitted == []


def test_a_422_about_a_field_names_the_field_not_a_photo(
    client: TestClient, fake: FakeServices
) -> None:
    fake.photo_refusal = (422, [{"loc": ["body", "text"], "msg": "String too long"}])
    page = client.post("/lapor", data=FORM, files=[("foto", ("a.jpg", JPEG, "image/jpeg"))])
    assert page.status_code == 422 and "String too long" in page.text
    assert "Foto rusak" not in page.text


def test_too_many_or_too_large_photos_never_reach_intake(
    client: TestClient, fake: FakeServices
) -> None:
    six = [("foto", (f"{n}.jpg", JPEG, "image/jpeg")) for n in range(6)]
    page = client.post("/lapor", data=FORM, files=six)
    assert page.status_code == 400 and "Paling banyak 5 foto" in page.text
    big = [("foto", ("besar.jpg", b"\xff" * (MAX_PHOTO_BYTES + 1), "image/jpeg"))]
    page = client.post("/lapor", data=FORM, files=big)
    assert page.status_code == 413 and "besar.jpg" in page.text and "10 MB" in page.text
    assert fake.submitted == [] and fake.photos == []


def test_a_duplicate_links_to_the_report_it_repeats(client: TestClient, fake: FakeServices) -> None:
    fake.outcome = "duplicate"
    original = fake.submit

    def linked(request: Any, token: str) -> Any:
        answer = original(request, token)
        body = json.loads(answer.content)
        return type(answer)(answer.status_code, json={**body, "duplicate_of": "LPR-PERTAMA1"})

    fake.submit = linked  # type: ignore[method-assign]
    page = client.post("/lapor", data=FORM)
    assert 'id="duplikat-dari" href="/laporan/LPR-PERTAMA1"' in page.text


def _public(n: int, **fields: Any) -> dict[str, Any]:
    from datetime import timedelta

    return report(f"LPR-PUB{n:05d}", received_at=NOW - timedelta(hours=n), **fields)


def test_the_public_list_pages_on_tracking_and_maps_the_rounded_pins(
    client: TestClient, fake: FakeServices
) -> None:
    fake.cases += [_public(n, latitude=-3.3194567, longitude=114.5908432) for n in range(25)]
    fake.cases.append(_public(99, rahasia=True))
    first = client.get("/laporan", params={"kecamatan": "Banjarmasin Tengah"})
    assert first.status_code == 200 and "25 laporan, halaman 1 dari 2" in first.text
    assert fake.public_queries[-1] == {"kecamatan": "Banjarmasin Tengah", "page": "1",
                                       "page_size": str(PAGE_SIZE)}  # fmt: skip
    assert first.text.count('class="kartu"') == PAGE_SIZE and "LPR-PUB00099" not in first.text
    pins = json.loads(
        first.text.split('data-laporan="', 1)[1].split('"', 1)[0].replace("&#34;", '"')
    )
    assert {(p["lat"], p["lon"]) for p in pins} == {(-3.319, 114.591)}
    assert "-3.3194567" not in first.text
    nxt = first.text.split('id="berikutnya"', 1)[0].rsplit('href="', 1)[1].split('"', 1)[0]
    assert nxt == "/laporan?kecamatan=Banjarmasin+Tengah&amp;page=2"
    words = client.get("/laporan", params={"q": " lampu "})
    assert words.status_code == 200 and fake.public_queries[-1]["q"] == "lampu"
    second = client.get("/laporan", params={"kecamatan": "Banjarmasin Tengah", "page": "2"})
    assert second.text.count('class="kartu"') == 5 and 'id="sebelumnya"' in second.text


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ({"kecamatan": "Atlantis"}, "Kecamatan Atlantis tidak dikenal"),
        ({"skpd": "NASA"}, "Instansi NASA tidak dikenal"),
        ({"status": "bukan-status"}, "Status bukan-status tidak dikenal"),
        ({"category": "ufo"}, "Kategori ufo tidak dikenal"),
        ({"page": "0"}, "Nomor halaman tidak valid"),
        ({"page": "dua"}, "Nomor halaman tidak valid"),
        ({"q": "x" * 201}, "Kata kunci paling panjang 200 huruf"),
    ],
)
def test_a_wrong_filter_is_named_and_not_sent(
    client: TestClient, fake: FakeServices, query: dict[str, str], problem: str
) -> None:
    page = client.get("/laporan", params=query)
    assert page.status_code == 400 and problem in page.text and fake.public_queries == []


def test_the_look_up_by_number_still_leads_to_the_report(
    client: TestClient, fake: FakeServices
) -> None:
    found = client.get("/laporan?id=lpr-stat0001", follow_redirects=False)
    assert found.headers["location"] == "/laporan/LPR-STAT0001"
    fake.public_reports = lambda *_: httpx.Response(503, json={"detail": "down"})  # type: ignore[method-assign]
    down = client.get("/laporan")
    assert down.status_code == 503 and "sedang tidak tersedia" in down.text
    assert '<input type="text" id="id" name="id"' in down.text


def test_the_report_page_shows_photos_through_the_face_and_the_pin_rounded(
    client: TestClient, fake: FakeServices
) -> None:
    media = ["/v1/media/abc123", "http://intake.example/v1/media/def456", "https://foto.example/x"]
    fake.cases.append(report("LPR-FOTO0001", attachments=media))
    fake.media["abc123"] = ("image/jpeg", JPEG)
    original = fake.status

    def located(request: Any, token: str, tracking_id: str) -> Any:
        answer = original(request, token, tracking_id)
        body = json.loads(answer.content)
        body["location"].update(latitude=-3.2981234, longitude=114.5893456)
        return type(answer)(200, json=body)

    fake.status = located  # type: ignore[method-assign]
    page = client.get("/laporan/LPR-FOTO0001").text
    for shown in (
        'href="/media/abc123"', 'src="/media/abc123/thumb"', 'src="/media/def456/thumb"',
        'href="https://foto.example/x"', 'data-lintang="-3.298"', 'data-bujur="114.589"',
        'id="peta-laporan"', 'action="/laporan/LPR-FOTO0001/tandai"',
    ):  # fmt: skip
        assert shown in page
    assert "3.2981234" not in page and "114.5893456" not in page
    served = client.get("/media/abc123")
    assert served.status_code == 200 and served.content == JPEG
    assert served.headers["content-type"] == "image/jpeg"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert served.headers["etag"] == '"abc123"'
    assert served.headers["cache-control"] == "public, max-age=600"  # intake's, as it said
    assert client.get("/media/abc123/thumb").content == JPEG
    assert client.get("/media/def456").status_code == 404
    assert client.get("/media/..%2Fv1%2Fheld").status_code == 404


def test_a_signed_in_admin_sees_a_photo_not_yet_public(
    client: TestClient, fake: FakeServices
) -> None:
    assert client.get("/media/staf").status_code == 404
    client.post("/staf/masuk", data={"token": ADMIN})
    seen = client.get("/media/staf")
    assert seen.status_code == 200 and seen.headers["cache-control"] == "private, no-store"


def test_a_rahasia_report_has_no_flag_form(client: TestClient, fake: FakeServices) -> None:
    fake.cases.append(report("LPR-RHS00001", rahasia=True))
    assert "/tandai" not in client.get("/laporan/LPR-RHS00001").text


def test_a_flag_goes_to_tracking_with_the_reason_and_the_address(
    client: TestClient, fake: FakeServices
) -> None:
    fake.cases.append(report("LPR-TAND0001"))
    page = client.post("/laporan/LPR-TAND0001/tandai", data={"alasan": "Ada nomor HP pelapor"})
    assert page.url.path == "/laporan/LPR-TAND0001" and "ditandai untuk ditinjau admin" in page.text
    assert fake.flags == [("LPR-TAND0001", {"reason": "Ada nomor HP pelapor"}, "testclient")]
    again = client.post("/laporan/LPR-TAND0001/tandai", data={"alasan": "Masih ada nomor HP"})
    assert "sudah menandai laporan ini" in again.text
    empty = client.post("/laporan/LPR-TAND0001/tandai", data={"alasan": "  "})
    assert "Tulis alasan penandaan" in empty.text and len(fake.flags) == 2
    fake.flag_answer = 429
    limited = client.post("/laporan/LPR-TAND0001/tandai", data={"alasan": "lagi"})
    assert "Terlalu banyak penandaan" in limited.text


def test_a_hidden_report_says_so_and_takes_no_flag(client: TestClient, fake: FakeServices) -> None:
    fake.cases.append(report("LPR-SEMB0001", hidden=True))
    original = fake.status

    def hidden(request: Any, token: str, tracking_id: str) -> Any:
        answer = original(request, token, tracking_id)
        return type(answer)(200, json={**json.loads(answer.content), "hidden": True})

    fake.status = hidden  # type: ignore[method-assign]
    page = client.get("/laporan/LPR-SEMB0001").text
    assert 'id="disembunyikan"' in page and "/tandai" not in page


def _queued(n: int, **fields: Any) -> dict[str, Any]:
    item = {"tracking_id": f"LPR-MOD{n:05d}", "title": "Jalan rusak",
            "text": "Hubungi 0812 3456 7890",
            "public_title": "Jalan rusak", "public_text": "Hubungi [nomor telepon]",
            "status": "Terdisposisi: Sedang Diproses", "received_at": "2026-11-30T01:00:00+08:00",
            "hidden": False, "flags": 0, "pin_outside_city": False, "latitude": None,
            "longitude": None, "corrected_at": None, "moderated_at": None, "acts": []}  # fmt: skip
    return {**item, **fields}


def test_the_moderation_queue_is_the_admins_and_each_act_carries_the_reason(
    client: TestClient, fake: FakeServices
) -> None:
    flag = {"act": "flagged", "at": "2026-12-01T09:00:00+08:00", "role": "", "name": "",
            "reason": "data pribadi", "flags": 1}  # fmt: skip
    hide = {"act": "hidden", "at": "2026-12-01T10:00:00+08:00", "role": "admin",
            "name": "Admin Kota", "reason": "menunggu tinjauan", "flags": 3}  # fmt: skip
    fake.moderation = [
        _queued(1, hidden=True, flags=3, acts=[hide, flag]),
        _queued(2, flags=1, title="Sampah", public_title="Sampah", public_text="Sampah menumpuk"),
        _queued(3, pin_outside_city=True, pin=True),
    ]
    assert client.get("/staf/admin/moderasi", follow_redirects=False).status_code == 303
    client.post("/staf/masuk", data={"token": ADMIN})
    page = client.get("/staf/admin/moderasi").text
    assert "ditandai 3 kali" in page and "data pribadi" in page and "titik di luar wilayah" in page
    assert "disembunyikan oleh Admin Kota: menunggu tinjauan" in page
    assert "ditandai oleh publik: data pribadi" in page
    assert (
        "Hubungi [nomor telepon]" in page and "Hubungi 0812 3456 7890" in page
    )  # public, original
    assert 'action="/staf/admin/moderasi/LPR-MOD00001/show"' in page
    assert 'action="/staf/admin/moderasi/LPR-MOD00002/hide"' in page
    only_pins = client.get("/staf/admin/moderasi", params={"reason": "pin"}).text
    assert "LPR-MOD00003" in only_pins and "LPR-MOD00001" not in only_pins
    shown = client.post(
        "/staf/admin/moderasi/LPR-MOD00001/show", data={"reason": "sudah disamarkan"}
    )
    assert "LPR-MOD00001: ditampilkan lagi" in shown.text
    correction = {"title": "Sampah", "text": "Sampah menumpuk di TPS", "reason": "ejaan"}
    client.post("/staf/admin/moderasi/LPR-MOD00002/correct", data=correction)
    missing = client.post("/staf/admin/moderasi/LPR-MOD00002/hide", data={"reason": ""})
    assert "Alasan wajib diisi" in missing.text
    untitled = client.post(
        "/staf/admin/moderasi/LPR-MOD00002/correct", data={**correction, "title": ""}
    )
    assert "Judul dan isi koreksi wajib diisi" in untitled.text
    assert fake.actions == [
        ("LPR-MOD00001/show", {"reason": "sudah disamarkan"}, ADMIN),
        ("LPR-MOD00002/correct", correction, ADMIN),
    ]
    assert 'id="ke-moderasi"' in client.get("/staf/admin").text


def test_the_moderation_queue_pages_on_tracking(client: TestClient, fake: FakeServices) -> None:
    fake.moderation = [_queued(n, flags=1, flagged=True) for n in range(60)]
    client.post("/staf/masuk", data={"token": ADMIN})
    first = client.get("/staf/admin/moderasi").text
    assert "Perlu ditinjau (60)" in first and first.count('class="kartu"') == 50
    assert 'href="/staf/admin/moderasi?page=2"' in first
    second = client.get("/staf/admin/moderasi", params={"page": "2", "reason": "flagged"}).text
    assert second.count('class="kartu"') == 10 and "reason=flagged&amp;page=1" in second


def test_photos_and_pins_of_odd_answers() -> None:
    assert photos(None) == [] and photos(["javascript:alert(1)", "/v1/media/"]) == []
    assert pin_of({"latitude": "nan", "longitude": 1}) is None
    assert pin_of({"location": {"latitude": -3.31949, "longitude": 114.59051}}) == {
        "lat": -3.319, "lon": 114.591}  # fmt: skip
