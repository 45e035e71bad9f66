"""Fixtures of the tracking unit tests (helpers live in tracking_helpers)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tracking_helpers import START, Feed, FixedClock, build

from tracking.application.app import TrackingApplication
from tracking.bootstrap import TrackingParts


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def parts(tmp_path: Path, clock: FixedClock) -> TrackingParts:
    return build(tmp_path, clock)


@pytest.fixture
def app(parts: TrackingParts) -> TrackingApplication:
    return parts.app


@pytest.fixture
def feed(app: TrackingApplication) -> Feed:
    return Feed(app)
