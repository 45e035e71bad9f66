"""The admin triage API's request and response bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shared.text import TextRule


class CandidatePublic(BaseModel):
    """A body the router considered, with its share of the evidence."""

    code: str
    score: float


class TriageItemPublic(BaseModel):
    """A report waiting for the admin to choose its body."""

    model_config = ConfigDict(from_attributes=True)

    tracking_id: str
    report_id: UUID
    title: str
    excerpt: str
    reason: str
    candidates: list[CandidatePublic]
    since: datetime


class DispositionCreate(BaseModel):
    """The admin's choice of body for a report."""

    skpd_code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
    reason: Annotated[str, TextRule(max_chars=500, max_bytes=1500, strip=True)] = ""


class DispositionPublic(BaseModel):
    """Where a report stands after the admin's choice."""

    tracking_id: str
    report_id: UUID
    skpd_code: str | None
    previous_code: str | None
    rejected_by: list[str] = Field(default_factory=list)
    changed: bool


class ModelPublic(BaseModel):
    """The router model an instance routes with."""

    version: int | None = Field(description="Stored version; 0 the built model; null: fixed")
    threshold: float | None = Field(description="Confidence below which reports go to triage")
