"""The reporter's e-mail address and personal status link, asked of intake's identity vault
(role `adapter`, naming the e-mail as the contact delivered to)."""

from __future__ import annotations

from dataclasses import dataclass

import httpx


class NoAddress(Exception):
    """The vault has no e-mail address for this reporter, or refuses to say: a permanent failure."""


class VaultUnavailable(Exception):
    """Intake could not answer now: worth trying again."""


@dataclass(frozen=True)
class Address:
    """Where a reporter's e-mail goes, and the link their message shows (None: none to show)."""

    email: str
    status_link: str | None = None


class VaultClient:
    """Resolves a reporter_ref to an e-mail address; the address is never logged."""

    def __init__(self, base_url: str, token: str | None, client: httpx.AsyncClient) -> None:
        self._base = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._client = client

    async def email_for(self, reporter_ref: str) -> Address:
        """The reporter's e-mail address and status link, or NoAddress / VaultUnavailable.

        A refusal names its reason: 403 `opted-out` (the contact sent STOP) or `daily-cap`."""
        url = f"{self._base}/v1/vault/{reporter_ref}"
        try:
            response = await self._client.get(
                url, params={"contact": "email"}, headers=self._headers, timeout=10
            )
        except httpx.HTTPError as error:
            raise VaultUnavailable(type(error).__name__) from error
        if response.status_code >= 500 or response.status_code == 429:
            raise VaultUnavailable(f"vault answered {response.status_code}")
        if response.status_code != 200:
            raise NoAddress(f"vault answered {response.status_code}{_reason(response)}")
        found = response.json()
        if not found.get("email"):
            raise NoAddress("the reporter left no e-mail address")
        return Address(str(found["email"]), found.get("status_link") or None)


def _reason(response: httpx.Response) -> str:
    """`: opted-out`, `: daily-cap` (a refusal's detail), or nothing."""
    try:
        detail = response.json().get("detail")
    except ValueError:
        return ""
    return f": {detail}" if isinstance(detail, str) and response.status_code == 403 else ""
