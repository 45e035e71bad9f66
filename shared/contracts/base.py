"""Base classes of every integration event on the wire."""

from __future__ import annotations

from typing import Annotated, ClassVar
from uuid import UUID, uuid4

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

TRACKING_ID_PATTERN = r"^[A-Z0-9][A-Z0-9-]{3,31}$"

TrackingId = Annotated[str, StringConstraints(pattern=TRACKING_ID_PATTERN)]
BodyCode = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9][A-Z0-9-]{1,39}$")]
ShortText = Annotated[str, StringConstraints(max_length=200)]


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


ReportText = Annotated[str, StringConstraints(max_length=4000), AfterValidator(_not_blank)]


class Contract(BaseModel):
    """Frozen wire model: consumers ignore fields they do not know."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class IntegrationEvent(Contract):
    """Every event on a topic: identity, type, version and time."""

    event_type: ClassVar[str] = ""
    schema_version: ClassVar[int] = 1

    event_id: UUID = Field(default_factory=uuid4)
    occurred_at: AwareDatetime

    def wire(self) -> dict[str, object]:
        """The JSON object written to Kafka, with type and version first."""
        body = self.model_dump(mode="json")
        return {"event_type": self.event_type, "schema_version": self.schema_version, **body}


class ReportEvent(IntegrationEvent):
    """An event about one report: keyed by the internal report id."""

    report_id: UUID
    tracking_id: TrackingId


class Location(Contract):
    """Where the problem is; every part optional."""

    kecamatan: ShortText | None = None
    kelurahan: ShortText | None = None
    address: Annotated[str, StringConstraints(max_length=500)] | None = None
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)

