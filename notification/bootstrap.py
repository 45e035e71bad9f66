"""Builds the notification service from its settings: the composition of this context."""

from __future__ import annotations

from notification.adapters.jinja_renderer import JinjaRenderer
from notification.application.composer import Composer
from notification.application.service import NotificationApplication
from notification.application.translate import translate
from notification.entrypoints.http import install_error_handlers, notifications_router
from notification.settings import NotificationSettings
from shared import topics
from shared.auth import TokenStore
from shared.clock import Clock, OffsetClock, SystemClock
from shared.contracts import Channel, OutboundMessage
from shared.db import ensure_database
from shared.runtime import ServiceSpec, Subscription
from shared.settings import CommonSettings

SERVICE = "notification"
CASES_DOC = "Case events from tracking: the reporter is told of those meant for them."
DELIVERY_DOC = "Delivery reports from channel adapters: the status of each message sent."


def bootstrap(
    settings: NotificationSettings | None = None,
    *,
    clock: Clock | None = None,
    env: dict[str, str] | None = None,
) -> ServiceSpec:
    """The notification service: case events in, outbound messages out, delivery tracked."""
    settings = settings or NotificationSettings()
    common = settings.common
    clock = clock or (OffsetClock() if common.test_mode else SystemClock())
    composer = Composer(JinjaRenderer(), settings.short_text_limits)
    application = NotificationApplication(
        env=_event_store_env(common, env), composer=composer, clock=clock
    )
    tokens = TokenStore(common.auth_tokens)
    return ServiceSpec(
        name=SERVICE,
        common=common,
        application=application,
        translate=translate,
        tokens=tokens,
        clock=clock,
        subscriptions=[
            Subscription("cases", [topics.CASES], application, CASES_DOC),
            Subscription("delivery", [topics.DELIVERY], application, DELIVERY_DOC),
        ],
        routers=[notifications_router(application, tokens)],
        publishes=[(topics.outbound_topic(channel), OutboundMessage) for channel in Channel],
        install_handlers=[install_error_handlers],
        description="Tells each reporter, in Bahasa Indonesia, what happened to their report.",
    )


def _event_store_env(common: CommonSettings, overrides: dict[str, str] | None) -> dict[str, str]:
    """The event store's environment; creates its database or state folder when needed."""
    env = {**common.eventsourcing_env(SERVICE), **(overrides or {})}
    module = env.get("PERSISTENCE_MODULE", "")
    if module == "eventsourcing.postgres" and common.database_url:
        ensure_database(common.database_url, common.database_name(SERVICE))
    elif module == "eventsourcing.sqlite":
        common.ensure_state_dir()
    return env
