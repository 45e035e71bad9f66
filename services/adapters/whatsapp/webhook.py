"""Reading Meta's webhook body: `entry[].changes[].value.messages[]` and `statuses[]`.

Pure: the body in, what it says out. A body that is not the documented envelope is `BadWebhook`
(400); one message this adapter cannot take is a `Refusal` (acknowledged, nothing published).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

WA_ID = re.compile(r"^[0-9]{6,15}$")
TEXT_TYPES = ("text", "image")


class BadWebhook(Exception):
    """The body is not a WhatsApp Business Account webhook."""


@dataclass(frozen=True)
class Inbound:
    """A citizen's message: its wamid, who sent it, when, and the text to report."""

    wamid: str
    wa_id: str
    name: str | None
    sent_at: datetime | None
    text: str
    kind: str
    media_id: str | None = None  # an image's Graph media id (fetched with the adapter's token)


@dataclass(frozen=True)
class Refusal:
    """A message the adapter acknowledges but does not publish, and why."""

    wamid: str
    reason: str


@dataclass(frozen=True)
class StatusUpdate:
    """What WhatsApp says about a message the adapter sent."""

    wamid: str
    status: str
    at: datetime | None
    errors: str = ""
    codes: frozenset[int] = frozenset()  # the Cloud API error codes of a failed status


@dataclass(frozen=True)
class Webhook:
    """Everything one webhook body carries."""

    messages: tuple[Inbound, ...] = ()
    refused: tuple[Refusal, ...] = ()
    statuses: tuple[StatusUpdate, ...] = ()


def read_webhook(body: bytes) -> Webhook:
    """The messages, refusals and statuses of a webhook body, or BadWebhook."""
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError) as error:
        raise BadWebhook(f"the body is not JSON: {type(error).__name__}") from error
    if not isinstance(payload, dict) or payload.get("object") != "whatsapp_business_account":
        raise BadWebhook("`object` must be `whatsapp_business_account`")
    entries = payload.get("entry")
    if not isinstance(entries, list):
        raise BadWebhook("`entry` must be a list")
    messages: list[Inbound] = []
    refused: list[Refusal] = []
    statuses: list[StatusUpdate] = []
    for value in _values(entries):
        names = _names(value.get("contacts"))
        for item in _dicts(value.get("messages")):
            found = _message(item, names)
            (messages if isinstance(found, Inbound) else refused).append(found)  # type: ignore[arg-type]
        statuses.extend(s for s in map(_status, _dicts(value.get("statuses"))) if s)
    return Webhook(tuple(messages), tuple(refused), tuple(statuses))


def _values(entries: list[Any]) -> list[dict[str, Any]]:
    values = []
    for entry in _dicts(entries):
        for change in _dicts(entry.get("changes")):
            value = change.get("value")
            if change.get("field", "messages") == "messages" and isinstance(value, dict):
                values.append(value)
    return values


def _dicts(items: Any) -> list[dict[str, Any]]:
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def _names(contacts: Any) -> dict[str, str]:
    names = {}
    for contact in _dicts(contacts):
        profile = contact.get("profile")
        name = profile.get("name") if isinstance(profile, dict) else None
        if isinstance(contact.get("wa_id"), str) and isinstance(name, str) and name.strip():
            names[contact["wa_id"]] = name.strip()
    return names


def _message(item: dict[str, Any], names: dict[str, str]) -> Inbound | Refusal:
    wamid, sender, kind = (item.get(k) for k in ("id", "from", "type"))
    if not isinstance(wamid, str) or not wamid.strip():
        return Refusal("", "pesan tanpa id (wamid)")
    if not isinstance(sender, str) or not WA_ID.match(sender):
        return Refusal(wamid, "pengirim (from) bukan nomor WhatsApp")
    if kind not in TEXT_TYPES:
        return Refusal(wamid, f"jenis pesan {str(kind)[:40]!r} tidak didukung")
    text = _text(item, str(kind))
    if not text:
        what = "teks" if kind == "text" else "keterangan (caption)"
        return Refusal(wamid, f"pesan {kind} tanpa {what}")
    sent_at, media = _time(item.get("timestamp")), _media_id(item, str(kind))
    return Inbound(wamid, sender, names.get(sender), sent_at, text, str(kind), media)


def _media_id(item: dict[str, Any], kind: str) -> str | None:
    part = item.get(kind)
    found = part.get("id") if kind != "text" and isinstance(part, dict) else None
    return found if isinstance(found, str) and found.isalnum() else None


def _text(item: dict[str, Any], kind: str) -> str:
    part = item.get(kind)
    field = "body" if kind == "text" else "caption"
    found = part.get(field) if isinstance(part, dict) else None
    return found.strip() if isinstance(found, str) else ""


def _status(item: dict[str, Any]) -> StatusUpdate | None:
    wamid, status = item.get("id"), item.get("status")
    if not isinstance(wamid, str) or not isinstance(status, str):
        return None
    errors = item.get("errors")
    return StatusUpdate(
        wamid, status, _time(item.get("timestamp")), _errors(errors), _codes(errors)
    )


def _codes(errors: Any) -> frozenset[int]:
    codes = (error.get("code") for error in _dicts(errors))
    return frozenset(code for code in codes if isinstance(code, int))


def _errors(errors: Any) -> str:
    said = []
    for error in _dicts(errors):
        data = error.get("error_data")
        details = data.get("details") if isinstance(data, dict) else None
        words = [str(error.get("code", "")), str(error.get("title") or error.get("message", ""))]
        said.append(" ".join(w for w in [*words, str(details or "")] if w).strip())
    return "; ".join(said)[:500]


def _time(stamp: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(stamp), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None
