"""Builds the tracking service: application, read model, projector, deadline watch, routes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from fastapi import APIRouter
from sqlalchemy import Engine

from shared import topics
from shared.auth import TokenStore
from shared.clock import WITA, Clock, SystemClock, clock_for
from shared.db import ensure_database, event_store_env
from shared.directory import body_codes
from shared.runtime import ServiceSpec, Subscription
from shared.tokens.wiring import projected_tokens
from tracking.adapters.case_queries import SqlCaseViews
from tracking.adapters.engine import migrate, read_model_engine
from tracking.adapters.holidays import IndonesianHolidays
from tracking.adapters.projector import CaseProjector
from tracking.adapters.public_queries import SqlPublicReports
from tracking.adapters.update_queries import SqlUpdateSteps
from tracking.application.app import TrackingApplication
from tracking.application.deadline_watch import DeadlineWatch
from tracking.application.moderation import FlagLimiter, Moderation
from tracking.application.public import BoundingBox
from tracking.application.translate import PUBLISHED, translate
from tracking.domain.deadlines import DeadlinePolicy
from tracking.entrypoints.http import (
    Send,
    broker_send,
    desk_router,
    install_error_handlers,
    public_router,
    staff_router,
    stats_router,
)
from tracking.entrypoints.metrics import projection_metrics
from tracking.entrypoints.moderation_http import moderation_router
from tracking.entrypoints.projections import projections_router
from tracking.entrypoints.public_http import install_public_errors, public_records_router
from tracking.entrypoints.updates_http import public_updates_router
from tracking.settings import TrackingSettings

SERVICE = "tracking"


def deadline_policy(settings: TrackingSettings) -> DeadlinePolicy:
    """Working-day limits on the Indonesian calendar, in WITA."""
    calendar = IndonesianHolidays(
        collective_leave=settings.collective_leave, extra_dates=settings.extra_leave_dates
    )
    return DeadlinePolicy(
        holidays=calendar,
        zone=WITA,
        verify_days=settings.verify_days,
        follow_up_days=settings.follow_up_days,
        resolve_days=settings.resolve_days,
        warn_days=settings.warn_days,
        reply_days=settings.reply_days,
        escalation_grace_days=settings.escalation_grace_days,
        resolution_classes=tuple(settings.resolution_classes),
    )


@dataclass(frozen=True)
class TrackingParts:
    """The live parts of tracking, before the runtime wraps them (tests use them directly)."""

    app: TrackingApplication
    engine: Engine
    views: SqlCaseViews
    projector: CaseProjector
    watch: DeadlineWatch
    tokens: TokenStore
    clock: Clock


def assemble(
    settings: TrackingSettings, clock: Clock, env: dict[str, str] | None = None
) -> TrackingParts:
    """Build the application, the read model and the background workers."""
    common = settings.common
    if common.database_url:  # the read model's database, even when events live elsewhere
        ensure_database(common.database_url, common.database_name(SERVICE))
    tokens = projected_tokens(
        common, name=SERVICE, table_url=common.read_model_url(SERVICE), clock=clock
    )
    app = TrackingApplication(
        env=event_store_env(common, SERVICE, env),
        deadlines=deadline_policy(settings),
        officer_email=tokens.email_of,
    )
    engine = read_model_engine(settings.read_model())
    migrate(engine)
    views = SqlCaseViews(engine)
    projector = CaseProjector(
        app,
        engine,
        batch_size=settings.projector_batch_size,
        idle_seconds=settings.projector_idle_seconds,
        max_attempts=settings.projector_max_attempts,
    )
    watch = DeadlineWatch(app, views, clock, interval_seconds=settings.deadline_check_seconds)
    return TrackingParts(app, engine, views, projector, watch, tokens, clock)


def bootstrap(
    settings: TrackingSettings | None = None,
    *,
    clock: Clock | None = None,
    env: dict[str, str] | None = None,
    parts: TrackingParts | None = None,
    send_action: Send = broker_send,
) -> ServiceSpec:
    """The tracking service, ready for `build_app` (connects to its own databases only)."""
    settings = settings or TrackingSettings()
    common = settings.common
    clock = parts.clock if parts else clock or clock_for(common.test_mode)
    parts = parts or assemble(settings, clock, env)
    app = parts.app
    return ServiceSpec(
        name=SERVICE,
        common=common,
        application=app,
        translate=translate,
        tokens=parts.tokens,
        clock=clock,
        subscriptions=[
            Subscription("reports", [topics.REPORTS], app, "Intake's outcomes open cases"),
            Subscription(
                "dispositions", [topics.DISPOSITIONS], app, "Routing's decisions move cases"
            ),
            Subscription(
                "actions",
                [topics.skpd_actions_topic(code) for code in body_codes()],
                app,
                "Each body's actions on the reports disposed to it",
            ),
        ],
        routers=[
            public_router(parts.views),
            public_updates_router(SqlUpdateSteps(parts.engine)),
            stats_router(parts.views, parts.tokens, clock),
            desk_router(parts.views, app, parts.tokens, clock, send_action),
            staff_router(parts.views, app, parts.tokens),
            projections_router([parts.projector], parts.tokens),
            *public_record(settings, parts),
        ],
        health=[parts.projector.health],
        metrics=projection_metrics([parts.projector]),
        publishes=[(topics.CASES, event) for event in PUBLISHED],
        background=[parts.projector.run],  # replicas take turns on the read model's position
        singletons=[parts.watch.run],
        install_handlers=[install_error_handlers, install_public_errors],
        on_close=[parts.engine.dispose],
        description="One case per report: its ordered life, the working-day clock, its status.",
    )


def public_record(settings: TrackingSettings, parts: TrackingParts) -> list[APIRouter]:
    """The public record (query, open data, flags) and the admin's moderation (issue I)."""
    reports = SqlPublicReports(parts.engine, BoundingBox(*settings.city_bbox))
    window = timedelta(seconds=settings.flag_window_seconds)
    limiter = FlagLimiter(parts.clock, settings.flag_limit, window)
    moderation = Moderation(parts.app, parts.views, parts.clock, limiter)
    return [
        public_records_router(reports, moderation, frozenset(settings.trusted_proxies)),
        moderation_router(reports, moderation, parts.tokens),
    ]


def projector_only(
    settings: TrackingSettings | None = None,
) -> tuple[CaseProjector, Callable[[], None]]:
    """The read model's projector alone, for an offline rebuild; and how to close it."""
    parts = assemble(settings or TrackingSettings(), SystemClock())

    def close() -> None:
        parts.engine.dispose()
        parts.app.close()

    return parts.projector, close
