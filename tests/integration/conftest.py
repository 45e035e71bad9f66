"""Fixtures for the plumbing tests: both event-store backends, fresh topics per test."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from shared.contracts import IntakeMessage
from shared.db import ensure_database
from shared.messaging import codec
from shared.messaging.admin import ensure_topics
from shared.settings import CommonSettings
from tests.kafka_helpers import unique

pytestmark = pytest.mark.integration


@pytest.fixture(scope="session")
async def kafka(kafka_bootstrap: str) -> str:
    """The broker, with every project topic created."""
    await ensure_topics(kafka_bootstrap)
    return kafka_bootstrap


@dataclass(frozen=True)
class Lane:
    """A test's own input and output topics."""

    inbound: str
    outbound: str


@pytest.fixture
async def lane(kafka: str) -> Lane:
    """Fresh topics that carry intake messages, registered with the codec."""
    name = unique()
    lane = Lane(f"lapor.test.{name}.in.v1", f"lapor.test.{name}.out.v1")
    for topic in (lane.inbound, lane.outbound):
        codec.register_topic(topic, (IntakeMessage,))
    await ensure_topics(kafka, [lane.inbound, lane.outbound])
    return lane


@pytest.fixture(params=["sqlite", "postgres"])
def store_env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    """The eventsourcing environment of a fresh store on each backend."""
    if request.param == "sqlite":
        yield {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(tmp_path / "events.sqlite"),
        }
        return
    yield request.getfixturevalue("pg_env")


@pytest.fixture
def pg_env(postgres_url: str) -> dict[str, str]:
    """A fresh service database on the session's PostgreSQL."""
    common = CommonSettings(database_url=postgres_url)
    service = f"t{uuid.uuid4().hex[:10]}"
    ensure_database(postgres_url, common.database_name(service))
    return common.eventsourcing_env(service)
