"""Real infrastructure for the tests: Apache Kafka and PostgreSQL without Docker.

`LocalKafka` and `LocalPostgres` (in ``services.local.infra``, which `lapor bench` shares) drive
``deploy/kafka.sh`` and ``deploy/postgres.sh`` on free ports in throw-away state folders.
Where a Docker engine answers, ``kafka_from_testcontainers`` / ``postgres_from_testcontainers``
offer the same endpoints from containers.

Nothing here imports pytest; ``tests/conftest.py`` decides which source to use.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator

from services.local.infra import (  # noqa: F401 - re-exported for the tests
    HOST,
    InfraError,
    LocalKafka,
    LocalPostgres,
    free_port,
    free_ports,
)

# Container images for the Docker path (override with these environment variables).
TESTCONTAINERS_KAFKA_IMAGE = os.environ.get(
    "LAPOR_TESTCONTAINERS_KAFKA_IMAGE",
    "confluentinc/cp-kafka:8.1.1",  # Apache Kafka 4.1
)
TESTCONTAINERS_POSTGRES_IMAGE = os.environ.get(
    "LAPOR_TESTCONTAINERS_POSTGRES_IMAGE",
    "postgres:15",  # the server Debian 12 ships
)


def docker_available(timeout: float = 5.0) -> bool:
    """True when a docker client exists and `docker info` answers within `timeout` seconds."""
    docker = shutil.which("docker")
    if docker is None:
        return False
    try:
        proc = subprocess.run(
            [docker, "info", "--format", "{{.ServerVersion}}"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except (subprocess.TimeoutExpired, OSError):
        return False
    return proc.returncode == 0 and bool(proc.stdout.strip())


@contextlib.contextmanager
def kafka_from_testcontainers(image: str | None = None) -> Iterator[str]:
    """A KRaft Kafka container; yields its bootstrap servers ("host:port").

    Configured like deploy/kafka.sh: no topic auto-creation, 6 partitions, replication factor 1.
    """
    from testcontainers.community.kafka import KafkaContainer  # testcontainers >= 4.15

    container = (
        KafkaContainer(image or TESTCONTAINERS_KAFKA_IMAGE)
        .with_kraft()
        .with_env("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
        .with_env("KAFKA_NUM_PARTITIONS", "6")
        .with_env("KAFKA_DEFAULT_REPLICATION_FACTOR", "1")
        .with_env("KAFKA_MIN_INSYNC_REPLICAS", "1")
        .with_env("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
        .with_env("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1")
    )
    with container as kafka:
        yield kafka.get_bootstrap_server()


@contextlib.contextmanager
def postgres_from_testcontainers(image: str | None = None) -> Iterator[str]:
    """A PostgreSQL container; yields ``postgresql://user:password@host:port/db`` (no driver)."""
    from testcontainers.community.postgres import PostgresContainer  # testcontainers >= 4.15

    with PostgresContainer(
        image or TESTCONTAINERS_POSTGRES_IMAGE,
        username="postgres",
        password="postgres",
        dbname="postgres",
        driver=None,
    ) as pg:
        yield pg.get_connection_url(driver=None)
