"""Asking intake's vault for a reporter's contact and status link, as every adapter does."""

from __future__ import annotations

import httpx
import pytest

from services.adapters.common.vault import VaultClient, VaultRefused, VaultUnavailable
from shared.contracts import ContactKind

ADDRESS = {
    "reporter_ref": "ref-1", "channel": "whatsapp", "name": "Budi",
    "phone": "+6281234567890", "email": None, "handle": None,
}  # fmt: skip


def vault(status: int, body: object, kind: ContactKind = ContactKind.PHONE) -> VaultClient:
    def answer(request: httpx.Request) -> httpx.Response:
        assert request.headers["Authorization"] == "Bearer adapter-token"
        assert request.url.params["contact"] == kind.value  # the vault counts per contact
        return httpx.Response(status, json=body)

    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    return VaultClient("http://intake.test", "adapter-token", client, kind)


async def test_the_number_and_the_status_link_come_from_the_vault() -> None:
    link = "https://lapor.test/s/abc"
    found = await vault(200, {**ADDRESS, "status_link": link}).contact_for("ref-1")
    assert (found.address, found.status_link) == ("+6281234567890", link)


async def test_the_email_address_is_asked_for_by_kind() -> None:
    answer = {**ADDRESS, "email": "budi@example.id"}
    found = await vault(200, answer, ContactKind.EMAIL).contact_for("ref-1")
    assert (found.address, found.status_link) == ("budi@example.id", None)


async def test_a_vault_without_status_links_yet_is_read_as_no_link() -> None:
    assert (await vault(200, ADDRESS).contact_for("ref-1")).status_link is None


@pytest.mark.parametrize(
    ("status", "detail", "said"),
    [
        (403, "opted-out", "vault 403 opted-out"),
        (403, "daily-cap", "vault 403 daily-cap"),
        (404, "unknown", "vault 404 unknown"),
        (410, "erased", "vault 410 erased"),
        (410, None, "vault 410 sudah dihapus"),
    ],
)
async def test_a_refusal_is_final_and_says_why(status: int, detail: str | None, said: str) -> None:
    with pytest.raises(VaultRefused, match=said):
        await vault(status, {"detail": detail}).contact_for("ref-1")


async def test_a_reporter_without_that_kind_of_contact_is_final() -> None:
    with pytest.raises(VaultRefused):
        await vault(200, {**ADDRESS, "phone": None}).contact_for("ref-1")
    with pytest.raises(VaultRefused):
        await vault(200, ADDRESS, ContactKind.EMAIL).contact_for("ref-1")


async def test_an_answer_that_is_not_an_object_is_final() -> None:
    with pytest.raises(VaultRefused):
        await vault(200, ["+6281234567890"]).contact_for("ref-1")


@pytest.mark.parametrize("status", [429, 500, 503])
async def test_a_busy_or_broken_intake_is_worth_another_try(status: int) -> None:
    with pytest.raises(VaultUnavailable):
        await vault(status, {"detail": "later"}).contact_for("ref-1")


async def test_an_unreachable_intake_is_worth_another_try() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    client = httpx.AsyncClient(transport=httpx.MockTransport(down))
    with pytest.raises(VaultUnavailable, match="ConnectError"):
        await VaultClient("http://intake.test", None, client, ContactKind.PHONE).contact_for("r")
