"""Fixtures of the intake unit tests (helpers live in intake_helpers)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from intake_helpers import START, Feed, FixedClock, build

from intake.application.app import IntakeApplication
from shared import topics
from shared.runtime import ServiceSpec, build_app


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def spec(clock: FixedClock) -> ServiceSpec:
    return build(clock)


@pytest.fixture
def app(spec: ServiceSpec) -> IntakeApplication:
    application: IntakeApplication = spec.application
    return application


@pytest.fixture
def feed(app: IntakeApplication) -> Feed:
    return Feed(app)


@pytest.fixture
def routing_feed(app: IntakeApplication) -> Feed:
    """Dispositions as routing publishes them."""
    return Feed(app, topics.DISPOSITIONS)


@pytest.fixture
def cases_feed(app: IntakeApplication) -> Feed:
    """Case events as tracking publishes them."""
    return Feed(app, topics.CASES)


@pytest.fixture
def client(spec: ServiceSpec) -> TestClient:
    """The real ASGI application (lifespan not started: no broker needed)."""
    return TestClient(build_app(spec))
