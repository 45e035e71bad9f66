"""Settings of the notification service (prefix `LAPOR_NOTIFICATION_`)."""

from __future__ import annotations

from datetime import time, timedelta
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from notification.application.channels import ChannelRule
from notification.application.composer import Limits
from notification.application.policy import Delivery
from notification.application.timing import QuietHours, RetryPolicy
from shared.contracts import Channel
from shared.directory import CITY_ADMIN
from shared.settings import CommonSettings


class NotificationSettings(BaseSettings):
    """Where the service listens, how long messages may be, when and how often they go."""

    model_config = SettingsConfigDict(env_prefix="LAPOR_NOTIFICATION_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8104
    sms_max_segments: int = Field(default=3, ge=1, le=3, description="SMS segments per message")
    x_max_chars: int = Field(default=280, ge=80, le=280, description="characters of an X reply")
    quiet_start: time = Field(default=time(21, 0), description="quiet hours start (WITA)")
    quiet_end: time = Field(default=time(7, 0), description="quiet hours end (WITA)")
    quiet_channels: list[Channel] = Field(
        default_factory=lambda: [Channel.SMS, Channel.WHATSAPP],
        description="channels that keep quiet hours (`LAPOR_NOTIFICATION_QUIET_CHANNELS='[]'`: "
        "none)",
    )
    channel_rules: Path = Field(
        default=Path(__file__).parent / "channels.csv",
        description="which channel a reporter hears back on (CSV: came_by,left,answer_on,typed)",
    )
    retry_max_attempts: int = Field(default=4, ge=1, le=20)
    retry_base_seconds: float = Field(default=60.0, gt=0, description="first retry's delay")
    retry_max_seconds: float = Field(default=3600.0, gt=0, description="longest retry delay")
    digest_at: time = Field(
        default=time(8, 0), description="the admin's digest (WITA, working days)"
    )
    waiting_alert_minutes: float = Field(
        default=240.0, gt=0, description="tell the admin at once when a report waits this long"
    )
    tick_seconds: float = Field(default=5.0, gt=0, description="how often planned sends are due")
    admin_code: str = Field(default=CITY_ADMIN, description="the directory code of the city admin")
    common: CommonSettings = Field(default_factory=CommonSettings)

    def limits(self) -> Limits:
        """Message length limits per channel."""
        return Limits(sms_segments=self.sms_max_segments, x_chars=self.x_max_chars)

    def channel_rule(self) -> ChannelRule:
        """The channel rule read from its data file (refused at start if it is not valid)."""
        return ChannelRule.parse(self.channel_rules.read_text(encoding="utf-8"))

    def delivery(self) -> Delivery:
        """Quiet hours, retries, the digest's time and the admin's patience."""
        return Delivery(
            quiet=QuietHours(
                self.quiet_start, self.quiet_end, tuple(c.value for c in self.quiet_channels)
            ),
            retry=RetryPolicy(
                self.retry_max_attempts,
                timedelta(seconds=self.retry_base_seconds),
                timedelta(seconds=self.retry_max_seconds),
            ),
            digest_at=self.digest_at,
            patience=timedelta(minutes=self.waiting_alert_minutes),
        )
