"""Asking intake's identity vault (role `adapter`) where a reporter's message goes, as every
adapter does: `GET /v1/vault/{reporter_ref}?contact=email|phone`."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

import httpx

from shared.contracts import ContactKind, OutboundMessage

T = TypeVar("T")

REFUSALS = {403: "ditolak", 404: "tidak dikenal", 410: "sudah dihapus"}


class VaultRefused(Exception):
    """The vault refuses (403 opted-out or daily-cap, 404 unknown, 410 erased) or knows no such
    contact: final, trying again cannot help."""


class VaultUnavailable(Exception):
    """Intake could not answer now (5xx, 429, unreachable): worth trying again."""


@dataclass(frozen=True)
class Contact:
    """Where the message goes (an e-mail address or a phone number, never logged) and the
    reporter's personal status link (None when there is none to show)."""

    address: str
    status_link: str | None = None


class Vault(Protocol):
    """Where reporters' contacts come from."""

    async def contact_for(self, reporter_ref: str) -> Contact: ...


class VaultClient:
    """Resolves a reporter_ref to one kind of contact and the status link."""

    def __init__(
        self, base_url: str, token: str | None, client: httpx.AsyncClient, kind: ContactKind
    ) -> None:
        self._base = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._client = client
        self._kind = kind

    async def contact_for(self, reporter_ref: str) -> Contact:
        """The reporter's contact and link, or VaultRefused (`vault 403 opted-out`…) /
        VaultUnavailable. A missing `status_link` field is read as none."""
        url = f"{self._base}/v1/vault/{reporter_ref}"
        try:
            response = await self._client.get(
                url, params={"contact": self._kind.value}, headers=self._headers, timeout=10
            )
        except httpx.HTTPError as error:
            raise VaultUnavailable(type(error).__name__) from error
        if response.status_code >= 500 or response.status_code == 429:
            raise VaultUnavailable(f"vault answered {response.status_code}")
        if response.status_code != 200:
            raise VaultRefused(_refusal(response))
        try:
            found = response.json()
        except ValueError:
            found = None
        if not isinstance(found, dict):
            raise VaultRefused("the vault's answer is not an object")
        field = "email" if self._kind is ContactKind.EMAIL else "phone"
        if not found.get(field):
            raise VaultRefused(f"the reporter left no {self._kind.value} contact")
        return Contact(str(found[field]), found.get("status_link") or None)


async def asking_again(ask: Callable[[], Awaitable[T]], attempts: int, backoff: float) -> T:
    """`ask()`, tried again with growing waits while the vault is unavailable."""
    for attempt in range(1, attempts):
        try:
            return await ask()
        except VaultUnavailable:
            await asyncio.sleep(min(backoff * 2**attempt, 10))
    return await ask()


async def resolve(vault: Vault, message: OutboundMessage, attempts: int, backoff: float) -> Contact:
    """Where `message` goes: its own address (an admin's or agency's), or the reporter's contact
    from the vault, asked again while unavailable; VaultRefused when it names no one."""
    if message.recipient.address:
        return Contact(message.recipient.address)
    ref = message.recipient.reporter_ref
    if not ref:
        raise VaultRefused("pesan tidak menyebut penerima")
    return await asking_again(lambda: vault.contact_for(ref), attempts, backoff)


def _refusal(response: httpx.Response) -> str:
    """`vault 403 opted-out`, `vault 404 tidak dikenal`…: the status and the vault's word."""
    try:
        body = response.json()
        detail = body.get("detail") if isinstance(body, dict) else None
    except ValueError:
        detail = None
    word = detail if isinstance(detail, str) else REFUSALS.get(response.status_code, "ditolak")
    return f"vault {response.status_code} {word}"
