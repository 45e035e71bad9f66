"""Value objects the case commands take."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Cause:
    """The incoming message that asks for a change: its id (applied once) and its time."""

    event_id: str
    at: datetime


@dataclass(frozen=True)
class Report:
    """The report as tracking receives it: content and a pseudonymous reporter only."""

    tracking_id: str
    channel: str
    kind: str
    reporter_ref: str
    text: str
    received_at: datetime
    title: str = ""
    anonim: bool = False
    rahasia: bool = False
    location: dict[str, Any] = field(default_factory=dict)
    attachments: tuple[str, ...] = ()
    category: str | None = None
