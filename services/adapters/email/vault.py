"""The reporter's e-mail address, asked of intake's identity vault (role `adapter`)."""

from __future__ import annotations

import httpx


class NoAddress(Exception):
    """The vault has no e-mail address for this reporter, or refuses to say: a permanent failure."""


class VaultUnavailable(Exception):
    """Intake could not answer now: worth trying again."""


class VaultClient:
    """Resolves a reporter_ref to an e-mail address; the address is never logged."""

    def __init__(self, base_url: str, token: str | None, client: httpx.AsyncClient) -> None:
        self._base = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._client = client

    async def email_for(self, reporter_ref: str) -> str:
        """The reporter's e-mail address, or NoAddress / VaultUnavailable."""
        url = f"{self._base}/v1/vault/{reporter_ref}"
        try:
            response = await self._client.get(url, headers=self._headers, timeout=10)
        except httpx.HTTPError as error:
            raise VaultUnavailable(type(error).__name__) from error
        if response.status_code >= 500 or response.status_code == 429:
            raise VaultUnavailable(f"vault answered {response.status_code}")
        if response.status_code != 200:
            raise NoAddress(f"vault answered {response.status_code}")
        email = response.json().get("email")
        if not email:
            raise NoAddress("the reporter left no e-mail address")
        return str(email)
