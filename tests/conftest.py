"""Infrastructure for integration and end-to-end tests, found as DESIGN.md orders it.

1. `LAPOR_KAFKA_BOOTSTRAP_SERVERS` / `LAPOR_DATABASE_URL` from the environment;
2. else testcontainers, where a Docker engine answers;
3. else the project's own scripts (deploy/kafka.sh, deploy/postgres.sh) on free ports.
Missing infrastructure fails the run under CI and skips it elsewhere; it never passes silently.

On the third path the two servers start side by side as soon as the collected tests are known to
need them (a broker's start takes the longest; PostgreSQL's runs beside it at no wait).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import pytest

from tests import infra
from tests.required import unavailable

FIXTURES = {"kafka": "kafka_bootstrap", "postgres": "postgres_url"}
CONFIGURED = {"kafka": "LAPOR_KAFKA_BOOTSTRAP_SERVERS", "postgres": "LAPOR_DATABASE_URL"}

# The real-stack files that take longest (--durations of `make test`'s two-worker run,
# 2026-12-07, summed per file), longest first; the other e2e files follow in collection order,
# then CLOCK_MOVED, then the integration files: many short ones, they fill in at the end so that
# both workers end together. test_tracking_flow moves its system's clock three weeks ahead (never
# back), and e2e files that followed it on one system would meet reports already overdue: only
# test_web_map_photos (which ran after it before) comes after it, and the integration files (they
# use no system). `make test` runs test_faults on its own, after the others: it loads the machine.
SLOW_FIRST = tuple(
    f"tests/e2e/test_{name}.py"
    for name in (
        "faults",
        "routing_learning",
        "bench_smoke",
        "replicas",
        "notification_email",
        "openapi_fuzz",
        "staff_accountable",
        "tokens_as_events",
        "status_link",
        "report_path",
        "cli",
        "open311_back_office",
        "text_edge",
        "whatsapp",
        "faces",
        "sms_kannel",
    )
)
CLOCK_MOVED = ("tests/e2e/test_tracking_flow.py", "tests/e2e/test_web_map_photos.py")


def _rank(path: str) -> tuple[int, int]:
    """Where a file goes: SLOW_FIRST, other e2e, CLOCK_MOVED, then the integration files."""
    if path in SLOW_FIRST:
        return 0, SLOW_FIRST.index(path)
    if path in CLOCK_MOVED:
        return 2, CLOCK_MOVED.index(path)
    return (1, 0) if path.startswith("tests/e2e/") else (3, 0)


_starting: dict[str, Future[infra.LocalKafka | infra.LocalPostgres]] = {}


def _start(kind: str) -> infra.LocalKafka | infra.LocalPostgres:
    # The session's broker is never restarted and its data is thrown away with it: at the end, two
    # seconds of SIGTERM grace before SIGKILL instead of thirty, as test_secure_broker's.
    server = infra.LocalKafka(stop_timeout=2) if kind == "kafka" else infra.LocalPostgres()
    return server.start()


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """With `--dist loadfile` (`make test`'s real-stack run), a file goes whole to one worker (its
    module fixtures run once) and each worker starts its own Kafka and PostgreSQL. A broker given
    by the environment is shared by the workers and the e2e systems' topic names are fixed, so
    then all e2e files go to one worker. (`--dist loadgroup` cannot say this under pytest 9: xdist
    3.8 renames node ids through an attribute pytest 9 no longer reads.)"""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class Files(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            shared = path.startswith("tests/e2e/") and os.environ.get(CONFIGURED["kafka"])
            return "tests/e2e" if shared else path

    return Files(config, log)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slowest files first, the short ones last: with `--no-loadscope-reorder` xdist hands out
    the groups in this order (a stable sort keeps collection order within each rank)."""
    items.sort(key=lambda item: _rank(item.nodeid.split("::", 1)[0]))


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the local servers the collected tests will ask for, both at once, in threads."""
    if session.config.option.collectonly:
        return
    wanted = {
        kind
        for item in session.items
        for kind, fixture in FIXTURES.items()
        if fixture in getattr(item, "fixturenames", ()) and not os.environ.get(CONFIGURED[kind])
    }
    if not wanted or infra.docker_available():
        return
    pool = ThreadPoolExecutor(max_workers=len(wanted), thread_name_prefix="infra")
    for kind in sorted(wanted):
        _starting[kind] = pool.submit(_start, kind)
    pool.shutdown(wait=False)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Stop a server started ahead whose fixture no test asked for after all."""
    for future in _starting.values():
        with contextlib.suppress(Exception):
            future.result().stop()
    _starting.clear()


@contextlib.contextmanager
def _local(kind: str, what: str) -> Iterator[infra.LocalKafka | infra.LocalPostgres]:
    """The server started ahead for `kind` (or started now), stopped after the session."""
    future = _starting.pop(kind, None)
    try:
        local = future.result() if future is not None else _start(kind)
    except Exception as error:
        unavailable(what, error)
    try:
        yield local
    finally:
        local.stop()


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    """A real Apache Kafka broker for the whole session."""
    configured = os.environ.get(CONFIGURED["kafka"])
    if configured:
        yield configured
        return
    if "kafka" not in _starting and infra.docker_available():
        with infra.kafka_from_testcontainers() as servers:
            yield servers
        return
    with _local("kafka", "Kafka") as local:
        assert isinstance(local, infra.LocalKafka)
        yield local.bootstrap_servers


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A real PostgreSQL server for the whole session."""
    configured = os.environ.get(CONFIGURED["postgres"])
    if configured:
        yield configured
        return
    if "postgres" not in _starting and infra.docker_available():
        with infra.postgres_from_testcontainers() as url:
            yield url
        return
    with _local("postgres", "PostgreSQL") as local:
        assert isinstance(local, infra.LocalPostgres)
        yield local.url
