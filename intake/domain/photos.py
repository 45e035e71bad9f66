"""Citizens' photos: the limits a photo must keep, how its URL looks, and who may see it.

A photo is stored once, named by the SHA-256 of its cleaned bytes (the media id); a report's
`attachments` carry its URL, never its bytes. Until a person has looked at the report (the body
acknowledged it, or the admin verified a held one) only staff see its photos: faces, ID cards
and children are the usual problems. A `rahasia` report's photos are never public. A report the
admin (or the public's flags) hid is back to staff only until it is shown again; a photo that a
hidden report carries is not public through another report either (the hide is about what the
public sees, and the bytes are the same).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from intake.domain.errors import IntakeError

MEDIA_PATH = "/v1/media/"
MEDIA_ID = re.compile(r"^[0-9a-f]{64}$")
MEDIA_URL = re.compile(r"/v1/media/([0-9a-f]{64})$")


class PhotoRefused(IntakeError):
    """A photo intake will not store; the whole request is refused with it."""


class PhotoTooLarge(PhotoRefused):
    """More bytes than a photo may have as received."""


class NotAnImage(PhotoRefused):
    """Not a JPEG, PNG, WebP or HEIC/HEIF image (an SVG, a PDF, a text, an image carrying a
    script)."""


class BrokenPhoto(PhotoRefused):
    """An image that cannot be decoded, or would decode to more pixels than allowed (a bomb)."""


class TooManyPhotos(PhotoRefused):
    """More photos than one report may carry."""


class PhotoNotPublic(IntakeError):
    """Only staff may see the photo yet, and the caller gave no token."""


class UnknownMedia(IntakeError):
    """No report carries a photo by this id."""


@dataclass(frozen=True)
class PhotoRules:
    """How large a photo may be, as received and decoded, and its thumbnail's box."""

    max_photos: int = 5
    max_bytes: int = 10 * 1024 * 1024
    max_pixels: int = 25_000_000
    thumb_box: int = 320


@dataclass(frozen=True)
class CleanPhoto:
    """A photo re-encoded from its pixels only, and its thumbnail."""

    content: bytes
    content_type: str
    thumb: bytes
    thumb_type: str


def media_url(base: str, media_id: str) -> str:
    """The URL a report's attachments carry (relative when intake has no public base URL)."""
    return f"{base.rstrip('/')}{MEDIA_PATH}{media_id}"


def media_ids(attachments: Iterable[str]) -> list[str]:
    """The ids of the stored photos among a report's attachments (links elsewhere left out)."""
    found = (MEDIA_URL.search(url) for url in attachments)
    return list(dict.fromkeys(match.group(1) for match in found if match))


@dataclass(frozen=True)
class PhotoOwner:
    """One report that carries a photo, as far as who may see it goes."""

    rahasia: bool
    looked_at: bool
    bodies: tuple[str, ...] = ()
    hidden: bool = False  # moderation took the report off the public surfaces

    @property
    def public(self) -> bool:
        """A person looked at a report that is not rahasia, and nobody hid it."""
        return self.looked_at and not self.rahasia and not self.hidden


def is_public(owners: Iterable[PhotoOwner]) -> bool:
    """Anyone may see the photo: one of its reports is public and was looked at, none hidden."""
    owners = list(owners)
    return any(owner.public for owner in owners) and not any(owner.hidden for owner in owners)


def may_see(owners: Iterable[PhotoOwner], role: str | None) -> bool:
    """The admin sees every photo; a body those of reports disposed to it; anyone public ones."""
    owners = list(owners)
    if role == "admin":
        return True
    code = role.removeprefix("skpd:") if role and role.startswith("skpd:") else None
    return is_public(owners) or any(code in owner.bodies for owner in owners if code)
