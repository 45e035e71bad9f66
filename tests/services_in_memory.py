"""The four services built through their own bootstraps on in-memory persistence (tests only)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from intake.bootstrap import bootstrap as intake_bootstrap
from intake.settings import IntakeSettings
from notification.bootstrap import bootstrap as notification_bootstrap
from notification.settings import NotificationSettings
from routing.bootstrap import bootstrap as routing_bootstrap
from routing.settings import RoutingSettings
from shared.clock import FixedClock
from shared.runtime import ServiceSpec
from shared.settings import CommonSettings
from tracking.bootstrap import bootstrap as tracking_bootstrap
from tracking.settings import TrackingSettings

IN_MEMORY = {"PERSISTENCE_MODULE": "eventsourcing.popo"}


def in_memory_services(
    folder: Path, auth_tokens: Mapping[str, str] | None = None
) -> dict[str, ServiceSpec]:
    """Each service by name; its read models (if any) in memory too; tokens by digest."""
    common = CommonSettings(
        state_dir=folder, database_url=None, auth_tokens=dict(auth_tokens or {})
    )
    clock = FixedClock(datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    tracking = TrackingSettings(common=common, read_model_url="sqlite://", extra_leave_dates=[])
    return {
        "intake": intake_bootstrap(IntakeSettings(common=common), clock=clock, env=IN_MEMORY),
        "routing": routing_bootstrap(RoutingSettings(common=common), clock=clock, env=IN_MEMORY),
        "tracking": tracking_bootstrap(tracking, clock=clock, env=IN_MEMORY),
        "notification": notification_bootstrap(
            NotificationSettings(common=common), clock=clock, env=IN_MEMORY
        ),
    }


def consumers_by_topic(services: dict[str, ServiceSpec]) -> dict[str, set[str]]:
    """Which services read each topic, from their subscriptions."""
    readers: dict[str, set[str]] = {}
    for name, spec in services.items():
        for sub in spec.subscriptions:
            for topic in sub.topics:
                readers.setdefault(topic, set()).add(name)
    return readers


def close_all(services: dict[str, ServiceSpec]) -> None:
    """Release what the services hold (read-model engines)."""
    for spec in services.values():
        for close in spec.on_close:
            close()
