"""Fixtures of the routing unit tests (helpers live in routing_helpers)."""

from __future__ import annotations

import pytest
from routing_helpers import START, Feed, FixedClock, build

from routing.adapters.keyword_router import KeywordRouter
from routing.application.app import RoutingApplication
from shared.runtime import ServiceSpec


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def spec(clock: FixedClock) -> ServiceSpec:
    return build(clock)


@pytest.fixture
def app(spec: ServiceSpec) -> RoutingApplication:
    application: RoutingApplication = spec.application
    return application


@pytest.fixture
def feed(app: RoutingApplication) -> Feed:
    return Feed(app)


@pytest.fixture(scope="session")
def router() -> KeywordRouter:
    return KeywordRouter()
