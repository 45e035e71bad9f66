"""A citizen's photo on the running system: posted with GPS EXIF, served clean, public only once
the body acknowledged the report, staff only again while the admin hides the report; a refused
photo records no report."""

from __future__ import annotations

import json
import uuid
from io import BytesIO
from typing import Any

import httpx
import pytest
from PIL import Image

from intake.adapters.media import SqlMediaStore
from shared.settings import CommonSettings
from tests.e2e.conftest import System
from tests.e2e.test_report_path import poll, public_status
from tests.photos import SVG, TEXT_AS_JPG, phone_jpeg, png_claiming

pytestmark = pytest.mark.e2e


Photo = tuple[str, bytes, str]


def post(system: System, text: str, *photos: Photo, message_id: str = "") -> httpx.Response:
    report = {
        "channel": "web",
        "message_id": message_id or f"e2e-photo-{uuid.uuid4()}",
        "text": text,
        "reporter": {"name": "Warga Uji", "phone": "+6281255507777"},
    }
    return httpx.post(
        f"{system.url('intake')}/v1/reports",
        data={"report": json.dumps(report)},
        files=[("photo", photo) for photo in photos],
        headers=system.auth("adapter"),
        timeout=60,
    )


def get(system: System, url: str, role: str | None = None) -> httpx.Response:
    headers = system.auth(role) if role else {}
    return httpx.get(f"{system.url('intake')}{url}", headers=headers, timeout=10)


def _public(system: System, url: str) -> httpx.Response | None:
    answer = get(system, url)
    return answer if answer.status_code == 200 else None


def _not_public(system: System, url: str) -> httpx.Response | None:
    answer = get(system, url)
    return answer if answer.status_code in (401, 404) else None


def moderate(system: System, tracking_id: str, act: str) -> None:
    answer = httpx.post(
        f"{system.url('tracking')}/v1/moderation/{tracking_id}/{act}",
        json={"reason": "foto memperlihatkan wajah anak"},
        headers=system.auth("admin"),
        timeout=10,
    )
    assert answer.status_code == 200, answer.text


def exif_of(content: bytes) -> dict[str, Any]:
    with Image.open(BytesIO(content)) as image:
        image.load()
        return {**dict(image.getexif()), **({"exif": 1} if "exif" in image.info else {})}


@pytest.mark.timeout(300)
def test_a_photo_is_served_clean_public_once_acknowledged_and_staff_only_while_hidden(
    system: System,
) -> None:
    raw = phone_jpeg(size=(640, 480))
    assert exif_of(raw)  # GPS, camera and orientation before
    text = "Air PDAM mati sejak kemarin di Jl. Sultan Adam gang 3"
    answer = post(system, text, ("a.jpg", raw, "image/jpeg"))
    assert answer.status_code == 201, answer.text
    tracking_id = answer.json()["tracking_id"]
    status = public_status(system, tracking_id, "PDAM")
    [url] = status["attachments"]
    assert url.startswith("/v1/media/")

    assert get(system, url).status_code == 401  # nobody looked at it yet: staff only
    assert get(system, url, "skpd:DLH").status_code == 404
    staff = get(system, url, "skpd:PDAM")
    assert staff.status_code == 200 and staff.headers["content-type"] == "image/jpeg"
    assert exif_of(staff.content) == {}
    assert Image.open(BytesIO(staff.content)).size == (480, 640)  # upright

    acted = httpx.post(
        f"{system.url('tracking')}/v1/skpd/PDAM/reports/{tracking_id}/actions",
        json={"action": "acknowledge"},
        headers=system.auth("skpd:PDAM"),
        timeout=10,
    )
    assert acted.status_code == 202
    public = poll(lambda: _public(system, url), 90)
    assert public.headers["cache-control"].startswith("public")
    assert public.content == staff.content and exif_of(public.content) == {}
    assert get(system, f"{url}/thumb").status_code == 200

    moderate(system, tracking_id, "hide")  # the admin hides the report: staff only again
    poll(lambda: _not_public(system, url), 90)
    assert get(system, f"{url}/thumb").status_code in (401, 404)
    assert get(system, url, "skpd:PDAM").status_code == 200
    moderate(system, tracking_id, "show")
    shown = poll(lambda: _public(system, url), 90)
    assert shown.content == staff.content


def stored_photos(system: System) -> int:
    common = CommonSettings(database_url=system.database_url, instance=system.prefix)
    store = SqlMediaStore(common.read_model_url("intake"))
    try:
        return store.count()
    finally:
        store.close()


@pytest.mark.parametrize(
    ("photo", "status"),
    [
        (("besar.jpg", b"\xff\xd8\xff" + bytes(30 * 1024 * 1024), "image/jpeg"), 413),
        (("bom.png", png_claiming(50_000, 50_000), "image/png"), 422),
        (("gambar.svg", SVG, "image/svg+xml"), 415),
        (("foto.jpg", TEXT_AS_JPG, "image/jpeg"), 415),
    ],
    ids=["30-mb", "png-bomb", "svg", "text-named-jpg"],
)
def test_a_refused_photo_refuses_the_whole_report_and_nothing_is_stored(
    system: System, photo: Photo, status: int
) -> None:
    text = "Sampah menumpuk di depan pasar Antasari sudah tiga hari belum diangkut"
    before, message_id = stored_photos(system), f"e2e-photo-{uuid.uuid4()}"
    answer = post(system, text, ("a.jpg", phone_jpeg(), "image/jpeg"), photo, message_id=message_id)
    assert answer.status_code == status, answer.text
    assert get(system, f"/v1/intake/web/{message_id}", "adapter").status_code == 404
    assert stored_photos(system) == before
