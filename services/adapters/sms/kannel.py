"""Kannel's HTTP interfaces as the adapter speaks them: sendsms out, get-url and dlr-url in."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes, urlencode

import httpx

from shared.contracts import GatewayStatus
from shared.sms_text import is_gsm7, measure

GSM7, UCS2 = 0, 2  # sendsms `coding`
DLR_MASK = 31  # every event: 1 delivered, 2 failed, 4 buffered, 8 SMSC accepted, 16 SMSC rejected
DLR_STATUS = {
    1: GatewayStatus.DELIVERED,
    2: GatewayStatus.FAILED,
    4: GatewayStatus.BUFFERED,
    8: GatewayStatus.ACCEPTED,
    16: GatewayStatus.FAILED,
}
DLR_WORDS = {1: "terkirim", 2: "gagal", 4: "ditahan", 8: "diterima SMSC", 16: "ditolak SMSC"}


class GatewayRefused(Exception):
    """smsbox refused the message (a 4xx): sending it again as it is will not help."""


class GatewayUnavailable(Exception):
    """smsbox could not be reached or failed (5xx): worth trying again later."""


class TooLong(Exception):
    """The text does not fit in the allowed number of SMS parts."""


def query_bytes(query: bytes | str) -> dict[str, bytes]:
    """The first value of each parameter, percent-decoded to bytes (a UCS-2 text is not UTF-8)."""
    raw = query.encode("latin-1") if isinstance(query, str) else query
    found: dict[str, bytes] = {}
    for pair in raw.split(b"&"):
        if not pair:
            continue
        name, _, value = pair.partition(b"=")
        key = unquote_to_bytes(name.replace(b"+", b" ")).decode("utf-8", "replace")
        found.setdefault(key, unquote_to_bytes(value.replace(b"+", b" ")))
    return found


def coding_for(text: str) -> int:
    """GSM-7 when every character is in its alphabet, otherwise UCS-2."""
    return GSM7 if is_gsm7(text) else UCS2


def parts(text: str) -> int:
    """How many SMS parts the network needs for this text."""
    return measure(text).segments


def signature(key: str | None, notification_id: str, attempt: int) -> str:
    """What proves a delivery-report call was given out by this adapter ('' without a key)."""
    if not key:
        return ""
    mac = hmac.new(key.encode(), f"{notification_id}:{attempt}".encode(), hashlib.sha256)
    return mac.hexdigest()[:32]


def signed(key: str | None, notification_id: str, attempt: int, sig: str) -> bool:
    """Whether a delivery-report call carries the signature this adapter gave it."""
    return hmac.compare_digest(signature(key, notification_id, attempt), sig)


def dlr_url(base_url: str, key: str | None, notification_id: str, attempt: int) -> str:
    """Where Kannel reports on one message; it fills in `%d` (the event) and `%A` (its text)."""
    sig = signature(key, notification_id, attempt)
    query = urlencode({"nid": notification_id, "attempt": attempt, "sig": sig})
    return f"{base_url.rstrip('/')}/v1/kannel/dlr?{query}&status=%d&answer=%A"


@dataclass(frozen=True)
class Sendsms:
    """smsbox's sendsms interface and the account the adapter uses on it."""

    url: str
    username: str
    password: str
    sender: str
    client: httpx.AsyncClient

    async def send(self, to: str, text: str, report_to: str) -> str:
        """Submit one message (split and encoded by smsbox); answers smsbox's word."""
        params: dict[str, str | int] = {
            "username": self.username,
            "password": self.password,
            "from": self.sender,
            "to": to,
            "text": text,
            "charset": "UTF-8",
            "coding": coding_for(text),
            "dlr-mask": DLR_MASK,
            "dlr-url": report_to,
        }
        try:
            response = await self.client.get(self.url, params=params, timeout=15)
        except httpx.HTTPError as error:
            raise GatewayUnavailable(f"smsbox: {type(error).__name__}") from error
        answer = response.text.strip()[:200]
        if response.status_code >= 500:
            raise GatewayUnavailable(f"smsbox {response.status_code} {answer}")
        if response.status_code >= 400:
            raise GatewayRefused(f"smsbox {response.status_code} {answer}")
        return answer
