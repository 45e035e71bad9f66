"""Photos made in memory for the photo tests: a phone's JPEG with GPS, a hand-built PNG bomb,
files that are not images."""

from __future__ import annotations

import struct
import zlib
from io import BytesIO

from PIL import Image, PngImagePlugin

ORIENTATION, GPS_IFD = 0x0112, 0x8825
GPS = {1: "S", 2: (3.0, 19.0, 12.5), 3: "E", 4: (114.0, 35.0, 24.0)}  # Banjarmasin


def phone_jpeg(size: tuple[int, int] = (400, 300), orientation: int = 6) -> bytes:
    """A JPEG as a phone writes it: GPS position, a camera model, turned by its orientation."""
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x0110] = "Telepon Warga X1"  # camera model
    exif[GPS_IFD] = GPS
    out = BytesIO()
    Image.new("RGB", size, (180, 40, 40)).save(out, "JPEG", exif=exif.tobytes(), comment=b"x")
    return out.getvalue()


def tagged_png() -> bytes:
    """A PNG carrying text chunks (a comment, an XMP packet), EXIF and an ICC profile."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "rumah di Jl. Veteran no. 12")
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta><rdf:RDF>GPS</rdf:RDF></x:xmpmeta>")
    exif = Image.Exif()
    exif[GPS_IFD] = GPS
    from PIL import ImageCms

    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = BytesIO()
    Image.new("RGBA", (64, 48), (0, 90, 200, 128)).save(
        out, "PNG", pnginfo=info, exif=exif.tobytes(), icc_profile=icc
    )
    return out.getvalue()


def webp_with_exif() -> bytes:
    """A WebP carrying GPS EXIF."""
    exif = Image.Exif()
    exif[GPS_IFD] = GPS
    out = BytesIO()
    Image.new("RGB", (50, 40), (10, 200, 10)).save(out, "WEBP", exif=exif.tobytes())
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def png_claiming(width: int, height: int) -> bytes:
    """A small PNG whose header claims `width` x `height` pixels (a decompression bomb)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", data)
        + _chunk(b"IEND", b"")
    )


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<script>alert(1)</script><rect width="10" height="10"/></svg>'
)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
TEXT_AS_JPG = b"Ini bukan foto, hanya teks yang diberi nama foto.jpg\n" * 20


def jpeg_with_script() -> bytes:
    """A valid JPEG whose comment segment carries an HTML script (a polyglot)."""
    out = BytesIO()
    Image.new("RGB", (16, 16), (1, 2, 3)).save(
        out, "JPEG", comment=b"<html><script>alert(document.cookie)</script></html>"
    )
    return out.getvalue()


def truncated_jpeg() -> bytes:
    """A JPEG cut off half way."""
    out = BytesIO()
    Image.effect_noise((256, 256), 60).convert("RGB").save(out, "JPEG")
    return out.getvalue()[: len(out.getvalue()) // 2]


def metadata_of(content: bytes) -> dict[str, object]:
    """What Pillow reads of a file besides its pixels (EXIF, info keys)."""
    with Image.open(BytesIO(content)) as image:
        image.load()
        return {"exif": dict(image.getexif()), "info": sorted(image.info), "size": image.size}
