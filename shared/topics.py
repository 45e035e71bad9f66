"""Every Kafka topic name the project uses, in one place."""

from __future__ import annotations

import re
from collections.abc import Iterable

from shared.contracts.intake import Channel

INTAKE = "lapor.intake.v1"
REPORTS = "lapor.reports.v1"
DISPOSITIONS = "lapor.dispositions.v1"
CASES = "lapor.cases.v1"
DELIVERY = "lapor.delivery.v1"
DEADLETTER = "lapor.deadletter.v1"
TOKENS = "lapor.tokens.v1"  # compacted: key = token digest, the newest record per token stays

PARTITIONS = 6

SKPD_PATTERN = r"^lapor\.skpd\.[A-Z0-9-]+\.v1$"
SKPD_ACTIONS_PATTERN = r"^lapor\.skpd\.[A-Z0-9-]+\.actions\.v1$"


def skpd_topic(code: str) -> str:
    """Where routing sends the reports disposed to one body."""
    return f"lapor.skpd.{code}.v1"


def skpd_actions_topic(code: str) -> str:
    """Where one body sends its actions on its reports."""
    return f"lapor.skpd.{code}.actions.v1"


def outbound_topic(channel: Channel | str) -> str:
    """Where notification sends messages for one channel's adapter."""
    return f"lapor.outbound.{Channel(channel).value}.v1"


def all_topics(body_codes: Iterable[str]) -> list[str]:
    """Every topic of the design table, the per-body and per-channel ones included."""
    fixed = [INTAKE, REPORTS, DISPOSITIONS, CASES, DELIVERY, DEADLETTER, TOKENS]
    per_channel = [outbound_topic(channel) for channel in Channel]
    per_body = [t for code in body_codes for t in (skpd_topic(code), skpd_actions_topic(code))]
    return fixed + per_channel + per_body


def body_of_actions_topic(topic: str) -> str | None:
    """The body whose actions topic this is (None for any other topic)."""
    match = re.match(SKPD_ACTIONS_PATTERN, topic)
    return topic.split(".")[2] if match else None
