"""Cleaning a citizen's photo with Pillow: decode within limits, turn upright, keep only pixels.

JPEG, PNG and WebP are Pillow's own; HEIC/HEIF (what iPhones send) is decoded by libheif through
`pillow-heif`, registered as a Pillow opener for the primary image only (no embedded thumbnail,
depth or auxiliary image is read) and re-encoded as JPEG. libheif applies the container's
rotation and mirroring while decoding and the opener resets the EXIF orientation, so a HEIC comes
out upright just as a JPEG does. The format is told from the bytes alone, never from the file name
or the declared type.

The pixel limit is checked per call on the header Pillow reads before decoding anything (the
global `Image.MAX_IMAGE_PIXELS` is left alone: other threads decode too); Pillow's own
`DecompressionBombError` still stops anything past twice its default. The output is a new image
made from the pixels alone, so no EXIF (GPS above all), XMP, ICC profile or text chunk of the
original can reach it; colours are first converted to sRGB when the photo carried a profile.
"""

from __future__ import annotations

from functools import cache
from io import BytesIO

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

from intake.domain.photos import BrokenPhoto, CleanPhoto, NotAnImage, PhotoRules, PhotoTooLarge

OUTPUTS = {
    "JPEG": ("JPEG", "image/jpeg"),
    "PNG": ("PNG", "image/png"),
    "WEBP": ("WEBP", "image/webp"),
    "HEIF": ("JPEG", "image/jpeg"),  # few browsers show HEIC: stored as the usual JPEG
}
# Where each accepted format says what it is: bytes that claim one but do not decode are a broken
# photo (422), not something other than a photo (415). pillow-heif reads a HEIF's boxes when it
# opens it, so a damaged one fails there, before Pillow has named a format.
HEIF_BRANDS = (
    b"heic",
    b"heix",
    b"heim",
    b"heis",
    b"hevc",
    b"hevx",
    b"hevm",
    b"hevs",
    b"mif1",
    b"msf1",
)
SCRIPT_MARKERS = (b"<script", b"<?php", b"<html", b"<svg", b"<iframe", b"javascript:")
PLAIN_MODES = ("RGB", "RGBA", "L", "LA")


def clean_photo(raw: bytes, rules: PhotoRules) -> CleanPhoto:
    """The photo re-encoded without metadata, and its thumbnail; PhotoRefused otherwise."""
    _open_heif()
    if len(raw) > rules.max_bytes:
        raise PhotoTooLarge(f"foto lebih dari {rules.max_bytes // (1024 * 1024)} MB")
    lowered = raw.lower()
    if any(marker in lowered for marker in SCRIPT_MARKERS):
        raise NotAnImage("berkas berisi skrip atau markup, bukan foto")
    image, fmt = _decode(raw, rules)
    out_format, content_type = OUTPUTS[fmt]
    content = _encode(image, out_format)
    image.thumbnail((rules.thumb_box, rules.thumb_box))
    return CleanPhoto(content, content_type, _encode(image, out_format), content_type)


@cache
def _open_heif() -> None:
    """Pillow opens HEIC/HEIF from here on (once per process; the options are pillow-heif's)."""
    register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)


def _decode(raw: bytes, rules: PhotoRules) -> tuple[Image.Image, str]:
    """Only the pixels, upright, in a plain mode, as a new image without any `info`."""
    try:
        with Image.open(BytesIO(raw), formats=list(OUTPUTS)) as opened:
            fmt = opened.format or ""
            if opened.width * opened.height > rules.max_pixels:
                raise Image.DecompressionBombError(f"{opened.width}x{opened.height}")
            opened.load()
            upright = ImageOps.exif_transpose(opened) or opened
            pixels = _plain(_srgb(upright))
            return Image.frombytes(pixels.mode, pixels.size, pixels.tobytes()), fmt
    except UnidentifiedImageError:
        if _claims_a_photo(raw):
            raise BrokenPhoto("foto rusak dan tidak dapat dibaca") from None
        raise NotAnImage("bukan foto JPEG, PNG, WebP atau HEIC") from None
    except Image.DecompressionBombError:
        limit = rules.max_pixels // 1_000_000
        raise BrokenPhoto(f"foto lebih dari {limit} megapiksel (bom dekompresi)") from None
    except Exception as error:  # Pillow raises many kinds on a damaged file; none may be a 500
        raise BrokenPhoto(f"foto rusak dan tidak dapat dibaca ({type(error).__name__})") from None


def _claims_a_photo(raw: bytes) -> bool:
    """The file starts as a JPEG, PNG, WebP or HEIF does."""
    return (
        raw.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n"))
        or (raw[:4] == b"RIFF" and raw[8:12] == b"WEBP")
        or (raw[4:8] == b"ftyp" and raw[8:12] in HEIF_BRANDS)
    )


def _srgb(image: Image.Image) -> Image.Image:
    """Colours in sRGB when a profile came with the photo (it is dropped after)."""
    profile = image.info.get("icc_profile")
    if not profile or image.mode not in ("RGB", "RGBA"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(BytesIO(profile))
        converted = ImageCms.profileToProfile(
            image, source, ImageCms.createProfile("sRGB"), outputMode=image.mode
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image  # an unreadable profile: keep the pixels as they are
    return converted or image


def _plain(image: Image.Image) -> Image.Image:
    if image.mode in PLAIN_MODES:
        return image
    alpha = image.mode in ("PA", "RGBa", "La") or "transparency" in image.info
    return image.convert("RGBA" if alpha else "RGB")


def _encode(image: Image.Image, out_format: str) -> bytes:
    if out_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    buffer = BytesIO()
    image.save(buffer, out_format, **({"quality": 85} if out_format != "PNG" else {}))
    return buffer.getvalue()
