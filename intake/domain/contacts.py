"""A contact someone else typed into a form must not become a way to flood a stranger.

Until the contact itself has answered (an SMS or WhatsApp message from that number, or a reply
through the report's personal status link), it gets at most a few messages a day. A contact that
sent STOP gets none until it sends MULAI (or START). Contacts are counted, never stored: a keyed
hash of the normalised contact stands for it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from intake.domain.identity import Identity

OPTED_OUT = "opted-out"
DAILY_CAP = "daily-cap"
OPT_OUT = "opt-out"  # what a STOP message was recorded as
OPT_IN = "opt-in"  # what a MULAI / START message was recorded as

_STOP = re.compile(r"(?i)^\s*(?:STOP|BERHENTI)\s*[.!]*\s*$")
_START = re.compile(r"(?i)^\s*(?:MULAI|START)\s*[.!]*\s*$")

NO_CONTACT = (
    "Anda tidak meninggalkan nomor telepon atau e-mail: kabar laporan hanya dapat dilihat di "
    "halaman status dengan nomor laporan ini."
)


def read_opt_command(text: str) -> str | None:
    """OPT_OUT for a bare `STOP`, OPT_IN for `MULAI` / `START`; None for any other text."""
    if _STOP.match(text):
        return OPT_OUT
    if _START.match(text):
        return OPT_IN
    return None


def contact_digest(key: bytes, contact_key: str) -> str:
    """What stands for a normalised contact in the table: HMAC-SHA256 under intake's key."""
    return hmac.new(key, contact_key.encode(), hashlib.sha256).hexdigest()


def delivery_contact(identity: Identity, channel: str, kind: str | None) -> str | None:
    """The contact key a message goes to: the kind the adapter named; otherwise the one
    notification chooses (the phone of an SMS/WhatsApp reporter, else e-mail, else phone)."""
    keys = {key.split(":", 1)[0]: key for key in identity.flood_keys(channel)}
    if kind is None:
        kind = "phone" if channel in ("sms", "whatsapp") or "email" not in keys else "email"
    return keys.get(kind)


def no_contact_notice(
    channel: str, contact_kinds: Collection[str], form_channels: Collection[str]
) -> str | None:
    """Told at submission to a form reporter who left no phone or e-mail: nothing reaches them."""
    return NO_CONTACT if channel in form_channels and not contact_kinds else None


@dataclass(frozen=True)
class ContactState:
    """What is known of one contact (absent from the table: nothing yet)."""

    confirmed: bool = False
    opted_out_at: datetime | None = None
    opted_in_at: datetime | None = None
    day: str = ""
    sent: int = 0

    @property
    def opted_out(self) -> bool:
        """STOP is the latest word (messages from one number may arrive out of order)."""
        if self.opted_out_at is None:
            return False
        return self.opted_in_at is None or self.opted_out_at > self.opted_in_at

    def sent_on(self, day: str) -> int:
        """Messages looked up for delivery on this (WITA) day."""
        return self.sent if self.day == day else 0


@dataclass(frozen=True)
class ContactRules:
    """Which reports' contacts were typed by someone else, and how many messages they get."""

    daily_cap: int
    form_channels: frozenset[str]
    confirming_channels: frozenset[str]

    def capped(self, channel: str, state: ContactState) -> bool:
        """Whether deliveries to this contact count against the daily cap."""
        return channel in self.form_channels and not state.confirmed

    def refusal(self, channel: str, state: ContactState, day: str) -> str | None:
        """Why a message may not go to this contact today (None: it may)."""
        if state.opted_out:
            return OPTED_OUT
        if self.capped(channel, state) and state.sent_on(day) >= self.daily_cap:
            return DAILY_CAP
        return None
