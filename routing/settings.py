"""Routing's settings (prefix `LAPOR_ROUTING_`), defaulting to the embedded setup."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.settings import CommonSettings


class RoutingSettings(BaseSettings):
    """Where routing listens, how sure the router must be, and who triages."""

    model_config = SettingsConfigDict(env_prefix="LAPOR_ROUTING_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8102
    triage_code: str = Field(
        default="SETDA-HUMAS",
        description="Directory code of the admin (Tim LAPOR kota) who triages unsure reports",
    )
    min_confidence: float = Field(
        default=0.0, ge=0, le=1, description="Below this the router leaves the choice to triage"
    )
    title_weight: float = Field(default=1.5, gt=0, description="A keyword in the title counts x")
    max_candidates: int = Field(default=5, ge=1, description="Candidates shown for triage")
    common: CommonSettings = Field(default_factory=CommonSettings)
