"""The reporter's number and status link, asked of intake's identity vault (role `adapter`)."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

REFUSALS = {403: "ditolak", 404: "tidak dikenal", 410: "sudah dihapus"}


class NoNumber(Exception):
    """The vault has no number for this reporter, or refuses to give it: a permanent failure."""


class VaultUnavailable(Exception):
    """Intake could not answer now: worth trying again."""


@dataclass(frozen=True)
class Contact:
    """Where the message goes and the reporter's personal status link (None when there is none)."""

    phone: str
    status_link: str | None


class VaultClient:
    """Resolves a reporter_ref to a phone number; the number is never logged."""

    def __init__(self, base_url: str, token: str | None, client: httpx.AsyncClient) -> None:
        self._base = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._client = client

    async def contact_for(self, reporter_ref: str) -> Contact:
        """The reporter's number and status link, or NoNumber / VaultUnavailable."""
        url = f"{self._base}/v1/vault/{reporter_ref}"
        try:
            response = await self._client.get(url, headers=self._headers, timeout=10)
        except httpx.HTTPError as error:
            raise VaultUnavailable(type(error).__name__) from error
        if response.status_code >= 500 or response.status_code == 429:
            raise VaultUnavailable(f"vault answered {response.status_code}")
        if response.status_code != 200:
            raise NoNumber(_refusal(response))
        body = response.json()
        if not body.get("phone"):
            raise NoNumber("pelapor tidak meninggalkan nomor telepon")
        return Contact(str(body["phone"]), body.get("status_link") or None)


def _refusal(response: httpx.Response) -> str:
    """`vault 403 opted-out`, `vault 404 tidak dikenal`…: the status and the vault's word."""
    try:
        detail = response.json().get("detail")
    except ValueError:
        detail = None
    word = detail if isinstance(detail, str) else REFUSALS.get(response.status_code, "ditolak")
    return f"vault {response.status_code} {word}"
