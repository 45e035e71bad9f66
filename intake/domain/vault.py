"""The identity vault: what is sealed per report, under whose key, and every look-up recorded.

Keys are held per reporter: a person is one contact on one channel (the same phone, e-mail or
handle), so erasing the person destroys one key and every report sealed under it at once. A
report without any contact has a key of its own (its reporter_ref names it), as every report
stored before keys per reporter had.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from intake.domain.contacts import contact_digest
from intake.domain.identity import Identity

LOOKED_UP = "looked-up"
REFUSED = "refused"
PERSON_PREFIX = "person:"
_PHONE_LIKE = re.compile(r"^\+?[\d\s().-]{6,}$")


@dataclass(frozen=True)
class LookUp:
    """One request for the identity, and what it got."""

    at: datetime
    role: str
    outcome: str
    reason: str | None = None
    name: str = ""


@dataclass(frozen=True)
class ReporterRow:
    """Where a reporter_ref leads: its report, the key that seals it, whether it is erased."""

    reporter_ref: str
    report_id: str
    tracking_id: str
    key_id: str
    erased_at: datetime | None = None


@dataclass(frozen=True)
class Sealed:
    """What a report keeps under its reporter's key: who, and an anonim report's original words."""

    identity: Identity
    title: str | None = None  # the unmasked title when masking changed it
    text: str | None = None  # the unmasked text when masking changed it

    def as_dict(self) -> dict[str, Any]:
        """The form that is encrypted."""
        return {"identity": self.identity.as_dict(), "title": self.title, "text": self.text}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Sealed:
        """Read back; before keys per reporter the identity alone was sealed."""
        if "identity" not in data:
            return cls(Identity.from_dict(data))
        return cls(Identity.from_dict(data["identity"]), data.get("title"), data.get("text"))


def contact_keys(identity: Identity, channel: str, secret: bytes) -> list[str]:
    """Keyed digests of each contact the reporter left on this channel (never the contact)."""
    return [contact_digest(secret, f"{channel}|{key}") for key in identity.flood_keys(channel)]


def person_of(identity: Identity, channel: str, secret: bytes) -> str | None:
    """The person whose key seals a report: its first contact on its channel (None: no contact)."""
    return person_in(contact_keys(identity, channel, secret))


def person_in(contacts: list[str]) -> str | None:
    """The person of a reporter's contact digests (`contact_keys`): the first (None: none)."""
    return PERSON_PREFIX + contacts[0] if contacts else None


def contact_keys_named(channel: str, contact: str, secret: bytes) -> list[str]:
    """The digests a contact an admin typed may stand for (a phone, an e-mail or a handle)."""
    text = contact.strip()
    if "@" in text and not text.startswith("@"):
        who = Identity(email=text)
    elif _PHONE_LIKE.match(text):
        who = Identity(phone=text)
    else:
        who = Identity(handle=text)
    return contact_keys(who, channel, secret)


def disposed(primary: str, also: tuple[str, ...]) -> tuple[str, ...]:
    """The bodies that may see a report's contact once it went to `primary` (and `also`)."""
    return tuple(dict.fromkeys((primary, *also)))


def redisposed(bodies: tuple[str, ...], from_code: str, to_code: str) -> tuple[str, ...]:
    """A body said "bukan wewenang": it loses access, the new body gains it."""
    return tuple(dict.fromkeys((to_code, *(b for b in bodies if b != from_code))))


class Erasure(Aggregate):
    """One erasure the admin asked for: the person's reports, and who asked (the audit)."""

    @event("Erased")
    def __init__(
        self, id: UUID, person: str, tracking_ids: list[str], at: datetime, actor: dict[str, str]
    ) -> None:
        self.person = person
        self.tracking_ids = tracking_ids
        self.at = at
        self.actor = actor


class VaultEntry(Aggregate):
    """Before keys per reporter: one reporter_ref, its report and its look-ups (read to migrate)."""

    @event("Opened")
    def __init__(self, id: UUID, reporter_ref: str, report_id: UUID) -> None:
        self.reporter_ref = reporter_ref
        self.report_id = report_id
        self.history: list[LookUp] = []
        self.erased_at: datetime | None = None

    @event("IdentityLookedUp")
    def record_look_up(self, role: str, at: datetime) -> None:
        """A caller received the delivery address."""
        self.history.append(LookUp(at, role, LOOKED_UP))

    @event("LookUpRefused")
    def record_refusal(self, role: str, at: datetime, reason: str) -> None:
        """A caller asked and was refused."""
        self.history.append(LookUp(at, role, REFUSED, reason))

    @event("IdentityErased")
    def record_erasure(self, at: datetime, by: str) -> None:
        """The identity's key was destroyed: nobody can read it again."""
        self.erased_at = at
