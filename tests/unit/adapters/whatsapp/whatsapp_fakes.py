"""Fakes and webhook bodies for the WhatsApp adapter's unit tests."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

from services.adapters.common.vault import Contact
from services.adapters.whatsapp.graph import GraphError

NOW = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
SECRET = "app-secret-for-tests"
NUMBER = "6281234567890"


class Producer:
    """Keeps what would be sent."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, bytes | None, bytes | None]] = []

    async def send(self, topic: str, value: bytes | None = None, **kwargs: Any) -> Any:
        self.sent.append((topic, kwargs.get("key"), value))
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done

    def on(self, topic: str) -> list[dict[str, Any]]:
        return [json.loads(value or b"") for t, _, value in self.sent if t == topic]


class Graph:
    """The messages API: answers a new wamid per message, or raises what it was told to."""

    def __init__(self, *errors: GraphError) -> None:
        self.bodies: list[dict[str, Any]] = []
        self._errors = list(errors)

    async def send(self, message: dict[str, Any]) -> str:
        self.bodies.append(message)
        if self._errors:
            raise self._errors.pop(0)
        return f"wamid.TEST{len(self.bodies)}"


class Vault:
    """Answers one address, or raises what it was told to."""

    def __init__(self, answer: Contact | Exception) -> None:
        self.answer = answer
        self.asked = 0

    async def contact_for(self, reporter_ref: str) -> Contact:
        self.asked += 1
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def envelope(value: dict[str, Any]) -> dict[str, Any]:
    """The documented webhook envelope around one change value."""
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "628115001708", "phone_number_id": "1234"},
        **value,
    }
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "99", "changes": [{"value": value, "field": "messages"}]}],
    }


def message_webhook(
    wamid: str, text: str = "Lampu jalan mati", kind: str = "text", at: datetime = NOW,
    sender: str = NUMBER, **part: Any,
) -> bytes:  # fmt: skip
    """A citizen's message as Meta posts it."""
    item: dict[str, Any] = {
        "from": sender, "id": wamid, "timestamp": str(int(at.timestamp())), "type": kind,
    }  # fmt: skip
    item[kind] = part or ({"body": text} if kind == "text" else {})
    contacts = [{"profile": {"name": "Siti Aminah"}, "wa_id": sender}]
    return json.dumps(envelope({"contacts": contacts, "messages": [item]})).encode()


def status_webhook(wamid: str, status: str, at: datetime = NOW, **extra: Any) -> bytes:
    """A status of a sent message as Meta posts it."""
    item = {
        "id": wamid, "status": status, "timestamp": str(int(at.timestamp())),
        "recipient_id": NUMBER, **extra,
    }  # fmt: skip
    return json.dumps(envelope({"statuses": [item]})).encode()
