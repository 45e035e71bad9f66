"""The reporter's WhatsApp number and status link, asked of intake's vault (role `adapter`)."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from shared.logging import get_logger

log = get_logger(__name__)


class NoNumber(Exception):
    """The vault refuses (opted out, daily cap, unknown, erased) or knows no number: final."""


class VaultUnavailable(Exception):
    """Intake could not answer now: worth trying again."""


@dataclass(frozen=True)
class Address:
    """Where the message goes, and the reporter's personal status link (None when absent)."""

    number: str
    status_link: str | None


class VaultClient:
    """Resolves a reporter_ref; the number is never logged."""

    def __init__(self, base_url: str, token: str | None, client: httpx.AsyncClient) -> None:
        self._base = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._client = client

    async def address_for(self, reporter_ref: str) -> Address:
        """The reporter's number and link, or NoNumber / VaultUnavailable."""
        url = f"{self._base}/v1/vault/{reporter_ref}"
        try:
            response = await self._client.get(url, headers=self._headers, timeout=10)
        except httpx.HTTPError as error:
            raise VaultUnavailable(type(error).__name__) from error
        if response.status_code >= 500 or response.status_code == 429:
            raise VaultUnavailable(f"vault answered {response.status_code}")
        if response.status_code != 200:
            raise NoNumber(f"vault {response.status_code} {_detail(response)}".strip())
        found = response.json()
        number = found.get("phone")
        if not number:
            raise NoNumber("the reporter left no WhatsApp number")
        return Address(str(number), found.get("status_link") or None)


def _detail(response: httpx.Response) -> str:
    try:
        detail = response.json().get("detail", "")
    except (ValueError, AttributeError):
        return ""
    return detail if isinstance(detail, str) else ""
