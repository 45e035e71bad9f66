"""Infrastructure for integration and end-to-end tests, found as DESIGN.md orders it.

1. `LAPOR_KAFKA_BOOTSTRAP_SERVERS` / `LAPOR_DATABASE_URL` from the environment;
2. else testcontainers, where a Docker engine answers;
3. else the project's own scripts (deploy/kafka.sh, deploy/postgres.sh) on free ports.
Missing infrastructure fails the run under CI and skips it elsewhere; it never passes silently.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests import infra

CI = bool(os.environ.get("CI"))


def _unavailable(what: str, error: BaseException) -> None:
    message = f"{what} is not available: {error}"
    if CI:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    """A real Apache Kafka broker for the whole session."""
    configured = os.environ.get("LAPOR_KAFKA_BOOTSTRAP_SERVERS")
    if configured:
        yield configured
        return
    if infra.docker_available():
        with infra.kafka_from_testcontainers() as servers:
            yield servers
        return
    local = infra.LocalKafka()
    try:
        local.start()
    except Exception as error:
        _unavailable("Kafka", error)
    try:
        yield local.bootstrap_servers
    finally:
        local.stop()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A real PostgreSQL server for the whole session."""
    configured = os.environ.get("LAPOR_DATABASE_URL")
    if configured:
        yield configured
        return
    if infra.docker_available():
        with infra.postgres_from_testcontainers() as url:
            yield url
        return
    local = infra.LocalPostgres()
    try:
        local.start()
    except Exception as error:
        _unavailable("PostgreSQL", error)
    try:
        yield local.url
    finally:
        local.stop()
