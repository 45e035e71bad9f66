"""Delivering one outbound WhatsApp message: resolve the number, choose free text or the
template by the customer-service window, send through the Graph API, report the outcome."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from services.adapters.common.outbound import delivery_report
from services.adapters.common.vault import Contact, Vault, VaultRefused, VaultUnavailable, resolve
from services.adapters.whatsapp.graph import (
    OUTSIDE_WINDOW,
    GraphError,
    template_message,
    text_message,
)
from services.adapters.whatsapp.store import Sent, WhatsAppStore
from shared.clock import Clock
from shared.contracts import DeliveryReported, GatewayStatus, OutboundMessage
from shared.contracts.outbound import with_status_link
from shared.logging import get_logger

log = get_logger(__name__)

NUMBER = re.compile(r"\+?\d[\d ]{6,}\d")
HIDDEN = "<nomor>"
TEXT, TEMPLATE = "text", "template"


class Graph(Protocol):
    """The messages API."""

    async def send(self, message: dict[str, Any]) -> str: ...


@dataclass(frozen=True)
class Template:
    """The approved template for messages outside the window ({{1}} = the tracking id)."""

    name: str
    language: str


class NotWhatsApp(Exception):
    """The number cannot be a WhatsApp number: final."""


def wa_number(phone: str) -> str:
    """Digits only, in international form (a leading trunk 0 read as Indonesia's 62)."""
    digits = re.sub(r"\D", "", phone)
    digits = f"62{digits[1:]}" if digits.startswith("0") else digits
    if not 6 <= len(digits) <= 15:
        raise NotWhatsApp("the number is not a WhatsApp number")
    return digits


def scrub(text: str) -> str:
    """The text without phone numbers (a gateway's error may repeat the recipient)."""
    return NUMBER.sub(HIDDEN, text)[:500]


class WhatsAppAdapter:
    """Turns an OutboundMessage into one Graph API request and a DeliveryReported."""

    def __init__(
        self,
        vault: Vault,
        graph: Graph,
        store: WhatsAppStore,
        clock: Clock,
        template: Template,
        window: timedelta = timedelta(hours=24),
        vault_attempts: int = 5,
        vault_backoff: float = 0.5,
    ) -> None:
        self._vault, self._graph, self._store, self._clock = vault, graph, store, clock
        self._template = template
        self._window = window
        self._vault_attempts = vault_attempts
        self._vault_backoff = vault_backoff

    async def deliver(self, message: OutboundMessage) -> DeliveryReported:
        """Send one message once per try. Whatever the vault or the Graph API says is a report;
        only this adapter's own store being away raises (the loop waits for it)."""
        nid, attempt = message.notification_id, message.attempt
        done = await asyncio.to_thread(self._store.sent_try, nid, attempt)
        if done is not None:  # the record came again: it went out already
            return self._report(message, GatewayStatus.ACCEPTED, f"{done.kind} {done.wamid}")
        try:
            address = await resolve(self._vault, message, self._vault_attempts, self._vault_backoff)
            wamid, kind = await self._send(message, address)
        except (VaultRefused, NotWhatsApp) as error:
            detail = f"nomor tidak tersedia: {error}"
            return self._report(message, GatewayStatus.FAILED, detail, final=True)
        except VaultUnavailable as error:
            return self._report(message, GatewayStatus.FAILED, f"vault tidak tersedia: {error}")
        except GraphError as error:
            later = " (sementara; dicoba lagi)" if error.retryable else ""
            detail = scrub(error.detail) + later
            return self._report(message, GatewayStatus.FAILED, detail, final=error.final)
        sent = Sent(wamid, nid, attempt, kind)
        await asyncio.to_thread(self._store.record_sent, sent, self._clock.now())
        return self._report(message, GatewayStatus.ACCEPTED, f"{kind} {wamid}")

    async def _send(self, message: OutboundMessage, address: Contact) -> tuple[str, str]:
        to = wa_number(address.address)
        if await self._inside_window(to):
            text = with_status_link(message.text, address.status_link)
            try:
                return await self._graph.send(text_message(to, text)), TEXT
            except GraphError as error:
                if error.code != OUTSIDE_WINDOW:
                    raise
        body = template_message(
            to, self._template.name, self._template.language, [message.tracking_id]
        )
        return await self._graph.send(body), TEMPLATE

    async def _inside_window(self, to: str) -> bool:
        last = await asyncio.to_thread(self._store.last_inbound, to)
        return last is not None and self._clock.now() - last < self._window

    def _report(
        self, message: OutboundMessage, status: GatewayStatus, detail: str, final: bool = False
    ) -> DeliveryReported:
        return delivery_report(
            message.channel,
            message.notification_id,
            message.attempt,
            status,
            detail[:500],
            at=self._clock.now(),
            final=final,
            tracking_id=message.tracking_id,
        )
