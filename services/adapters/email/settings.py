"""Settings of the e-mail adapter (prefix `LAPOR_EMAIL_`)."""

from __future__ import annotations

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.settings import CommonSettings


class EmailAdapterSettings(BaseSettings):
    """Where the adapter listens, which SMTP server it sends through, how it finds addresses."""

    model_config = SettingsConfigDict(env_prefix="LAPOR_EMAIL_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8107
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=8025, ge=1, le=65535)
    smtp_starttls: bool = Field(default=False, description="upgrade with STARTTLS (required)")
    smtp_username: str | None = Field(default=None, description="log in when set")
    smtp_password: SecretStr | None = None
    smtp_timeout: float = Field(default=30.0, gt=0)
    from_address: str = Field(
        default="LAPOR! Kota Banjarmasin <lapor@banjarmasinkota.go.id>",
        validation_alias=AliasChoices("LAPOR_EMAIL_FROM", "from_address"),
        description="the From header (LAPOR_EMAIL_FROM)",
    )
    intake_url: str = Field(
        default="http://127.0.0.1:8101", description="intake, whose vault resolves reporter_ref"
    )
    vault_token: SecretStr | None = Field(
        default=None, description="a bearer token of role `adapter` for intake's vault"
    )
    vault_attempts: int = Field(default=5, ge=1, description="tries while intake is unreachable")
    common: CommonSettings = Field(default_factory=CommonSettings)
