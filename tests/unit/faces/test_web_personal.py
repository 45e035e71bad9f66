"""The reporter's personal page: the secret link shows the forms, the tracking id alone never."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from services.faces.common.backends import Backends
from services.faces.common.settings import EdgeSettings
from services.faces.web.app import build
from shared.auth import TokenStore
from tests.unit.faces.conftest import FakeServices, report

SECRET = "Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4"
RESOLVED = "Terdisposisi: Selesai"


@pytest.fixture
def client(backends: Backends, settings: EdgeSettings, tmp_path: Path) -> TestClient:
    return TestClient(build(settings, backends, TokenStore({}, tmp_path / "tokens.json")))


@pytest.fixture
def resolved(fake: FakeServices) -> str:
    fake.cases.append(report("LPR-SELESAI1", status=RESOLVED))
    fake.links[SECRET] = "LPR-SELESAI1"
    return "LPR-SELESAI1"


def forms(page: str) -> set[str]:
    return set(re.findall(r'<form [^>]*id="(form-[a-z]+)"', page))


def test_a_resolved_reports_personal_page_offers_reply_and_rating(
    client: TestClient, resolved: str
) -> None:
    page = client.get(f"/pantau/{SECRET}")
    assert page.status_code == 200 and resolved in page.text
    assert forms(page.text) == {"form-tanggapan", "form-nilai"}
    assert "<script" not in page.text and 'content="no-referrer"' in page.text
    assert page.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    ("status", "closed", "shown"),
    [("Terdisposisi: Sedang Diproses", False, {"form-tanggapan"}),
     ("Terdisposisi: Belum Ditindaklanjuti", False, set()),
     (RESOLVED, True, set())],
)  # fmt: skip
def test_the_forms_follow_the_reports_state(
    client: TestClient, fake: FakeServices, status: str, closed: bool, shown: set[str]
) -> None:
    fake.cases.append(report("LPR-KEADAAN1", status=status, closed=closed))
    fake.links[SECRET] = "LPR-KEADAAN1"
    assert forms(client.get(f"/pantau/{SECRET}").text) == shown


def test_the_tracking_id_alone_shows_the_status_but_no_form(
    client: TestClient, resolved: str
) -> None:
    page = client.get(f"/laporan/{resolved}").text
    # the only form anyone may use there flags the report for the admin (issue I)
    assert RESOLVED in page and page.count("<form") == 1
    assert f'<form method="post" action="/laporan/{resolved}/tandai"' in page


def test_an_unknown_secret_is_a_plain_404(client: TestClient, resolved: str) -> None:
    page = client.get("/pantau/bukan-rahasia")
    assert page.status_code == 404 and resolved not in page.text
    assert "Tautan ini tidak dikenal" in page.text
    posted = client.post("/pantau/bukan-rahasia/nilai", data={"nilai": "5", "pesan_id": "x"})
    assert posted.status_code == 404


def test_a_reply_goes_to_intake_with_the_secret_and_the_pages_message_id(
    client: TestClient, fake: FakeServices, resolved: str
) -> None:
    page = client.get(f"/pantau/{SECRET}").text
    message_id = re.findall(r'name="pesan_id" value="([0-9a-f]+)"', page)[0]
    answer = client.post(
        f"/pantau/{SECRET}/tanggapan", data={"teks": "Masih bocor", "pesan_id": message_id}
    )
    assert answer.status_code == 200 and "Tanggapan Anda terkirim" in answer.text
    [(what, body, _)] = fake.actions
    assert (what, body) == (
        "replies",
        {"secret": SECRET, "message_id": message_id, "text": "Masih bocor"},
    )


def test_a_rating_goes_to_intake_as_a_number_with_its_comment(
    client: TestClient, fake: FakeServices, resolved: str
) -> None:
    answer = client.post(
        f"/pantau/{SECRET}/nilai", data={"nilai": "4", "komentar": "cepat", "pesan_id": "p-1"}
    )
    assert "nilai Anda terkirim" in answer.text
    [(what, body, _)] = fake.actions
    assert (what, body["rating"], body["comment"]) == ("ratings", "4", "cepat")


def test_a_form_reporter_without_contact_is_told_on_the_confirmation(
    client: TestClient, fake: FakeServices
) -> None:
    fake.notice = "Anda tidak meninggalkan nomor telepon atau e-mail: kabar laporan hanya ..."
    form = {"isi": "Air PDAM mati tiga hari", "nama": "Budi", "kecamatan": "Banjarmasin Utara"}
    page = client.post("/lapor", data=form).text
    assert 'id="tanpa-kontak"' in page and "tidak meninggalkan nomor telepon" in page


def test_an_empty_rating_comes_back_asking_for_a_number(
    client: TestClient, fake: FakeServices, resolved: str
) -> None:
    fake.refuse_link = True
    answer = client.post(f"/pantau/{SECRET}/nilai", data={"pesan_id": "p-1"})
    assert answer.status_code == 200 and "pilih nilai 1 sampai 5" in answer.text
