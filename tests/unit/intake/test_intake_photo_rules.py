"""Cleaning a photo: within limits, upright, nothing kept but the pixels; who may see it."""

from __future__ import annotations

from datetime import UTC, datetime
from io import BytesIO
from uuid import uuid4

import pytest
from eventsourcing.popo import POPOProcessRecorder
from PIL import Image

from intake.adapters.books import SqlBooks
from intake.adapters.media import LINK_TABLES, SqlMediaLinks
from intake.adapters.photos import clean_photo
from intake.domain.photos import (
    BrokenPhoto,
    NotAnImage,
    PhotoOwner,
    PhotoRules,
    PhotoTooLarge,
    may_see,
    media_ids,
)
from shared.processing import Statement
from tests.photos import (
    PDF,
    SVG,
    TEXT_AS_JPG,
    jpeg_with_script,
    metadata_of,
    phone_jpeg,
    png_claiming,
    tagged_png,
    truncated_jpeg,
    webp_with_exif,
)

RULES = PhotoRules()


def test_a_phone_jpeg_comes_out_upright_with_no_exif_at_all() -> None:
    raw = phone_jpeg(size=(400, 300), orientation=6)
    assert metadata_of(raw)["exif"]  # the GPS and the orientation are there before
    photo = clean_photo(raw, RULES)
    found = metadata_of(photo.content)
    assert found["exif"] == {}
    assert found["size"] == (300, 400)  # turned by its orientation, then the tag dropped
    assert set(found["info"]) <= {"jfif", "jfif_version", "jfif_unit", "jfif_density"}
    assert b"Telepon Warga" not in photo.content and photo.content_type == "image/jpeg"


def test_a_png_loses_its_text_chunks_xmp_exif_and_icc_profile() -> None:
    raw = tagged_png()
    assert {"Comment", "icc_profile", "exif"} <= set(metadata_of(raw)["info"])
    photo = clean_photo(raw, RULES)
    found = metadata_of(photo.content)
    assert found["exif"] == {} and found["info"] == []
    assert b"Veteran" not in photo.content and b"xmpmeta" not in photo.content
    assert photo.content_type == "image/png"


def test_a_webp_loses_its_exif() -> None:
    photo = clean_photo(webp_with_exif(), RULES)
    assert metadata_of(photo.content)["exif"] == {}
    assert b"EXIF" not in photo.content and photo.content_type == "image/webp"


def test_the_thumbnail_fits_in_its_box_and_carries_no_exif_either() -> None:
    photo = clean_photo(phone_jpeg(size=(1200, 900), orientation=1), RULES)
    found = metadata_of(photo.thumb)
    assert max(found["size"]) == RULES.thumb_box and found["exif"] == {}  # type: ignore[arg-type]


def test_the_same_photo_cleans_to_the_same_bytes() -> None:
    assert clean_photo(phone_jpeg(), RULES).content == clean_photo(phone_jpeg(), RULES).content


def test_a_png_whose_header_claims_50000_by_50000_pixels_is_a_bomb() -> None:
    bomb = png_claiming(50_000, 50_000)
    assert len(bomb) < 200
    with pytest.raises(BrokenPhoto, match="bom"):
        clean_photo(bomb, RULES)


def test_the_pixel_limit_is_checked_per_call_without_touching_pillows_global() -> None:
    before = Image.MAX_IMAGE_PIXELS
    with pytest.raises(BrokenPhoto, match="megapiksel"):
        clean_photo(png_claiming(6000, 5000), RULES)  # 30 MP: under Pillow's own limit
    assert clean_photo(phone_jpeg(size=(60, 50)), PhotoRules(max_pixels=3000)).content
    with pytest.raises(BrokenPhoto):
        clean_photo(phone_jpeg(size=(60, 51)), PhotoRules(max_pixels=3000))
    assert before == Image.MAX_IMAGE_PIXELS


@pytest.mark.parametrize(
    "raw",
    [SVG, PDF, TEXT_AS_JPG, b"", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"],
    ids=["svg", "pdf", "text-named-jpg", "empty", "gif"],
)
def test_what_is_not_a_jpeg_png_or_webp_is_not_an_image(raw: bytes) -> None:
    with pytest.raises(NotAnImage):
        clean_photo(raw, RULES)


def test_an_image_carrying_a_script_is_refused() -> None:
    raw = jpeg_with_script()
    Image.open(BytesIO(raw)).load()  # a valid JPEG all the same
    with pytest.raises(NotAnImage, match="skrip"):
        clean_photo(raw, RULES)


def test_a_truncated_jpeg_is_broken() -> None:
    with pytest.raises(BrokenPhoto, match="rusak"):
        clean_photo(truncated_jpeg(), RULES)


def test_a_photo_over_the_byte_limit_is_too_large() -> None:
    raw = phone_jpeg()
    with pytest.raises(PhotoTooLarge):
        clean_photo(raw, PhotoRules(max_bytes=len(raw) - 1))


def test_only_intake_media_urls_name_stored_photos() -> None:
    media = "a" * 64
    urls = [f"/v1/media/{media}", f"https://lapor.example/v1/media/{media}", "https://x.id/1.jpg"]
    assert media_ids(urls) == [media]


HIDDEN = PhotoOwner(rahasia=False, looked_at=False, bodies=("PUPR",))
LOOKED_AT = PhotoOwner(rahasia=False, looked_at=True, bodies=("PUPR",))
RAHASIA = PhotoOwner(rahasia=True, looked_at=True, bodies=("PUPR",))


def test_before_a_person_looked_at_the_report_only_staff_see_its_photo() -> None:
    assert not may_see([HIDDEN], None)
    assert not may_see([HIDDEN], "adapter")
    assert not may_see([HIDDEN], "skpd:PDAM")
    assert may_see([HIDDEN], "skpd:PUPR") and may_see([HIDDEN], "admin")


def test_once_looked_at_a_public_reports_photo_is_public() -> None:
    assert may_see([LOOKED_AT], None)


def test_a_rahasia_reports_photo_is_never_public_only_its_body_and_the_admin_see_it() -> None:
    assert not may_see([RAHASIA], None) and not may_see([RAHASIA], "skpd:PDAM")
    assert may_see([RAHASIA], "skpd:PUPR") and may_see([RAHASIA], "admin")


def test_a_hidden_reports_photo_is_for_staff_only_as_before_anyone_looked_at_it() -> None:
    hidden = PhotoOwner(rahasia=False, looked_at=True, bodies=("PUPR",), hidden=True)
    assert not may_see([hidden], None) and not may_see([hidden], "skpd:PDAM")
    assert may_see([hidden], "skpd:PUPR") and may_see([hidden], "admin")


def test_a_photo_a_hidden_report_carries_is_not_public_through_another_report() -> None:
    hidden = PhotoOwner(rahasia=False, looked_at=True, bodies=("PUPR",), hidden=True)
    assert may_see([LOOKED_AT], None) and not may_see([LOOKED_AT, hidden], None)


def test_links_written_before_moderation_read_as_not_hidden_and_moderate_after() -> None:
    books = SqlBooks(POPOProcessRecorder())
    books.run([Statement(sql, {}) for sql in LINK_TABLES])  # the table as it was before
    report_id, media_id = uuid4(), "c" * 64
    books.run([Statement("INSERT INTO intake_report_media VALUES (:m, :r, 0, 1.0)",
                         {"m": media_id, "r": str(report_id)})])  # fmt: skip
    links = SqlMediaLinks(books)
    assert links.owners(media_id) == [(report_id, False, True, False)]
    books.run([links.moderated(report_id, True, datetime(2026, 1, 2, tzinfo=UTC))])
    assert links.owners(media_id) == [(report_id, False, True, True)]
    SqlMediaLinks(books)  # a second start adds nothing twice
