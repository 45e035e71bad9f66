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


@pytest.fixture
def keyword_app(clock: FixedClock) -> RoutingApplication:
    """The service with the keyword rules alone: candidates are exactly the bodies named."""
    application: RoutingApplication = build(clock, router=KeywordRouter()).application
    return application


@pytest.fixture
def keyword_feed(keyword_app: RoutingApplication) -> Feed:
    return Feed(keyword_app)
