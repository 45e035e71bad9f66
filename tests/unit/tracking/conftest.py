"""Fixtures of the tracking unit tests (helpers live in tracking_helpers)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi import Request
from fastapi.testclient import TestClient
from tracking_helpers import START, Feed, FixedClock, build, settings

from shared.runtime import build_app
from tracking.application.app import TrackingApplication
from tracking.bootstrap import TrackingParts, bootstrap


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


@pytest.fixture
def client(tmp_path: Path, parts: TrackingParts, feed: Feed) -> TestClient:
    """The real service app (no lifespan); a desk action goes straight to the consumer's path."""

    async def send(_: Request, topic: str, action: Any) -> None:
        feed.send(topic, action)
        parts.projector.catch_up()

    spec = bootstrap(settings(tmp_path), parts=parts, send_action=send)
    return TestClient(build_app(spec))
