"""Open311 `POST requests` with a `media` file (as the `three` client sends a photo), through
the real intake front: the photo is kept clean and its URL is the report's attachment."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from intake.application.app import IntakeApplication
from intake.bootstrap import bootstrap
from intake.settings import IntakeSettings
from services.faces.common.backends import Backends
from services.faces.common.settings import EdgeSettings
from services.faces.open311.app import build
from shared.auth import digest
from shared.clock import FixedClock
from shared.runtime import build_app
from shared.settings import CommonSettings
from tests.photos import SVG, metadata_of, phone_jpeg
from tests.photos_heic import iphone_heic
from tests.unit.faces.conftest import ADAPTER, NOW

BASE = "/open311/v2"
ADMIN = "admin-token"
FORM = {"api_key": ADAPTER, "service_code": "lampu-jalan", "description": "Lampu PJU mati total",
        "address_string": "Jl. Pramuka, Kelayan Dalam"}  # fmt: skip


@pytest.fixture
def intake() -> tuple[TestClient, IntakeApplication]:
    tokens = {digest(ADAPTER): "adapter", digest(ADMIN): "admin"}
    spec = bootstrap(
        IntakeSettings(common=CommonSettings(auth_tokens=tokens)),
        clock=FixedClock(NOW),
        env={"PERSISTENCE_MODULE": "eventsourcing.popo"},
    )
    return TestClient(build_app(spec)), spec.application


@pytest.fixture
def open311(intake: tuple[TestClient, IntakeApplication]) -> TestClient:
    client = intake[0]

    def forward(request: httpx.Request) -> httpx.Response:
        answer = client.request(
            request.method, request.url.path, content=request.read(), headers=request.headers
        )
        return httpx.Response(answer.status_code, content=answer.content, headers=answer.headers)

    backends = Backends(EdgeSettings(), transport=httpx.MockTransport(forward))
    return TestClient(build(EdgeSettings(), backends, FixedClock(NOW)))


def post(open311: TestClient, *media: tuple[str, bytes, str], **more: str) -> Any:
    files = [("media", item) for item in media]
    return open311.post(f"{BASE}/requests.json", data={**FORM, **more}, files=files)


@pytest.mark.parametrize(
    "media",
    [("foto.jpg", phone_jpeg(), "image/jpeg"), ("IMG_0042.HEIC", iphone_heic(), "image/heic")],
    ids=["jpeg", "iphone-heic"],
)
def test_a_media_file_becomes_a_clean_photo_of_the_report(
    open311: TestClient, intake: tuple[TestClient, IntakeApplication], media: tuple[str, bytes, str]
) -> None:
    client, app = intake
    answer = post(open311, media)
    assert answer.status_code == 200, answer.text
    tracking_id = answer.json()[0]["service_request_id"]
    [url] = app.report_by_tracking_id(tracking_id).submission.attachments
    photo = client.get(url, headers={"Authorization": f"Bearer {ADMIN}"})
    assert photo.status_code == 200 and metadata_of(photo.content)["exif"] == {}


def test_media_and_media_url_are_both_kept(
    open311: TestClient, intake: tuple[TestClient, IntakeApplication]
) -> None:
    answer = post(open311, ("foto.jpg", phone_jpeg(), "image/jpeg"), media_url="https://f.id/a.jpg")
    found = intake[1].report_by_tracking_id(answer.json()[0]["service_request_id"])
    assert found.submission.attachments[0] == "https://f.id/a.jpg"
    assert found.submission.attachments[1].startswith("/v1/media/")


def test_a_media_file_that_is_not_an_image_is_refused_in_open311s_format(
    open311: TestClient,
) -> None:
    answer = post(open311, ("gambar.svg", SVG, "image/svg+xml"))
    assert answer.status_code == 400
    assert "skrip" in answer.json()[0]["description"]
