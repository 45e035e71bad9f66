"""HEIC/HEIF photos (iPhones): told by their bytes, decoded within the pixel limit, turned upright,
kept as a JPEG with no metadata at all, and refused when damaged."""

from __future__ import annotations

import json
from io import BytesIO
from typing import Any

import pytest
from fastapi.testclient import TestClient
from intake_helpers import TEXT, as_role, published, settings
from PIL import Image

from intake.adapters.media import MemoryMediaStore
from intake.adapters.photos import clean_photo
from intake.bootstrap import bootstrap
from intake.domain.photos import BrokenPhoto, PhotoRules
from shared.contracts import ReportAccepted
from shared.runtime import ServiceSpec, build_app
from tests.photos import TEXT_AS_JPG, metadata_of
from tests.photos_heic import BLUE, CAMERA, RED, heic_claiming, iphone_heic, truncated_heic

RULES = PhotoRules()


def close_to(found: tuple[int, ...], colour: tuple[int, int, int]) -> bool:
    return all(abs(a - b) < 24 for a, b in zip(found, colour, strict=True))


def test_an_iphone_heic_is_kept_as_a_jpeg_without_gps_xmp_or_camera() -> None:
    raw = iphone_heic()
    assert b"Exif" in raw and b"xmpmeta" in raw and CAMERA.encode() in raw
    photo = clean_photo(raw, RULES)
    found = metadata_of(photo.content)
    assert photo.content_type == "image/jpeg" and found["exif"] == {}
    assert set(found["info"]) <= {"jfif", "jfif_version", "jfif_unit", "jfif_density"}
    assert CAMERA.encode() not in photo.content and b"xmpmeta" not in photo.content
    assert b"Exif" not in photo.content and b"Veteran" not in photo.content


def test_a_heic_taken_with_the_phone_turned_comes_out_upright() -> None:
    photo = clean_photo(iphone_heic(size=(400, 300), orientation=6), RULES)
    with Image.open(BytesIO(photo.content)) as image:
        upright = image.convert("RGB")
    assert upright.size == (300, 400)
    # turned a quarter clockwise: the red top-left quarter is now the top-right one
    assert close_to(upright.getpixel((290, 10)), RED)  # type: ignore[arg-type]
    assert close_to(upright.getpixel((10, 10)), BLUE)  # type: ignore[arg-type]


def test_a_heic_thumbnail_is_a_small_jpeg_without_metadata() -> None:
    photo = clean_photo(iphone_heic(size=(960, 720), orientation=1), RULES)
    found = metadata_of(photo.thumb)
    assert photo.thumb_type == "image/jpeg" and found["exif"] == {}
    assert max(found["size"]) == RULES.thumb_box  # type: ignore[arg-type]


def test_a_heic_whose_header_claims_36_megapixels_is_a_bomb() -> None:
    with pytest.raises(BrokenPhoto, match="25 megapiksel"):
        clean_photo(heic_claiming(6000, 6000), RULES)


def test_a_truncated_heic_is_a_broken_photo_not_something_else() -> None:
    with pytest.raises(BrokenPhoto, match="rusak"):
        clean_photo(truncated_heic(), RULES)


@pytest.fixture
def store() -> MemoryMediaStore:
    return MemoryMediaStore()


@pytest.fixture
def spec(store: MemoryMediaStore) -> ServiceSpec:
    return bootstrap(settings(), env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, media=store)


@pytest.fixture
def web(spec: ServiceSpec) -> TestClient:
    return TestClient(build_app(spec))


def post(client: TestClient, name: str, raw: bytes, declared: str) -> Any:
    body = json.dumps({"channel": "web", "message_id": f"heic-{name}", "text": TEXT,
                       "reporter": {"name": "Budi"}})  # fmt: skip
    return client.post(
        "/v1/reports", data={"report": body}, files=[("photo", (name, raw, declared))],
        headers=as_role("adapter"),
    )  # fmt: skip


def test_a_heic_named_and_declared_as_a_jpeg_is_taken_by_its_content(
    web: TestClient, spec: ServiceSpec
) -> None:
    answer = post(web, "IMG_0001.jpg", iphone_heic(), "image/jpeg")
    assert answer.status_code == 201, answer.text
    [event] = [e for e in published(spec.application) if isinstance(e, ReportAccepted)]
    [url] = event.attachments
    served = web.get(url, headers=as_role("admin"))
    assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
    assert metadata_of(served.content)["exif"] == {} and CAMERA.encode() not in served.content


@pytest.mark.parametrize(
    ("name", "raw", "declared", "status"),
    [
        ("IMG_0002.HEIC", truncated_heic(), "image/heic", 422),
        ("IMG_0003.HEIC", heic_claiming(6000, 6000), "image/heic", 422),
        ("IMG_0004.HEIC", TEXT_AS_JPG, "image/heic", 415),
    ],
    ids=["broken", "bomb", "text-named-heic"],
)
def test_a_refused_heic_is_answered_with_its_code_and_nothing_is_kept(
    web: TestClient, store: MemoryMediaStore, name: str, raw: bytes, declared: str, status: int
) -> None:
    answer = post(web, name, raw, declared)
    assert answer.status_code == status, answer.text
    assert len(store) == 0
