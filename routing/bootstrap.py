"""Builds the routing service: application, router, relay translation, subscriptions, HTTP."""

from __future__ import annotations

from routing.adapters.artefact import installed_router, load_router
from routing.adapters.model_store import ModelStore
from routing.adapters.tracking_ids import SqlTrackingIds
from routing.adapters.triage import SqlTriage
from routing.application.app import RoutingApplication
from routing.application.bodies import BodyDirectory
from routing.application.translate import translate
from routing.domain.router import Router
from routing.entrypoints.http import admin_router, install_error_handlers
from routing.settings import RoutingSettings
from shared import topics
from shared.clock import Clock, clock_for
from shared.contracts import (
    IntegrationEvent,
    ReportAwaitingTriage,
    ReportDisposed,
    ReportEscalated,
    ReportRedisposed,
    ReportRouted,
)
from shared.db import event_store_env
from shared.directory import body_codes
from shared.runtime import ServiceSpec, Subscription
from shared.tokens.wiring import projected_tokens

SERVICE = "routing"


def bootstrap(
    settings: RoutingSettings | None = None,
    *,
    clock: Clock | None = None,
    env: dict[str, str] | None = None,
    router: Router | None = None,
) -> ServiceSpec:
    """The routing service; `env` overrides the event store's environment (tests: popo)."""
    settings = settings or RoutingSettings()
    common = settings.common
    clock = clock or clock_for(common.test_mode)
    store = event_store_env(common, SERVICE, env)
    router = router or _router(settings, store)
    bodies = BodyDirectory.from_shared(settings.triage_code)
    app = RoutingApplication(
        router=router,
        clock=clock,
        bodies=bodies,
        env=store,
        tracking_ids=SqlTrackingIds,
        triage=SqlTriage,
        escalate_after=settings.escalate_after_returns,
    )
    tokens = projected_tokens(
        common, name=SERVICE, table_url=common.read_model_url(SERVICE), clock=clock
    )
    return ServiceSpec(
        name=SERVICE,
        common=common,
        application=app,
        translate=translate,
        tokens=tokens,
        clock=clock,
        subscriptions=[
            Subscription(
                name="reports",
                topics=[topics.REPORTS],
                processor=app,
                description="routing disposes every ReportAccepted",
            ),
            Subscription(
                name="cases",
                topics=[topics.CASES],
                processor=app,
                description="routing re-disposes every CaseReturned",
            ),
        ],
        routers=[admin_router(app, tokens)],
        publishes=publishes(),
        install_handlers=[install_error_handlers],
        description="Disposes each accepted report to the competent body, or to triage.",
    )


def _router(settings: RoutingSettings, store: dict[str, str]) -> Router:
    """The installed model's router; in memory (tests) the build artefact's alone."""
    if store.get("PERSISTENCE_MODULE") == "eventsourcing.popo":
        return load_router(
            settings.model_path,
            threshold=settings.min_confidence,
            max_candidates=settings.max_candidates,
        )
    return installed_router(
        model_store(settings),
        settings.model_path,
        threshold=settings.min_confidence,
        max_candidates=settings.max_candidates,
        check_seconds=settings.model_check_seconds,
    )


def model_store(settings: RoutingSettings) -> ModelStore:
    """The router models in routing's own database (the event store's, or the state folder)."""
    return ModelStore.at(settings.common.read_model_url(SERVICE))


def publishes() -> list[tuple[str, type[IntegrationEvent]]]:
    """Every (topic, event) routing produces, for the AsyncAPI document."""
    dispositions: list[tuple[str, type[IntegrationEvent]]] = [
        (topics.DISPOSITIONS, ReportDisposed),
        (topics.DISPOSITIONS, ReportAwaitingTriage),
        (topics.DISPOSITIONS, ReportRedisposed),
        (topics.DISPOSITIONS, ReportEscalated),
    ]
    return dispositions + [(topics.skpd_topic(code), ReportRouted) for code in body_codes()]
