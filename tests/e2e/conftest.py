"""The four services as real processes on the real broker and PostgreSQL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from shared.auth import ROLES, digest, new_token
from shared.directory import body_codes
from shared.messaging.admin import ensure_topics
from tests.infra import free_ports

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("intake", "routing", "tracking", "notification")


@dataclass
class System:
    """Four running services and how to reach them."""

    kafka: str
    database_url: str
    folder: Path
    tokens: dict[str, str]
    ports: dict[str, int]
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    prefix: str = ""

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def auth(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def env(self, name: str) -> dict[str, str]:
        base = {k: v for k, v in os.environ.items() if not k.startswith("LAPOR_")}
        return {
            **base,
            "PYTHONPATH": str(ROOT),
            "LAPOR_KAFKA_BOOTSTRAP_SERVERS": self.kafka,
            "LAPOR_DATABASE_URL": self.database_url,
            "LAPOR_INSTANCE": self.prefix,
            "LAPOR_STATE_DIR": str(self.folder),
            "LAPOR_TEST_MODE": "true",
            # no quiet hours: SMS at night must not wait for the morning in these tests
            "LAPOR_NOTIFICATION_QUIET_START": "00:00",
            "LAPOR_NOTIFICATION_QUIET_END": "00:00",
            "LAPOR_NOTIFICATION_QUIET_CHANNELS": "[]",
            # a failed delivery is tried again within seconds (E's policy, shorter), so a test
            # sees the retries and the give-up without waiting minutes
            "LAPOR_NOTIFICATION_RETRY_BASE_SECONDS": "1",
            "LAPOR_NOTIFICATION_RETRY_MAX_SECONDS": "2",
            "LAPOR_AUTH_TOKENS": json.dumps({digest(t): r for r, t in self.tokens.items()}),
            # issued tokens (a person's name with a role), re-read on change, as `lapor dev up`
            "LAPOR_AUTH_TOKENS_FILE": str(self.folder / "tokens.json"),
            f"LAPOR_{name.upper()}_PORT": str(self.ports[name]),
        }

    def start(self, name: str) -> None:
        log = open(self.folder / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", "services.cli.main", "serve", name],
            cwd=self.folder,
            env=self.env(name),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
        )

    def wait_ready(self, name: str, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            process = self.processes[name]
            if process.poll() is not None:
                raise AssertionError(f"{name} exited: {self.log_tail(name)}")
            try:
                if httpx.get(f"{self.url(name)}/health/ready", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise AssertionError(f"{name} not ready in {timeout} s: {self.log_tail(name)}")

    def stop(self, name: str, timeout: float = 30.0) -> None:
        process = self.processes.pop(name)
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def log_tail(self, name: str, chars: int = 3000) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace")[-chars:] if path.exists() else "(no log)"


@pytest.fixture(scope="session")
def system(
    kafka_bootstrap: str, postgres_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[System]:
    """The whole system, once per session (the e2e tests share it)."""
    import asyncio

    asyncio.run(ensure_topics(kafka_bootstrap))
    tokens = {role: new_token() for role in [*ROLES, *(f"skpd:{c}" for c in body_codes())]}
    ports = dict(zip(SERVICES, free_ports(len(SERVICES)), strict=True))
    prefix = f"e2e{uuid.uuid4().hex[:8]}"
    running = System(
        kafka_bootstrap,
        postgres_url,
        tmp_path_factory.mktemp("system"),
        tokens,
        ports,
        prefix=prefix,
    )
    try:
        for name in SERVICES:
            running.start(name)
        for name in SERVICES:
            running.wait_ready(name)
        yield running
    finally:
        for name in list(running.processes):
            running.stop(name)
