"""The e-mail adapter sends through a real SMTP server on loopback and reports the outcome."""

from __future__ import annotations

import email
import email.policy
import smtplib
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest
from aiosmtpd.controller import Controller

from services.adapters.common.vault import (
    Contact,
    Vault,
    VaultClient,
    VaultRefused,
    VaultUnavailable,
)
from services.adapters.email.adapter import EmailAdapter, smtp_sender
from services.adapters.email.mail import scrub
from services.adapters.email.settings import EmailAdapterSettings
from services.local.smtp_sink import MailFolder
from shared.clock import FixedClock
from shared.contracts import (
    STATUS_LINK_MARK,
    Channel,
    ContactKind,
    DeliveryStatus,
    OutboundMessage,
    Recipient,
)
from tests.infra import free_ports

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
SENDER = "LAPOR! Kota Banjarmasin <lapor@banjarmasinkota.go.id>"
REPORTER_EMAIL = "siti.aminah@example.id"
LINK = "http://127.0.0.1:8106/pantau/Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4"


class FakeVault:
    """The vault's answers, without intake."""

    def __init__(self, answers: dict[str, str | Exception]) -> None:
        self.answers = answers
        self.asked: list[str] = []

    async def contact_for(self, reporter_ref: str) -> Contact:
        self.asked.append(reporter_ref)
        answer = self.answers.get(reporter_ref, VaultRefused("404"))
        if isinstance(answer, Exception):
            raise answer
        return Contact(answer, LINK)


class Refusing(MailFolder):
    """A server that refuses every recipient, naming it in the error as real servers do."""

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """A real SMTP server (aiosmtpd) on a free loopback port, storing .eml files."""
    (port,) = free_ports(1)
    controller = Controller(MailFolder(tmp_path / "mail"), hostname="127.0.0.1", port=port)
    controller.start()
    yield port, tmp_path / "mail"
    controller.stop()


def adapter_for(port: int, vault: Vault) -> EmailAdapter:
    settings = EmailAdapterSettings(smtp_host="127.0.0.1", smtp_port=port, smtp_timeout=5)
    return EmailAdapter(vault, smtp_sender(settings), SENDER, FixedClock(NOW), 2, 0.0)


def outbound(**fields: Any) -> OutboundMessage:
    values: dict[str, Any] = {
        "occurred_at": NOW,
        "report_id": uuid4(),
        "tracking_id": "LPR-7K3QX9MD",
        "notification_id": uuid4(),
        "channel": Channel.EMAIL,
        "recipient": Recipient(reporter_ref="rref-0001"),
        "subject": "Laporan LPR-7K3QX9MD telah diterima",
        "text": "Terima kasih, laporan Anda telah kami terima dengan nomor LPR-7K3QX9MD.",
        "html": "<p>Terima kasih, laporan Anda <b>LPR-7K3QX9MD</b> telah kami terima.</p>",
        "template": "case_opened",
        "attempt": 2,
    }
    values.update(fields)
    return OutboundMessage(**values)


def received(folder: Path) -> list[EmailMessage]:
    files = sorted(folder.glob("*.eml"))
    parsed = [email.message_from_bytes(f.read_bytes(), policy=email.policy.default) for f in files]
    return [m for m in parsed if isinstance(m, EmailMessage)]


async def test_an_email_is_received_with_its_subject_text_and_html(
    smtp: tuple[int, Path],
) -> None:
    port, folder = smtp
    report = await adapter_for(port, FakeVault({"rref-0001": REPORTER_EMAIL})).deliver(outbound())
    (mail,) = received(folder)
    assert mail["Subject"] == "Laporan LPR-7K3QX9MD telah diterima"
    assert mail["To"] == REPORTER_EMAIL
    plain = mail.get_body(("plain",))
    html = mail.get_body(("html",))
    assert plain is not None and "dengan nomor LPR-7K3QX9MD" in plain.get_content()
    assert html is not None and "<b>LPR-7K3QX9MD</b>" in html.get_content()
    assert (report.status, report.attempt) == (DeliveryStatus.ACCEPTED, 2)


async def test_the_report_never_names_the_address(smtp: tuple[int, Path]) -> None:
    port, _ = smtp
    report = await adapter_for(port, FakeVault({"rref-0001": REPORTER_EMAIL})).deliver(outbound())
    assert REPORTER_EMAIL not in report.model_dump_json()


async def test_a_staff_mailbox_is_used_as_given_without_the_vault(smtp: tuple[int, Path]) -> None:
    port, folder = smtp
    vault = FakeVault({})
    message = outbound(recipient=Recipient(address="pdam@banjarmasinkota.go.id"))
    report = await adapter_for(port, vault).deliver(message)
    (mail,) = received(folder)
    assert (mail["To"], vault.asked, report.status) == (
        "pdam@banjarmasinkota.go.id",
        [],
        DeliveryStatus.ACCEPTED,
    )


async def test_a_refused_recipient_fails_with_the_error_stripped_of_addresses(
    tmp_path: Path,
) -> None:
    (port,) = free_ports(1)
    controller = Controller(Refusing(tmp_path), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        vault = FakeVault({"rref-0001": REPORTER_EMAIL})
        report = await adapter_for(port, vault).deliver(outbound())
    finally:
        controller.stop()
    assert report.status == DeliveryStatus.FAILED
    assert "550" in report.detail and "<alamat>" in report.detail
    assert "@" not in report.detail and not report.final


async def test_a_reporter_without_an_email_address_fails_without_sending(
    smtp: tuple[int, Path],
) -> None:
    port, folder = smtp
    report = await adapter_for(port, FakeVault({})).deliver(outbound())
    assert (report.status, received(folder)) == (DeliveryStatus.FAILED, [])


async def test_an_unreachable_vault_is_tried_again_then_reported_failed(
    smtp: tuple[int, Path],
) -> None:
    port, _ = smtp
    vault = FakeVault({"rref-0001": VaultUnavailable("ConnectError")})
    report = await adapter_for(port, vault).deliver(outbound())
    assert (report.status, len(vault.asked)) == (DeliveryStatus.FAILED, 2)
    assert not report.final  # intake may answer on the next try


async def test_an_unreachable_smtp_server_is_a_failure_not_a_crash() -> None:
    (port,) = free_ports(1)  # nothing listens there
    report = await adapter_for(port, FakeVault({"rref-0001": REPORTER_EMAIL})).deliver(outbound())
    assert report.status == DeliveryStatus.FAILED


async def test_a_reporters_mail_shows_their_status_link_in_text_and_html(
    smtp: tuple[int, Path],
) -> None:
    port, folder = smtp
    message = outbound(text=f"Pantau: {STATUS_LINK_MARK}", html=f"<p>{STATUS_LINK_MARK}</p>")
    await adapter_for(port, FakeVault({"rref-0001": REPORTER_EMAIL})).deliver(message)
    [mail] = received(folder)
    html = mail.get_body(("html",))
    assert html is not None and LINK in str(html.get_content())
    plain = mail.get_body(("plain",))
    assert plain is not None and str(plain.get_content()).strip() == f"Pantau: {LINK}"


@pytest.mark.parametrize("detail", ["opted-out", "daily-cap"])
async def test_a_vault_refusal_is_reported_failed_with_its_reason(detail: str) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        assert request.url.params["contact"] == "email"
        return httpx.Response(403, json={"detail": detail})

    async with httpx.AsyncClient(transport=httpx.MockTransport(refuse)) as client:
        vault = VaultClient("http://intake", "t", client, ContactKind.EMAIL)
        report = await adapter_for(free_ports(1)[0], vault).deliver(outbound())
    assert report.status == DeliveryStatus.FAILED and detail in report.detail and report.final


def test_scrub_hides_every_address_form() -> None:
    text = "550 <a.b@x.id> and c@y.co.id refused"
    assert scrub(text) == "550 <alamat> and <alamat> refused"


def test_the_sink_names_files_in_arrival_order(smtp: tuple[int, Path]) -> None:
    port, folder = smtp
    with smtplib.SMTP("127.0.0.1", port) as client:
        for n in range(3):
            client.sendmail("a@b.id", ["c@d.id"], f"Subject: {n}\r\n\r\nisi {n}\r\n")
    assert [m["Subject"] for m in received(folder)] == ["0", "1", "2"]
