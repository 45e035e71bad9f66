"""Builds the notification service from its settings: the composition of this context."""

from __future__ import annotations

import asyncio
import contextlib

from notification.adapters.calendar import IndonesianWorkingDays
from notification.adapters.jinja_renderer import JinjaRenderer
from notification.adapters.tables import SqlIndexes
from notification.application.channels import ChannelRule
from notification.application.composer import Composer
from notification.application.ports import WorkingDays
from notification.application.scheduler import Scheduler
from notification.application.service import NotificationApplication
from notification.application.translate import translate
from notification.entrypoints.http import install_error_handlers, notifications_router
from notification.settings import NotificationSettings
from shared import topics
from shared.clock import Clock, clock_for
from shared.contracts import Channel, OutboundMessage
from shared.db import event_store_env
from shared.directory import bodies
from shared.logging import get_logger
from shared.runtime import Background, ServiceSpec, Subscription
from shared.tokens.wiring import projected_tokens

SERVICE = "notification"
CASES_DOC = (
    "Case events from tracking: reporters, bodies and the admin are told what concerns them."
)
REPORTS_DOC = (
    "Report events from intake: which kinds of contact a reporter left (never the contact), so "
    "that a web, app or Open311 reporter hears back by e-mail or SMS."
)
DELIVERY_DOC = "Delivery reports from channel adapters: the status of each message sent."

log = get_logger(__name__)


def mailboxes() -> dict[str, str]:
    """Each body's LAPOR! mailbox from the directory."""
    return {body.code: body.email for body in bodies() if body.email}


def outbound_channels(rule: ChannelRule) -> list[Channel]:
    """The outbound topics written: the reporters' channels and e-mail (bodies, the admin)."""
    return [c for c in Channel if c in rule.answer_channels() or c == Channel.EMAIL]


def bootstrap(
    settings: NotificationSettings | None = None,
    *,
    clock: Clock | None = None,
    env: dict[str, str] | None = None,
    calendar: WorkingDays | None = None,
) -> ServiceSpec:
    """The notification service: case events in, outbound messages out, delivery followed."""
    settings = settings or NotificationSettings()
    common = settings.common
    clock = clock or clock_for(common.test_mode)
    rule = settings.channel_rule()
    composer = Composer(
        JinjaRenderer(), mailboxes(), settings.admin_code, settings.limits(), rule=rule
    )
    application = NotificationApplication(
        env=event_store_env(common, SERVICE, env),
        composer=composer,
        clock=clock,
        indexes=SqlIndexes,
        delivery=settings.delivery(),
    )
    scheduler = Scheduler(application, calendar or IndonesianWorkingDays())
    tokens = projected_tokens(
        common, name=SERVICE, table_url=common.read_model_url(SERVICE), clock=clock
    )
    return ServiceSpec(
        name=SERVICE,
        common=common,
        application=application,
        translate=translate,
        tokens=tokens,
        clock=clock,
        subscriptions=[
            Subscription("cases", [topics.CASES], application, CASES_DOC),
            Subscription("reports", [topics.REPORTS], application, REPORTS_DOC),
            Subscription("delivery", [topics.DELIVERY], application, DELIVERY_DOC),
        ],
        routers=[notifications_router(application, tokens)],
        publishes=[(topics.outbound_topic(c), OutboundMessage) for c in outbound_channels(rule)],
        singletons=[scheduled(scheduler, settings.tick_seconds)],
        install_handlers=[install_error_handlers],
        description="Tells reporters, bodies and the city admin, in Bahasa Indonesia, and sees "
        "that each message arrives.",
    )


def scheduled(scheduler: Scheduler, every: float) -> Background:
    """The background job that runs the scheduler every few seconds until the service stops."""

    async def run(stopping: asyncio.Event) -> None:
        while not stopping.is_set():
            try:
                await asyncio.to_thread(scheduler.tick)
            except Exception:  # a conflict with another instance: the next tick tries again
                log.exception("notification-tick-failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), timeout=every)

    return run
