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
from shared.clock import Clock, clock_for
from shared.contracts import Channel, OutboundMessage
from shared.db import event_store_env
from shared.runtime import ServiceSpec, Subscription

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
    clock = clock or clock_for(common.test_mode)
    composer = Composer(JinjaRenderer(), settings.short_text_limits)
    application = NotificationApplication(
        env=event_store_env(common, SERVICE, env), composer=composer, clock=clock
    )
    tokens = TokenStore(common.auth_tokens, common.auth_tokens_file)
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
