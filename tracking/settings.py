"""Tracking's settings (prefix `LAPOR_TRACKING_`): deadlines in working days, the calendar."""

from __future__ import annotations

from datetime import date

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.settings import CommonSettings


class TrackingSettings(BaseSettings):
    """Where tracking listens, how long each step may take, and which days are not worked."""

    model_config = SettingsConfigDict(env_prefix="LAPOR_TRACKING_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8103
    verify_days: int = Field(default=3, ge=1, description="verify and dispose (LAPOR! FAQ)")
    follow_up_days: int = Field(default=5, ge=1, description="first follow-up after disposition")
    resolve_days: int = Field(default=14, ge=1, description="resolution after disposition")
    warn_days: int = Field(default=1, ge=0, description="warn this many working days before")
    reply_days: int = Field(
        default=10, ge=1, description="reply window (tanggapan); then the case closes by itself"
    )
    escalation_grace_days: int = Field(
        default=2, ge=0, description="working days after a missed deadline until escalation"
    )
    resolution_classes: tuple[int, ...] = Field(
        default=(14, 60), description="resolution classes in working days (local SOPs)"
    )
    collective_leave: bool = Field(
        default=True, description="count the government's cuti bersama days as holidays"
    )
    extra_leave_dates: list[date] = Field(
        default_factory=list, description="more non-working days (JSON list of ISO dates)"
    )
    deadline_check_seconds: float = Field(default=5.0, gt=0)
    projector_batch_size: int = Field(default=500, ge=1)
    projector_idle_seconds: float = Field(
        default=2.0, gt=0, description="the longest wait for a write it was not woken for"
    )
    projector_max_attempts: int = Field(
        default=3, ge=1, description="tries of one event before it is quarantined"
    )
    city_bbox: tuple[float, float, float, float] = Field(
        default=(-3.40, 114.52, -3.26, 114.68),
        description="south, west, north, east (degrees) of the city, Banjarmasin by default "
        "(3°16'-3°23' S, 114°31'-114°40' E, with a margin); a pin outside is flagged for the admin",
    )
    flag_limit: int = Field(
        default=5, ge=1, description="public flags one client address may send per window"
    )
    flag_window_seconds: int = Field(default=3600, ge=1)
    trusted_proxies: list[str] = Field(
        default_factory=lambda: ["127.0.0.1", "::1"],
        description="peers whose X-Forwarded-For names the client (the web face, a proxy)",
    )
    read_model_url: str | None = Field(
        default=None, description="SQLAlchemy URL; unset: the common database's lapor_tracking"
    )
    common: CommonSettings = Field(default_factory=CommonSettings)

    def read_model(self) -> str:
        """The read model's SQLAlchemy URL."""
        return self.read_model_url or self.common.read_model_url("tracking")
