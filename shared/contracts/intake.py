"""What a channel adapter publishes: one raw message from a citizen, identity included."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, ClassVar

from pydantic import AwareDatetime, Field, StringConstraints

from shared.contracts.base import (
    Actor,
    Contract,
    IntegrationEvent,
    Location,
    ReportText,
    ShortText,
)
from shared.emails import Email
from shared.text import TextRule

MessageId = Annotated[str, TextRule(min_chars=1, max_chars=200, max_bytes=600, normalise=False)]


class Channel(StrEnum):
    """Where a report came in; also names the outbound topic of replies."""

    WEB = "web"
    SMS = "sms"
    MOBILE = "mobile"
    TWITTER = "twitter"
    WHATSAPP = "whatsapp"
    EMAIL = "email"
    WALK_IN = "walk-in"
    OPEN311 = "open311"


class ReportKind(StrEnum):
    """The three kinds LAPOR! knows."""

    PENGADUAN = "pengaduan"
    ASPIRASI = "aspirasi"
    PERMINTAAN_INFORMASI = "permintaan-informasi"


class ContactKind(StrEnum):
    """A kind of contact a reporter left: said on report events instead of the contact itself."""

    EMAIL = "email"
    PHONE = "phone"


class Reporter(Contract):
    """Who reported: exists only inside intake and on the intake topic."""

    name: ShortText | None = None
    phone: Annotated[str, StringConstraints(pattern=r"^\+?[0-9 ()-]{6,20}$")] | None = None
    email: Email | None = None
    handle: ShortText | None = None
    nik: Annotated[str, StringConstraints(pattern=r"^[0-9]{16}$")] | None = None

    def has_contact(self) -> bool:
        """Whether any field could identify or reach the reporter."""
        return any((self.name, self.phone, self.email, self.handle, self.nik))

    def contact_kinds(self) -> tuple[ContactKind, ...]:
        """The kinds of contact the reporter left, in a fixed order (e-mail first)."""
        left = ((ContactKind.EMAIL, self.email), (ContactKind.PHONE, self.phone))
        return tuple(kind for kind, value in left if value)


AttachmentUrl = Annotated[
    str, StringConstraints(max_length=2000, pattern=r"^(https?://[!-~]+|/v1/media/[0-9a-f]{64})$")
]
"""A photo or document link (http or https; intake never fetches it), or a photo intake keeps:
`/v1/media/<media id>`, relative to intake's base URL."""

CategoryCode = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")]
"""A problem category the citizen chose (an Open311 service code): a hint for routing."""

MAX_ATTACHMENTS = 5


class IntakeMessage(IntegrationEvent):
    """One citizen message as a channel adapter received it (key `channel:message_id`).

    Version 2 adds `attachments` (up to 5 links) and `category`; both optional, so version 1
    messages still read. Version 3 adds `recorded_by`: the officer who entered a walk-in report
    for a citizen at the office (None for a citizen's own message).
    """

    event_type: ClassVar[str] = "IntakeMessage"
    schema_version: ClassVar[int] = 3

    channel: Channel
    message_id: MessageId
    kind: ReportKind = ReportKind.PENGADUAN
    title: ShortText = ""
    text: ReportText
    location: Location = Field(default_factory=Location)
    reporter: Reporter = Field(default_factory=Reporter)
    anonim: bool = False
    rahasia: bool = False
    received_at: AwareDatetime | None = None
    attachments: tuple[AttachmentUrl, ...] = Field(default=(), max_length=MAX_ATTACHMENTS)
    category: CategoryCode | None = None
    recorded_by: Actor | None = None

    @property
    def key(self) -> str:
        """The topic key: one adapter message, one partition."""
        return f"{self.channel.value}:{self.message_id}"
