"""Routing's settings (prefix `LAPOR_ROUTING_`), defaulting to the embedded setup."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.directory import CITY_ADMIN
from shared.settings import CommonSettings


class RoutingSettings(BaseSettings):
    """Where routing listens, how sure the router must be, and who triages."""

    model_config = SettingsConfigDict(env_prefix="LAPOR_ROUTING_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8102
    triage_code: str = Field(
        default=CITY_ADMIN,
        description="Directory code of the admin (Tim LAPOR kota) who triages unsure reports",
    )
    min_confidence: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="Below this the router leaves the choice to triage; unset: the threshold "
        "calibrated by cross-validation when the model was trained",
    )
    model_path: Path | None = Field(
        default=None, description="The trained router model; unset: the `make install` artefact"
    )
    model_check_seconds: float = Field(
        default=5.0,
        gt=0,
        description="How often the service checks which model version is installed (seconds)",
    )
    escalate_after_returns: int = Field(
        default=2, ge=1, description='"Bukan wewenang" returns after which a report escalates'
    )
    max_candidates: int = Field(default=5, ge=1, description="Candidates shown for triage")
    common: CommonSettings = Field(default_factory=CommonSettings)
