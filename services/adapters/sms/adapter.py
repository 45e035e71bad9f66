"""Delivering one outbound SMS: resolve the number, fit the text, submit to smsbox; and turning
Kannel's delivery reports into `DeliveryReported`."""

from __future__ import annotations

import re
from typing import Protocol
from uuid import UUID

from services.adapters.common.outbound import delivery_report
from services.adapters.common.vault import Vault, VaultRefused, VaultUnavailable, resolve
from services.adapters.sms.kannel import (
    DLR_STATUS,
    DLR_WORDS,
    GatewayRefused,
    GatewayUnavailable,
    TooLong,
    dlr_url,
    parts,
)
from shared.clock import Clock
from shared.contracts import Channel, DeliveryReported, GatewayStatus, OutboundMessage
from shared.contracts.outbound import STATUS_LINK_MARK, with_status_link
from shared.logging import get_logger

log = get_logger(__name__)

NUMBER = re.compile(r"\+?\d{6,}")
MAX_DETAIL = 300


class Gateway(Protocol):
    """smsbox's sendsms interface."""

    async def send(self, to: str, text: str, report_to: str) -> str: ...


def scrub(text: str) -> str:
    """The text without phone numbers (a gateway's error may repeat the recipient)."""
    return NUMBER.sub("<nomor>", text)[:MAX_DETAIL]


def fit(text: str, link: str | None, max_parts: int) -> str:
    """The text with the status link, or with the plain hint, or without either: the first that
    fits in `max_parts` SMS parts (a link is long; the message itself matters more)."""
    candidates = [with_status_link(text, link), with_status_link(text, None)]
    candidates.append(text.replace(STATUS_LINK_MARK, "").strip())
    for candidate in candidates:
        if parts(candidate) <= max_parts:
            return candidate
    raise TooLong(f"pesan perlu {parts(candidates[-1])} bagian SMS, batasnya {max_parts}")


class SmsAdapter:
    """Turns an OutboundMessage into a submission to Kannel, and Kannel's reports into events."""

    def __init__(
        self,
        vault: Vault,
        gateway: Gateway,
        clock: Clock,
        report_base_url: str,
        callback_key: str | None,
        max_parts: int = 3,
        vault_attempts: int = 5,
        vault_backoff: float = 0.5,
    ) -> None:
        self._vault, self._gateway, self._clock = vault, gateway, clock
        self._report_base_url, self._key = report_base_url, callback_key
        self._max_parts = max_parts
        self._vault_attempts, self._vault_backoff = vault_attempts, vault_backoff

    async def deliver(self, message: OutboundMessage) -> DeliveryReported | None:
        """Submit one message. None: smsbox took it and Kannel's reports will follow; otherwise
        the failure to report (no number, refused by the vault or smsbox, too long, unreachable)."""
        try:
            contact = await resolve(self._vault, message, self._vault_attempts, self._vault_backoff)
            text = fit(message.text, contact.status_link, self._max_parts)
            report_to = dlr_url(
                self._report_base_url, self._key, str(message.notification_id), message.attempt
            )
            answer = await self._gateway.send(contact.address, text, report_to)
        except VaultRefused as error:
            return self._failed(message, f"tidak ada nomor: {error}", final=True)
        except VaultUnavailable as error:
            return self._failed(message, f"vault tidak tersedia: {error}")
        except TooLong as error:  # the same text comes again: it will not fit then either
            return self._failed(message, str(error), final=True)
        except (GatewayRefused, GatewayUnavailable) as error:
            return self._failed(message, str(error))
        log.info(
            "sms-submitted",
            notification_id=str(message.notification_id),
            attempt=message.attempt,
            answer=scrub(answer),
        )
        return None

    def reported(
        self, notification_id: UUID, attempt: int, code: int, answer: str
    ) -> DeliveryReported:
        """Kannel's delivery report `code` (1, 2, 4, 8, 16) on one attempt of one message."""
        status = DLR_STATUS[code]
        detail = scrub(f"kannel {code} {DLR_WORDS[code]}: {answer}".strip())
        return self._report(notification_id, attempt, status, detail)

    def _failed(
        self, message: OutboundMessage, detail: str, final: bool = False
    ) -> DeliveryReported:
        return self._report(
            message.notification_id, message.attempt, GatewayStatus.FAILED, scrub(detail), final
        )

    def _report(
        self,
        notification_id: UUID,
        attempt: int,
        status: GatewayStatus,
        detail: str,
        final: bool = False,
    ) -> DeliveryReported:
        return delivery_report(
            Channel.SMS, notification_id, attempt, status, detail, at=self._clock.now(), final=final
        )
