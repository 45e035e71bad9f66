"""Builds the intake service from settings: the one place where parts are wired."""

from __future__ import annotations

from intake.application.app import IntakeApplication
from intake.application.translate import translate
from intake.entrypoints.errors import install_error_handlers
from intake.entrypoints.http import intake_router
from intake.settings import IntakeSettings
from shared import topics
from shared.auth import TokenStore
from shared.clock import Clock, clock_for
from shared.contracts import ReportAccepted, ReportArchived, ReportHeld, ReportReceived
from shared.db import event_store_env
from shared.runtime import ServiceSpec, Subscription

SERVICE = "intake"


def bootstrap(
    settings: IntakeSettings | None = None,
    *,
    clock: Clock | None = None,
    env: dict[str, str] | None = None,
) -> ServiceSpec:
    """The intake service: its application, subscription, routes and published events."""
    settings = settings or IntakeSettings()
    common = settings.common
    clock = clock or clock_for(common.test_mode)
    app = IntakeApplication(
        settings.screening_rules(),
        settings.tracking_format(),
        clock,
        env=event_store_env(common, SERVICE, env),
    )
    tokens = TokenStore(common.auth_tokens)
    return ServiceSpec(
        name=SERVICE,
        common=common,
        application=app,
        translate=translate,
        tokens=tokens,
        clock=clock,
        subscriptions=[
            Subscription(
                name="intake",
                topics=[topics.INTAKE],
                processor=app,
                description="Records each adapter message once as a screened report",
            )
        ],
        routers=[intake_router(app, tokens)],
        publishes=[
            (topics.REPORTS, ReportReceived),
            (topics.REPORTS, ReportAccepted),
            (topics.REPORTS, ReportHeld),
            (topics.REPORTS, ReportArchived),
        ],
        install_handlers=[install_error_handlers],
        description="Validates, screens and records citizen reports; keeps the identity vault.",
    )
