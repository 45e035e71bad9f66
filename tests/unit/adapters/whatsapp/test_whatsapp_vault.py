"""Asking intake's vault for the number and the status link."""

from __future__ import annotations

import httpx
import pytest

from services.adapters.common.vault import VaultClient, VaultRefused, VaultUnavailable
from shared.contracts import ContactKind

ADDRESS = {
    "reporter_ref": "ref-1", "channel": "whatsapp", "name": "Budi",
    "phone": "+6281234567890", "email": None, "handle": None,
}  # fmt: skip


def vault(status: int, body: object) -> VaultClient:
    def answer(request: httpx.Request) -> httpx.Response:
        assert request.headers["Authorization"] == "Bearer adapter-token"
        return httpx.Response(status, json=body)

    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    return VaultClient("http://intake.test", "adapter-token", client, ContactKind.PHONE)


async def test_the_number_and_the_status_link_come_from_the_vault() -> None:
    link = "https://lapor.test/s/abc"
    found = await vault(200, {**ADDRESS, "status_link": link}).contact_for("ref-1")
    assert (found.address, found.status_link) == ("+6281234567890", link)


async def test_a_vault_without_status_links_yet_is_read_as_no_link() -> None:
    assert (await vault(200, ADDRESS).contact_for("ref-1")).status_link is None


@pytest.mark.parametrize(
    ("status", "detail", "said"),
    [
        (403, "opted-out", "vault 403 opted-out"),
        (403, "daily-cap", "vault 403 daily-cap"),
        (404, "unknown", "vault 404 unknown"),
        (410, "erased", "vault 410 erased"),
    ],
)
async def test_a_refusal_is_final_and_says_why(status: int, detail: str, said: str) -> None:
    with pytest.raises(VaultRefused, match=said):
        await vault(status, {"detail": detail}).contact_for("ref-1")


async def test_a_reporter_without_a_number_is_final() -> None:
    with pytest.raises(VaultRefused):
        await vault(200, {**ADDRESS, "phone": None}).contact_for("ref-1")


@pytest.mark.parametrize("status", [429, 500, 503])
async def test_a_busy_or_broken_intake_is_worth_another_try(status: int) -> None:
    with pytest.raises(VaultUnavailable):
        await vault(status, {"detail": "later"}).contact_for("ref-1")
