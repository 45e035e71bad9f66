"""A WhatsApp image, fetched from the Graph API with the adapter's token and sent to intake as a
photo part of its multipart `POST /v1/reports`.

Graph media URLs expire (minutes) and need the token, so the adapter fetches the bytes itself:
`GET /{version}/{media-id}` answers `{url, mime_type, sha256, file_size, id}`, then `GET url` with
the same bearer token answers the bytes. Intake cleans and keeps the photo.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import httpx

from shared.contracts import IntakeMessage
from shared.logging import get_logger

log = get_logger(__name__)
MAX_MEDIA_BYTES = 16 * 1024 * 1024  # WhatsApp's own image limit is 5 MB; intake refuses > 10 MB
REFUSED_PHOTO = (413, 415, 422)


class MediaUnavailable(Exception):
    """The Graph API or intake did not answer for a photo: Meta should send the webhook again."""


@dataclass(frozen=True)
class PhotoForwarder:
    """The Graph API's media endpoints and intake's front, over one client."""

    graph_url: str  # `{graph}/{version}`
    graph_token: str
    intake_url: str
    intake_token: str
    client: httpx.AsyncClient
    timeout: float = 20.0

    async def fetch(self, media_id: str) -> tuple[bytes, str]:
        """The image's bytes and MIME type, fetched with the adapter's token."""
        bearer = {"Authorization": f"Bearer {self.graph_token}"}
        try:
            about = await self.client.get(
                f"{self.graph_url}/{media_id}", headers=bearer, timeout=self.timeout
            )
            about.raise_for_status()
            found = about.json()
            url, mime = str(found["url"]), str(found.get("mime_type") or "")
            image = await self.client.get(url, headers=bearer, timeout=self.timeout)
            image.raise_for_status()
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as error:
            raise MediaUnavailable(f"media {media_id}: {type(error).__name__}") from error
        if len(image.content) > MAX_MEDIA_BYTES:
            raise MediaUnavailable(f"media {media_id} is larger than {MAX_MEDIA_BYTES} bytes")
        return image.content, mime

    async def submit(self, message: IntakeMessage, photo: bytes, mime: str) -> bool:
        """Send the message with its photo; False when intake refused the photo itself."""
        try:
            answer = await self.client.post(
                f"{self.intake_url.rstrip('/')}/v1/reports",
                data={"report": json.dumps(message.wire())},
                files=[("photo", ("whatsapp-image", photo, mime or "application/octet-stream"))],
                headers={"Authorization": f"Bearer {self.intake_token}"},
                timeout=self.timeout,
            )
        except httpx.HTTPError as error:
            raise MediaUnavailable(f"intake did not answer: {type(error).__name__}") from error
        if answer.status_code in REFUSED_PHOTO:
            log.warning(
                "whatsapp-photo-refused", status=answer.status_code, detail=answer.text[:200]
            )
            return False
        if answer.status_code not in (200, 201, 202):
            raise MediaUnavailable(f"intake answered {answer.status_code}: {answer.text[:200]}")
        return True
