"""The reporter's WhatsApp number and status link, asked of intake's vault (role `adapter`)."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from services.adapters.common.vault import VaultReader, VaultRefused, VaultUnavailable

__all__ = ["Address", "NoNumber", "VaultClient", "VaultUnavailable"]


class NoNumber(VaultRefused):
    """The vault refuses (opted out, daily cap, unknown, erased) or knows no number: final."""


@dataclass(frozen=True)
class Address:
    """Where the message goes, and the reporter's personal status link (None when absent)."""

    number: str
    status_link: str | None


class VaultClient:
    """Resolves a reporter_ref to a number and a link; the number is never logged."""

    def __init__(self, base_url: str, token: str | None, client: httpx.AsyncClient) -> None:
        self._reader = VaultReader(base_url, token, client)

    async def address_for(self, reporter_ref: str) -> Address:
        """The reporter's number and link, or NoNumber / VaultUnavailable."""
        try:
            found = await self._reader.address(reporter_ref)
        except NoNumber:
            raise
        except VaultRefused as refused:
            raise NoNumber(str(refused)) from refused
        number = found.get("phone")
        if not number:
            raise NoNumber("the reporter left no WhatsApp number")
        return Address(str(number), found.get("status_link") or None)
