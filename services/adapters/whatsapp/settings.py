"""Settings of the WhatsApp adapter (prefix `LAPOR_WHATSAPP_`)."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.settings import CommonSettings


class WhatsAppAdapterSettings(BaseSettings):
    """The city's WhatsApp Business number, its Meta app, the template, how to find numbers."""

    model_config = SettingsConfigDict(env_prefix="LAPOR_WHATSAPP_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8109
    app_secret: SecretStr | None = Field(
        default=None, description="the Meta app's secret: X-Hub-Signature-256 is checked with it"
    )
    verify_token: SecretStr | None = Field(
        default=None, description="the token typed into the app's webhook settings (GET check)"
    )
    access_token: SecretStr | None = Field(
        default=None, description="a system user's access token with whatsapp_business_messaging"
    )
    phone_number_id: str = Field(default="", description="the business phone number's id")
    graph_url: str = Field(default="https://graph.facebook.com", description="the Graph API")
    graph_version: str = Field(default="v24.0", pattern=r"^v\d+\.\d+$")
    graph_timeout: float = Field(default=20.0, gt=0)
    template_name: str = Field(
        default="lapor_pembaruan_laporan",
        description="the approved template used outside the 24-hour window ({{1}} = tracking id)",
    )
    template_language: str = Field(default="id", description="the template's language code")
    service_window_hours: float = Field(
        default=24.0, gt=0, description="free text only this long after the contact's last message"
    )
    status_grace_seconds: float = Field(
        default=300.0,
        ge=0,
        description="a status for a message not yet recorded as sent is asked again (503) "
        "while it is younger than this: it may overtake the send's answer",
    )
    intake_url: str = Field(
        default="http://127.0.0.1:8101", description="intake, whose vault resolves reporter_ref"
    )
    vault_token: SecretStr | None = Field(
        default=None, description="a bearer token of role `adapter` for intake's vault"
    )
    vault_attempts: int = Field(default=5, ge=1, description="tries while intake is unreachable")
    max_webhook_bytes: int = Field(default=1_000_000, gt=0, description="largest webhook body")
    common: CommonSettings = Field(default_factory=CommonSettings)

    def messages_url(self) -> str:
        """The messages endpoint of the business number."""
        base = self.graph_url.rstrip("/")
        return f"{base}/{self.graph_version}/{self.phone_number_id}/messages"
