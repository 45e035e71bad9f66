"""The SMS adapter: numbers from the vault, links filled in, texts fitted, Kannel's reports read."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import pytest

from services.adapters.common.vault import Contact, VaultRefused, VaultUnavailable
from services.adapters.sms.adapter import SmsAdapter, fit
from services.adapters.sms.kannel import GatewayRefused, TooLong, coding_for, dlr_url, signed
from shared.clock import FixedClock
from shared.contracts import Channel, GatewayStatus, OutboundMessage, Recipient
from shared.contracts.outbound import STATUS_LINK_MARK

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
LINK = "https://lapor.banjarmasinkota.go.id/s/Zk3qT9"
KEY = "rahasia-callback"


class FakeVault:
    def __init__(self, *answers: Contact | Exception) -> None:
        self.answers = list(answers)
        self.asked = 0

    async def contact_for(self, reporter_ref: str) -> Contact:
        self.asked += 1
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


class FakeGateway:
    def __init__(self, refuse: Exception | None = None) -> None:
        self.sent: list[tuple[str, str, str]] = []
        self.refuse = refuse

    async def send(self, to: str, text: str, report_to: str) -> str:
        if self.refuse:
            raise self.refuse
        self.sent.append((to, text, report_to))
        return "0: Accepted for delivery"


def message(text: str = f"LAPOR! Laporan Anda BJM-1 telah diterima. {STATUS_LINK_MARK}") -> Any:
    return OutboundMessage(
        occurred_at=NOW,
        report_id=uuid4(),
        tracking_id="BJM-1",
        notification_id=uuid4(),
        channel=Channel.SMS,
        recipient=Recipient(reporter_ref="ref-1"),
        subject="",
        text=text,
        template="case_opened",
        attempt=2,
    )


def adapter(vault: FakeVault, gateway: FakeGateway, max_parts: int = 3) -> SmsAdapter:
    return SmsAdapter(vault, gateway, FixedClock(NOW), "http://sms:8108", KEY, max_parts, 3, 0.0)


def test_a_message_goes_to_the_vaults_number_with_the_link_and_a_signed_report_url() -> None:
    gateway = FakeGateway()
    outbound = message()
    failure = asyncio.run(adapter(FakeVault(Contact("+628123", LINK)), gateway).deliver(outbound))
    assert failure is None  # Kannel's reports follow
    ((to, text, report_to),) = gateway.sent
    assert (to, text) == ("+628123", f"LAPOR! Laporan Anda BJM-1 telah diterima. {LINK}")
    assert report_to.startswith(f"http://sms:8108/v1/kannel/dlr?nid={outbound.notification_id}")
    assert "attempt=2" in report_to and report_to.endswith("&status=%d&answer=%A")


@pytest.mark.parametrize("refusal", ["vault 403 opted-out", "vault 403 daily-cap", "vault 410"])
def test_a_vault_refusal_fails_at_once_with_its_reason_and_sends_nothing(refusal: str) -> None:
    gateway, vault = FakeGateway(), FakeVault(VaultRefused(refusal))
    failure = asyncio.run(adapter(vault, gateway).deliver(message()))
    assert failure is not None
    assert (failure.gateway_status, failure.attempt) == (GatewayStatus.FAILED, 2)
    assert refusal in failure.detail and failure.final
    assert (gateway.sent, vault.asked) == ([], 1)


def test_an_unreachable_vault_is_asked_again_before_the_message_fails() -> None:
    vault = FakeVault(VaultUnavailable("ConnectError"), Contact("+628123", None))
    gateway = FakeGateway()
    assert asyncio.run(adapter(vault, gateway).deliver(message())) is None
    assert vault.asked == 2
    assert "cek status dengan nomor pelacakan" in gateway.sent[0][1]


def test_a_refusal_by_smsbox_is_a_failure_without_the_number() -> None:
    gateway = FakeGateway(GatewayRefused("smsbox 400 Invalid receiver +628123456789"))
    failure = asyncio.run(
        adapter(FakeVault(Contact("+628123456789", LINK)), gateway).deliver(message())
    )
    assert failure is not None and failure.gateway_status is GatewayStatus.FAILED
    assert "+628123456789" not in failure.detail and "<nomor>" in failure.detail
    assert not failure.final  # a wrong account or setting at smsbox can be put right


def test_a_text_too_long_for_the_parts_is_a_final_failure() -> None:
    gateway = FakeGateway()
    too_long = message().model_copy(update={"text": "x" * 500})
    failure = asyncio.run(adapter(FakeVault(Contact("+628123", None)), gateway).deliver(too_long))
    assert failure is not None and failure.final and gateway.sent == []


@pytest.mark.parametrize(
    ("code", "status"),
    [(1, "delivered"), (2, "failed"), (4, "buffered"), (8, "accepted"), (16, "failed")],
)
def test_kannels_report_codes_become_gateway_statuses(code: int, status: str) -> None:
    nid = uuid4()
    report = adapter(FakeVault(), FakeGateway()).reported(nid, 3, code, "NACK/0x0b")
    assert (report.notification_id, report.attempt, report.channel) == (nid, 3, Channel.SMS)
    assert report.gateway_status == GatewayStatus(status)
    assert report.status == GatewayStatus(status).delivery_status
    assert not report.final  # 16 (SMSC rejected) too: notification's policy tries again


def test_a_link_that_would_overflow_the_parts_gives_way_to_the_message() -> None:
    text = "x" * 300 + f" {STATUS_LINK_MARK}"  # 2 parts as GSM-7 without the link
    assert fit(text, LINK, 3).endswith(LINK)
    assert fit(text, LINK, 2) == "x" * 300
    with pytest.raises(TooLong):
        fit("x" * 500, LINK, 3)


def test_text_outside_gsm7_goes_as_ucs2() -> None:
    assert (coding_for("Pipa bocor, terima kasih!"), coding_for("Terima kasih 😊")) == (0, 2)


def test_a_report_url_is_signed_for_its_message_and_attempt_only() -> None:
    nid = str(uuid4())
    url = dlr_url("http://sms", KEY, nid, 1)
    sig = url.split("sig=")[1].split("&")[0]
    assert signed(KEY, nid, 1, sig)
    assert not signed(KEY, nid, 2, sig)
    assert not signed(KEY, str(uuid4()), 1, sig)
