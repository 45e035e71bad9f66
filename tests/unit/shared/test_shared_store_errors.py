"""A store that does not answer is a 503 with Retry-After on every service, never a bare 500."""

from __future__ import annotations

import dataclasses

import pytest
from eventsourcing.persistence import OperationalError as EventStoreDown
from fastapi import APIRouter
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError as ReadModelDown

from shared.runtime import build_app
from tests.unit.shared.test_shared_runtime import Collector, spec


@pytest.mark.parametrize(
    "error",
    [EventStoreDown("connection refused"), ReadModelDown("SELECT 1", {}, Exception("refused"))],
)
def test_a_store_that_does_not_answer_is_503_with_retry_after(error: Exception) -> None:
    router = APIRouter()

    @router.get("/v1/anything")
    def anything() -> None:
        raise error

    app = build_app(dataclasses.replace(spec(Collector()), routers=[router]))
    answer = TestClient(app, raise_server_exceptions=False).get("/v1/anything")
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "5"
    assert answer.json()["detail"].startswith("the store is unavailable, try again")
