"""HEIC photos made in memory by pillow-heif's encoder, as an iPhone sends them: GPS EXIF, an XMP
packet, a rotation in the container; and damaged or oversized ones."""

from __future__ import annotations

import struct
from io import BytesIO

from PIL import Image
from pillow_heif import register_heif_opener

from tests.photos import GPS, GPS_IFD, ORIENTATION

CAMERA = "iPhone Warga 15"
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>Jl. Veteran 12</rdf:RDF></x:xmpmeta>'
RED, BLUE = (255, 0, 0), (0, 0, 255)


def iphone_heic(size: tuple[int, int] = (400, 300), orientation: int = 6) -> bytes:
    """A HEIC with GPS, a camera model and XMP; its top-left quarter red, the rest blue, turned
    by `orientation` as the phone was held."""
    register_heif_opener()
    image = Image.new("RGB", size, BLUE)
    image.paste(RED, (0, 0, size[0] // 2, size[1] // 2))
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x0110] = CAMERA
    exif[GPS_IFD] = GPS
    out = BytesIO()
    image.save(out, "HEIF", exif=exif.tobytes(), xmp=XMP, quality=60)
    return out.getvalue()


def heic_claiming(width: int, height: int) -> bytes:
    """A small HEIC whose `ispe` box claims `width` x `height` pixels (a decompression bomb)."""
    raw = iphone_heic(orientation=1)
    at = raw.index(b"ispe") + 8  # box type, then version and flags
    return raw[:at] + struct.pack(">II", width, height) + raw[at + 8 :]


def truncated_heic() -> bytes:
    """A HEIC cut off half way."""
    raw = iphone_heic()
    return raw[: len(raw) // 2]
