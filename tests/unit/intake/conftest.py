"""Fixtures of the intake unit tests (helpers live in intake_helpers)."""

from __future__ import annotations

import pytest
from intake_helpers import START, Feed, FixedClock, build

from intake.application.app import IntakeApplication
from shared.runtime import ServiceSpec


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
