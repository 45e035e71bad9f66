"""Intake's settings (prefix `LAPOR_INTAKE_`): address, tracking ids, screening thresholds."""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from intake.domain.contacts import ContactRules
from intake.domain.duplicates import DuplicateRules
from intake.domain.identifiers import TrackingIdFormat
from intake.domain.photos import PhotoRules
from intake.domain.screening import ScreeningRules
from shared.settings import CommonSettings

DEFAULT_ABUSIVE_WORDS = [
    "bajingan",
    "bangsat",
    "brengsek",
    "goblok",
    "jancok",
    "keparat",
    "kontol",
    "ngentot",
    "tolol",
]


class IntakeSettings(BaseSettings):
    """Everything intake reads from the environment, validated at start."""

    model_config = SettingsConfigDict(env_prefix="LAPOR_INTAKE_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8101
    tracking_prefix: str = Field(default="LPR", pattern=r"^[A-Z0-9]{1,8}$")
    tracking_length: int = Field(default=8, ge=6, le=20)
    min_words: int = Field(default=3, ge=1, description="Fewer words: archived as spam")
    flood_max_reports: int = Field(
        default=5, ge=1, description="More reports than this from one contact in the window: held"
    )
    flood_window_minutes: float = Field(default=10, gt=0)
    abusive_words: list[str] = Field(
        default_factory=lambda: list(DEFAULT_ABUSIVE_WORDS),
        description="Whole words (any case) that hold a report for review; JSON list",
    )
    submit_wait_seconds: float = Field(
        default=10, gt=0, description="POST /v1/reports waits this long for the outcome, then 202"
    )
    sms_form_channels: list[str] = Field(
        default_factory=lambda: ["sms", "whatsapp"],
        description="Channels whose texts may use `LAPOR <text>` / `LAPOR#<kelurahan>#<text>`",
    )
    public_web_url: str = Field(
        default="http://127.0.0.1:8106",
        description="The public web face: reporters' personal status links start here",
    )
    contact_daily_cap: int = Field(
        default=3, ge=1, description="Messages a day to a contact typed into a form by someone "
        "else, until that contact itself answers (SMS/WhatsApp, or its status link)",
    )  # fmt: skip
    contact_cap_channels: list[str] = Field(
        default_factory=lambda: ["web", "mobile", "open311"],
        description="Channels whose contacts are typed into a form (capped until confirmed)",
    )
    contact_confirming_channels: list[str] = Field(
        default_factory=lambda: ["sms", "whatsapp"],
        description="Channels whose sender is the contact itself: a message confirms it, and a "
        "bare STOP / MULAI (START) stops or resumes messages to it",
    )
    contact_key: SecretStr = Field(
        default=SecretStr("lapor-dev-contact-key"),
        description="Key of the contact digests (HMAC-SHA256); set your own in production",
    )
    duplicate_radius_m: float = Field(default=50, gt=0, le=1000)
    duplicate_link_similarity: float = Field(
        default=0.4, gt=0, le=1, description="Text this similar within the radius: linked"
    )
    duplicate_flag_similarity: float = Field(
        default=0.25, gt=0, le=1, description="Weaker matches: flagged `kemungkinan duplikat`"
    )
    duplicate_window_days: float = Field(default=30, gt=0)
    media_base_url: str = Field(
        default="",
        pattern=r"^(https?://[!-~]+)?$",
        description="Intake's public base URL: photo URLs in attachments start with it (unset: "
        "relative `/v1/media/<id>` URLs)",
    )
    photo_max_mb: float = Field(default=10, gt=0, le=50, description="A photo as received")
    photo_max_megapixels: float = Field(default=25, gt=0, le=100, description="Decoded size")
    photo_max_count: int = Field(default=5, ge=1, le=5, description="Photos per report")
    photo_orphan_grace_hours: float = Field(
        default=24, ge=1, description="A photo kept this long for no report is swept away"
    )
    photo_sweep_minutes: float = Field(
        default=60, gt=0, description="How often the leading replica sweeps such photos"
    )
    common: CommonSettings = Field(default_factory=CommonSettings)

    @field_validator("abusive_words")
    @classmethod
    def _lower_case(cls, words: list[str]) -> list[str]:
        return [w.strip().lower() for w in words if w.strip()]

    def screening_rules(self) -> ScreeningRules:
        """The thresholds screening applies."""
        return ScreeningRules(
            min_words=self.min_words,
            flood_max_reports=self.flood_max_reports,
            flood_window=timedelta(minutes=self.flood_window_minutes),
            abusive_words=frozenset(self.abusive_words),
        )

    def duplicate_rules(self) -> DuplicateRules:
        """When a report repeats an open one (linked) or may (flagged)."""
        return DuplicateRules(
            radius_m=self.duplicate_radius_m,
            link_similarity=self.duplicate_link_similarity,
            flag_similarity=self.duplicate_flag_similarity,
            window=timedelta(days=self.duplicate_window_days),
        )

    def contact_rules(self) -> ContactRules:
        """Which contacts are capped, how many messages a day, which channels confirm."""
        return ContactRules(
            daily_cap=self.contact_daily_cap,
            form_channels=frozenset(self.contact_cap_channels),
            confirming_channels=frozenset(self.contact_confirming_channels),
        )

    def photo_rules(self) -> PhotoRules:
        """How large a photo may be, as received and decoded, and how many a report carries."""
        return PhotoRules(
            max_photos=self.photo_max_count,
            max_bytes=int(self.photo_max_mb * 1024 * 1024),
            max_pixels=int(self.photo_max_megapixels * 1_000_000),
        )

    def tracking_format(self) -> TrackingIdFormat:
        """How tracking ids look: `<prefix>-<random Crockford base32>`."""
        return TrackingIdFormat(self.tracking_prefix, self.tracking_length)
