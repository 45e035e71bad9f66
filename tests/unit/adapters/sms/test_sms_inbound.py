"""What smsbox's get-url hands over becomes an intake message, or a clear refusal."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.adapters.sms.inbound import BadSms, read_mo
from services.adapters.sms.kannel import query_bytes
from shared.contracts import Channel

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
LIMIT = 4096


def call(**fields: str | bytes) -> dict[str, bytes]:
    return {k: v.encode() if isinstance(v, str) else v for k, v in fields.items()}


def refusal(fields: dict[str, bytes]) -> tuple[int, str]:
    with pytest.raises(BadSms) as refused:
        read_mo(fields, LIMIT)
    return refused.value.status, refused.value.detail


def test_a_plain_sms_becomes_an_sms_report_from_the_senders_phone() -> None:
    sms = read_mo(call(**{"from": "+6281234560001", "to": "1708", "text": "LAPOR#Kuin#Pipa bocor",
                          "id": "9d1c4f2e-0b6a-4f7e-9a51-3c0d2b7e8f10"}), LIMIT)  # fmt: skip
    message = sms.intake_message(NOW)
    assert message.channel is Channel.SMS
    assert message.reporter.phone == "+6281234560001"
    assert message.message_id == "9d1c4f2e-0b6a-4f7e-9a51-3c0d2b7e8f10"
    assert message.text == "LAPOR#Kuin#Pipa bocor"


def test_a_ucs2_sms_is_read_as_utf16_big_endian() -> None:
    text = "BALAS BJM-1 Terima kasih 😊"
    sms = read_mo(call(**{"from": "+628123", "text": text.encode("utf-16-be"), "coding": "2",
                          "charset": "UTF-16BE"}), LIMIT)  # fmt: skip
    assert sms.text == text


def test_without_kannels_id_the_same_message_gets_the_same_derived_id() -> None:
    fields = call(**{"from": "+628123456", "to": "1708", "text": "CEK X", "time": "2026-12-07"})
    first, again = read_mo(fields, LIMIT), read_mo(dict(fields), LIMIT)
    other = read_mo({**fields, "text": b"CEK Y"}, LIMIT)
    assert first.message_id == again.message_id != other.message_id
    assert first.message_id.startswith("sms-")


def test_a_call_without_a_sender_is_refused() -> None:
    assert refusal(call(to="1708", text="LAPOR pipa bocor")) == (400, "pengirim (from) tidak ada")


def test_an_alphanumeric_sender_is_refused() -> None:
    assert refusal(call(**{"from": "TELKOMSEL", "text": "hai"}))[0] == 422


def test_a_ten_kilobyte_text_is_refused() -> None:
    status, detail = refusal(call(**{"from": "+628123456", "text": "a" * 10_240}))
    assert status == 413
    assert "10240 byte" in detail


def test_invalid_utf8_is_refused() -> None:
    status, detail = refusal(call(**{"from": "+628123456", "text": b"Pipa \xff\xfe bocor"}))
    assert status == 400
    assert "UTF-8" in detail


@pytest.mark.parametrize(
    "raw",
    [b"\x00L\x00A\x00", "\ud83d".encode("utf-16-be", "surrogatepass") + b"\x00a"],
    ids=["odd-length", "lone-surrogate"],
)
def test_broken_ucs2_is_refused(raw: bytes) -> None:
    status, detail = refusal(call(**{"from": "+628123456", "text": raw, "coding": "2"}))
    assert status == 400
    assert detail.startswith("UCS-2 rusak")


def test_a_binary_sms_is_refused() -> None:
    assert refusal(call(**{"from": "+628123456", "text": b"\x01\x02", "coding": "1"}))[0] == 415


def test_an_empty_text_is_refused() -> None:
    assert refusal(call(**{"from": "+628123456", "text": "   "})) == (422, "pesan kosong")


def test_kannels_query_is_read_as_bytes_with_plus_as_space() -> None:
    fields = query_bytes(b"from=%2B628123&text=%00C%00E%00K+%AC&text=second")
    assert fields == {"from": b"+628123", "text": b"\x00C\x00E\x00K \xac"}
