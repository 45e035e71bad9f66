"""Cleaning a citizen's photo with Pillow: decode within limits, turn upright, keep only pixels.

The pixel limit is checked per call on the header Pillow reads before decoding anything (the
global `Image.MAX_IMAGE_PIXELS` is left alone: other threads decode too); Pillow's own
`DecompressionBombError` still stops anything past twice its default. The output is a new image
made from the pixels alone, so no EXIF (GPS above all), XMP, ICC profile or text chunk of the
original can reach it; colours are first converted to sRGB when the photo carried a profile.
"""

from __future__ import annotations

from io import BytesIO

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from intake.domain.photos import BrokenPhoto, CleanPhoto, NotAnImage, PhotoRules, PhotoTooLarge

OUTPUTS = {
    "JPEG": ("JPEG", "image/jpeg"),
    "PNG": ("PNG", "image/png"),
    "WEBP": ("WEBP", "image/webp"),
}
SCRIPT_MARKERS = (b"<script", b"<?php", b"<html", b"<svg", b"<iframe", b"javascript:")
PLAIN_MODES = ("RGB", "RGBA", "L", "LA")


def clean_photo(raw: bytes, rules: PhotoRules) -> CleanPhoto:
    """The photo re-encoded without metadata, and its thumbnail; PhotoRefused otherwise."""
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
        raise NotAnImage("bukan foto JPEG, PNG atau WebP") from None
    except Image.DecompressionBombError:
        limit = rules.max_pixels // 1_000_000
        raise BrokenPhoto(f"foto lebih dari {limit} megapiksel (bom dekompresi)") from None
    except Exception as error:  # Pillow raises many kinds on a damaged file; none may be a 500
        raise BrokenPhoto(f"foto rusak dan tidak dapat dibaca ({type(error).__name__})") from None


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
