"""A mobile-originated SMS as smsbox's get-url hands it over, read strictly into an intake
message."""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

from shared.contracts import Channel, IntakeMessage, Reporter

SENDER = re.compile(r"^\+?[0-9]{6,20}$")
KANNEL_ID = re.compile(r"^[0-9A-Za-z-]{1,64}$")
UCS2_CHARSETS = {"UTF-16BE", "UCS-2", "UCS2", "UTF16BE"}


class BadSms(Exception):
    """A get-url call that cannot become a report: the HTTP status and a plain reason."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


@dataclass(frozen=True)
class MobileOriginated:
    """One SMS from a reporter's phone to the short code."""

    sender: str
    receiver: str
    text: str
    message_id: str

    def intake_message(self, now: datetime) -> IntakeMessage:
        """What intake records: channel `sms`, the sender as the reporter's phone."""
        return IntakeMessage(
            occurred_at=now,
            received_at=now,
            channel=Channel.SMS,
            message_id=self.message_id,
            text=self.text,
            reporter=Reporter(phone=self.sender),
        )


def read_mo(fields: dict[str, bytes], max_bytes: int) -> MobileOriginated:
    """The message in smsbox's call (`from`, `to`, `text`, `coding`, `charset`, `id`, `time`)."""
    sender = _field(fields, "from").strip()
    if not sender:
        raise BadSms(400, "pengirim (from) tidak ada")
    if not SENDER.match(sender):
        raise BadSms(422, "nomor pengirim (from) tidak sah")
    if "text" not in fields:
        raise BadSms(400, "teks pesan (text) tidak ada")
    raw = fields["text"]
    if len(raw) > max_bytes:
        raise BadSms(413, f"pesan {len(raw)} byte melebihi batas {max_bytes} byte")
    text = decode(raw, _field(fields, "coding"), _field(fields, "charset"))
    if not text.strip():
        raise BadSms(422, "pesan kosong")
    if "\x00" in text:
        raise BadSms(422, "pesan memuat karakter NUL")
    receiver = _field(fields, "to").strip()
    return MobileOriginated(sender, receiver, text, _message_id(fields, sender, receiver, raw))


def decode(raw: bytes, coding: str, charset: str) -> str:
    """UCS-2 (coding 2 or a UTF-16 charset) or the named charset (UTF-8 by default), strictly."""
    name = charset.strip().upper()
    if coding.strip() == "1" or name in {"BINARY", "8-BIT"}:
        raise BadSms(415, "pesan biner (8-bit) tidak didukung")
    if coding.strip() == "2" or name in UCS2_CHARSETS:
        if len(raw) % 2:
            raise BadSms(400, "UCS-2 rusak: jumlah byte ganjil")
        try:
            return raw.decode("utf-16-be")
        except UnicodeDecodeError as error:
            raise BadSms(400, f"UCS-2 rusak: {error.reason} pada byte {error.start}") from None
    encoding = _known(name or "UTF-8")
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as error:
        raise BadSms(400, f"bukan {name or 'UTF-8'} yang sah: byte {error.start}") from None


def _known(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise BadSms(400, f"charset {name[:40]} tidak dikenal") from None


def _message_id(fields: dict[str, bytes], sender: str, receiver: str, raw: bytes) -> str:
    """Kannel's id (%I); without it, one derived from what the message is, so a retry is one."""
    given = _field(fields, "id").strip()
    if KANNEL_ID.match(given):
        return given
    seed = b"\x1f".join([sender.encode(), receiver.encode(), fields.get("time", b""), raw])
    return "sms-" + hashlib.sha256(seed).hexdigest()[:32]


def _field(fields: dict[str, bytes], name: str) -> str:
    value = fields.get(name, b"")
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        raise BadSms(400, f"parameter {name} bukan UTF-8 yang sah") from None
