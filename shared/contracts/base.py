"""Base classes of every integration event on the wire, and the string types of every contract.

Every string field is a ruled text (`shared.text`): free text is normalised (CRLF/CR to LF, other
control characters removed, lone surrogates and non-characters to U+FFFD, NFC) and then limited in
characters and UTF-8 bytes; identifiers are refused unless already clean.
"""

from __future__ import annotations

import re
from typing import Annotated, ClassVar
from uuid import UUID, uuid4

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from shared.text import TextRule

TRACKING_ID_PATTERN = r"^[A-Z0-9][A-Z0-9-]{3,31}$"

TrackingId = Annotated[str, StringConstraints(pattern=TRACKING_ID_PATTERN)]
BodyCode = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9][A-Z0-9-]{1,39}$")]
# Every string of a contract is one of these (or a pattern, an enum, a UUID); see shared.text.
# Byte limits are 3 bytes a character: any text of the Basic Multilingual Plane fits at full length,
# only one made mostly of emoji (4 bytes each) reaches the byte limit first.
ShortText = Annotated[str, TextRule(max_chars=200, max_bytes=600)]
AddressText = Annotated[str, TextRule(max_chars=500, max_bytes=1500)]
ReportText = Annotated[str, TextRule(max_chars=4000, max_bytes=12_000, not_blank=True)]
FreeText = Annotated[str, TextRule()]  # composed from limited texts; the record size bounds it
Identifier = Annotated[str, TextRule(max_chars=200, max_bytes=600, normalise=False)]


class Contract(BaseModel):
    """Frozen wire model: consumers ignore unknown fields; every string keeps the text rule."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class IntegrationEvent(Contract):
    """Every event on a topic: identity, type, version and time."""

    event_type: ClassVar[str] = ""
    schema_version: ClassVar[int] = 1
    # Fields a producer copies into record headers too (as text), so that a consumer can tell
    # by the headers, before decoding, whether its policy needs the record; a record without
    # them (an older producer) is decoded as before.
    header_fields: ClassVar[tuple[str, ...]] = ()

    event_id: UUID = Field(default_factory=uuid4)
    occurred_at: AwareDatetime

    def wire(self) -> dict[str, object]:
        """The JSON object written to Kafka, with type and version first."""
        body = self.model_dump(mode="json")
        return {"event_type": self.event_type, "schema_version": self.schema_version, **body}


class Actor(Contract):
    """The person who took a staff decision: the role and the name bound to their token.

    `name` is empty where only a role is known (a development token, a machine).
    """

    role: Identifier
    name: ShortText = ""


# "Siti Rahmah (skpd:PDAM)": how the SKPD desk spelt a person before actors were typed.
_LEGACY_ACTOR = re.compile(r"^(?P<name>.*\S)\s+\((?P<role>admin|skpd(?::[A-Z0-9][A-Z0-9-]*)?)\)$")


def legacy_actor(value: object, role: str) -> object:
    """An actor as older records spelt it (a plain string) read as an `Actor`.

    `"Name (role)"` gives both; any other string is a name under `role`, the best role the
    record tells; an empty string is nobody (None). Anything else is left to validation.
    """
    if not isinstance(value, str):
        return value
    text = value.strip()
    if not text:
        return None
    found = _LEGACY_ACTOR.match(text)
    if found:
        return {"role": found["role"], "name": found["name"]}
    return {"role": role, "name": text}


class ReportEvent(IntegrationEvent):
    """An event about one report: keyed by the internal report id."""

    report_id: UUID
    tracking_id: TrackingId


class Location(Contract):
    """Where the problem is; every part optional."""

    kecamatan: ShortText | None = None
    kelurahan: ShortText | None = None
    address: AddressText | None = None
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
