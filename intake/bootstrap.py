"""Builds the intake service from settings: the one place where parts are wired."""

from __future__ import annotations

from intake.adapters.keys import AesSealer, KeyStore, MemoryKeys, SqlKeys
from intake.application.app import IntakeApplication
from intake.application.translate import Translator
from intake.entrypoints.errors import install_error_handlers
from intake.entrypoints.http import intake_router
from intake.settings import IntakeSettings
from shared import topics
from shared.auth import TokenStore
from shared.clock import Clock, clock_for
from shared.contracts import (
    ReportAccepted,
    ReportArchived,
    ReporterRatingReceived,
    ReporterReplyReceived,
    ReporterStatusRequested,
    ReportHeld,
    ReportLinkedAsDuplicate,
    ReportReceived,
)
from shared.db import event_store_env
from shared.runtime import ServiceSpec, Subscription

SERVICE = "intake"
PUBLISHED = (
    ReportReceived,
    ReportAccepted,
    ReportHeld,
    ReportArchived,
    ReportLinkedAsDuplicate,
    ReporterReplyReceived,
    ReporterRatingReceived,
    ReporterStatusRequested,
)


def bootstrap(
    settings: IntakeSettings | None = None,
    *,
    clock: Clock | None = None,
    env: dict[str, str] | None = None,
    keys: KeyStore | None = None,
) -> ServiceSpec:
    """The intake service: its application, subscriptions, routes and published events."""
    settings = settings or IntakeSettings()
    common = settings.common
    clock = clock or clock_for(common.test_mode)
    store_env = event_store_env(common, SERVICE, env)
    if keys is None:
        in_memory = store_env.get("PERSISTENCE_MODULE") == "eventsourcing.popo"
        keys = MemoryKeys() if in_memory else SqlKeys(common.read_model_url(SERVICE))
    app = IntakeApplication(
        settings.screening_rules(),
        settings.tracking_format(),
        clock,
        sealer=AesSealer(keys),
        duplicate_rules=settings.duplicate_rules(),
        sms_channels=settings.sms_form_channels,
        env=store_env,
    )
    tokens = TokenStore(common.auth_tokens, common.auth_tokens_file)
    return ServiceSpec(
        name=SERVICE,
        common=common,
        application=app,
        translate=Translator(app.repository),
        tokens=tokens,
        clock=clock,
        subscriptions=[
            Subscription(
                name="intake",
                topics=[topics.INTAKE],
                processor=app,
                description="Records each adapter message once as a screened report or a reply",
            ),
            Subscription(
                name="awareness",
                topics=[topics.DISPOSITIONS, topics.CASES],
                processor=app,
                description="Learns which bodies may see a report's contact and which reports "
                "are still open (duplicate candidates)",
            ),
        ],
        routers=[intake_router(app, tokens, settings)],
        publishes=[(topics.REPORTS, event) for event in PUBLISHED],
        install_handlers=[install_error_handlers],
        on_close=[keys.close] if isinstance(keys, SqlKeys) else [],
        description="Validates, screens and records citizen reports; keeps the identity vault.",
    )
