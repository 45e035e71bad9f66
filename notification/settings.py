"""Settings of the notification service (prefix `LAPOR_NOTIFICATION_`)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.contracts import Channel
from shared.settings import CommonSettings

# Long enough for the prefix and the tracking id of every short template.
MIN_SHORT_TEXT = 80


class NotificationSettings(BaseSettings):
    """Where the service listens and how short each channel's messages must be."""

    model_config = SettingsConfigDict(env_prefix="LAPOR_NOTIFICATION_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8104
    short_text_limits: dict[Channel, Annotated[int, Field(ge=MIN_SHORT_TEXT)]] = Field(
        default_factory=lambda: {Channel.SMS: 320},
        description="JSON object: channel -> most characters of one message on that channel "
        "(those channels get the short form of each template)",
    )
    common: CommonSettings = Field(default_factory=CommonSettings)
