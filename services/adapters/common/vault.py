"""Asking intake's identity vault (role `adapter`) where a reporter is, as every adapter does."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx

T = TypeVar("T")


class VaultRefused(Exception):
    """The vault refuses (opted out, daily cap, unknown, erased) or answers nothing usable."""


class VaultUnavailable(Exception):
    """Intake could not answer now: worth trying again."""


class VaultReader:
    """`GET /v1/vault/{reporter_ref}`: the delivery address as intake answers it (never logged)."""

    def __init__(self, base_url: str, token: str | None, client: httpx.AsyncClient) -> None:
        self._base = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._client = client

    async def address(self, reporter_ref: str) -> dict[str, Any]:
        """The vault's answer, or VaultRefused (`vault 403 opted-out`…) / VaultUnavailable."""
        url = f"{self._base}/v1/vault/{reporter_ref}"
        try:
            response = await self._client.get(url, headers=self._headers, timeout=10)
        except httpx.HTTPError as error:
            raise VaultUnavailable(type(error).__name__) from error
        if response.status_code >= 500 or response.status_code == 429:
            raise VaultUnavailable(f"vault answered {response.status_code}")
        if response.status_code != 200:
            raise VaultRefused(f"vault {response.status_code} {_detail(response)}".strip())
        found = response.json()
        if not isinstance(found, dict):
            raise VaultRefused("the vault's answer is not an object")
        return found


async def asking_again(ask: Callable[[], Awaitable[T]], attempts: int, backoff: float) -> T:
    """`ask()`, tried again with growing waits while the vault is unavailable."""
    for attempt in range(1, attempts):
        try:
            return await ask()
        except VaultUnavailable:
            await asyncio.sleep(min(backoff * 2**attempt, 10))
    return await ask()


def _detail(response: httpx.Response) -> str:
    try:
        detail = response.json().get("detail", "")
    except (ValueError, AttributeError):
        return ""
    return detail if isinstance(detail, str) else ""
