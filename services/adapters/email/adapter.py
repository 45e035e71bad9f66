"""Delivering one outbound e-mail: resolve the recipient, send over SMTP, report the outcome."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from email.message import EmailMessage

import aiosmtplib

from services.adapters.common.outbound import delivery_report
from services.adapters.common.vault import Contact, Vault, VaultRefused, VaultUnavailable, resolve
from services.adapters.email.mail import build, envelope_sender, flatten, scrub
from services.adapters.email.settings import EmailAdapterSettings
from shared.clock import Clock
from shared.contracts import DeliveryReported, DeliveryStatus, OutboundMessage
from shared.contracts.outbound import with_status_link
from shared.logging import get_logger

log = get_logger(__name__)

Send = Callable[[EmailMessage], Awaitable[str]]


def smtp_sender(settings: EmailAdapterSettings) -> Send:
    """Sends through the configured SMTP server (STARTTLS and login when configured)."""
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None

    async def send(mail: EmailMessage) -> str:
        _, response = await aiosmtplib.send(
            flatten(mail),
            sender=envelope_sender(mail),
            recipients=[str(mail["To"])],
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            start_tls=settings.smtp_starttls,
            username=settings.smtp_username or None,
            password=password if settings.smtp_username else None,
            timeout=settings.smtp_timeout,
        )
        return response

    return send


def personal(message: OutboundMessage, recipient: Contact) -> OutboundMessage:
    """The message with the reporter's status link in place of its mark (text and HTML)."""
    link = recipient.status_link
    return message.model_copy(
        update={"text": with_status_link(message.text, link),
                "html": with_status_link(message.html, link)}
    )  # fmt: skip


class EmailAdapter:
    """Turns an OutboundMessage into an e-mail on the wire and a DeliveryReported."""

    def __init__(
        self,
        vault: Vault,
        send: Send,
        sender: str,
        clock: Clock,
        vault_attempts: int = 5,
        vault_backoff: float = 0.5,
    ) -> None:
        self._vault = vault
        self._send = send
        self._sender = sender
        self._clock = clock
        self._vault_attempts = vault_attempts
        self._vault_backoff = vault_backoff

    async def deliver(self, message: OutboundMessage) -> DeliveryReported:
        """Send one message; every outcome is a report (accepted or failed), never an exception."""
        try:
            recipient = await resolve(
                self._vault, message, self._vault_attempts, self._vault_backoff
            )
            mail = build(personal(message, recipient), self._sender, recipient.address)
            response = await self._send(mail)
        except VaultRefused as error:
            detail = f"tidak ada alamat: {error}"
            return self._report(message, DeliveryStatus.FAILED, detail, final=True)
        except VaultUnavailable as error:
            return self._report(message, DeliveryStatus.FAILED, f"vault tidak tersedia: {error}")
        except aiosmtplib.SMTPResponseException as error:
            return self._report(message, DeliveryStatus.FAILED, f"{error.code} {error.message}")
        except (aiosmtplib.SMTPException, OSError) as error:
            return self._report(message, DeliveryStatus.FAILED, f"{type(error).__name__}: {error}")
        return self._report(message, DeliveryStatus.ACCEPTED, f"250 {response}")

    def _report(
        self, message: OutboundMessage, status: DeliveryStatus, detail: str, final: bool = False
    ) -> DeliveryReported:
        return delivery_report(
            message.channel,
            message.notification_id,
            message.attempt,
            status,
            scrub(detail),
            at=self._clock.now(),
            final=final,
            tracking_id=message.tracking_id,
        )
