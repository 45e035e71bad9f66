"""Settings of the SMS adapter (prefix `LAPOR_SMS_`)."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.settings import CommonSettings


class SmsAdapterSettings(BaseSettings):
    """Where the adapter listens, which Kannel it sends through, how it reaches intake."""

    model_config = SettingsConfigDict(env_prefix="LAPOR_SMS_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8108
    public_url: str = Field(
        default="http://127.0.0.1:8108",
        description="this adapter's base URL as Kannel's smsbox reaches it (delivery reports)",
    )
    sendsms_url: str = Field(
        default="http://127.0.0.1:13013/cgi-bin/sendsms", description="smsbox's sendsms interface"
    )
    sendsms_username: str = "lapor"
    sendsms_password: SecretStr = SecretStr("")
    short_code: str = Field(default="1708", description="the sender of every MT message")
    callback_key: SecretStr | None = Field(
        default=None,
        description="a secret Kannel's get-url carries as `key` and that signs delivery-report "
        "URLs; unset: calls are not checked (development only)",
    )
    max_segments: int = Field(
        default=3, ge=1, le=10, description="most SMS parts of one concatenated message"
    )
    max_text_bytes: int = Field(
        default=4096, ge=160, description="the longest MO text accepted (bytes as received)"
    )
    intake_url: str = Field(
        default="http://127.0.0.1:8101", description="intake: reports in, the vault for numbers"
    )
    intake_token: SecretStr | None = Field(
        default=None, description="a bearer token of role `adapter` (reports and vault)"
    )
    vault_attempts: int = Field(default=5, ge=1, description="tries while intake is unreachable")
    common: CommonSettings = Field(default_factory=CommonSettings)
