"""The four services as processes, `replicas` of each in one consumer group, and what they use."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

from services.local.infra import REPO_ROOT, free_ports
from shared.auth import ROLES, digest, new_token
from shared.directory import body_codes

SERVICES = ("intake", "routing", "tracking", "notification")


class ServicesError(RuntimeError):
    """A service did not start or did not stop."""


@dataclass
class Replica:
    """One running service process."""

    service: str
    port: int
    process: subprocess.Popen[bytes]
    handle: psutil.Process
    peak_rss: int = 0
    cpu_at_mark: float = 0.0
    cpu_at_end: float = 0.0

    def cpu(self) -> float:
        """CPU seconds (user and system) this process has used so far."""
        times = self.handle.cpu_times()
        return float(times.user + times.system)


@dataclass
class System:
    """The services of one bench run: environment, processes, resource figures."""

    kafka: str
    database_url: str | None
    folder: Path
    instance: str
    replicas: list[Replica] = field(default_factory=list)
    tokens: dict[str, str] = field(
        default_factory=lambda: {
            role: new_token() for role in [*ROLES, *(f"skpd:{c}" for c in body_codes())]
        }
    )

    def env(self, name: str, port: int) -> dict[str, str]:
        """A replica's environment: this run's broker, store, instance, folder and port."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("LAPOR_")}
        env.update(
            PYTHONPATH=str(REPO_ROOT),
            LAPOR_KAFKA_BOOTSTRAP_SERVERS=self.kafka,
            LAPOR_INSTANCE=self.instance,
            LAPOR_STATE_DIR=str(self.folder),
            LAPOR_AUTH_TOKENS=json.dumps({digest(t): r for r, t in self.tokens.items()}),
            **{f"LAPOR_{name.upper()}_PORT": str(port)},
        )
        if self.database_url:
            env["LAPOR_DATABASE_URL"] = self.database_url
        return env

    def start(self, count: int, timeout: float = 180.0) -> None:
        """Start `count` replicas of each service, one wave at a time, each wave ready."""
        ports = iter(free_ports(count * len(SERVICES)))
        for wave in range(count):
            started = [self._start(name, next(ports), wave) for name in SERVICES]
            for replica in started:
                self._wait_ready(replica, timeout)

    def _start(self, name: str, port: int, wave: int) -> Replica:
        log = open(self.folder / f"{name}-{wave}.log", "ab")  # noqa: SIM115 - the child keeps it
        process = subprocess.Popen(
            [sys.executable, "-m", "services.cli.main", "serve", name],
            cwd=self.folder,
            env=self.env(name, port),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
        )
        log.close()
        replica = Replica(name, port, process, psutil.Process(process.pid))
        self.replicas.append(replica)
        return replica

    def _wait_ready(self, replica: Replica, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if replica.process.poll() is not None:
                raise ServicesError(f"{replica.service} exited; see its log in {self.folder}")
            if self._is_ready(replica):
                return
            time.sleep(0.3)
        raise ServicesError(f"{replica.service} not ready in {timeout:.0f} s")

    def kill(self, service: str) -> Replica:
        """SIGKILL the first replica of `service` (no goodbye: a crash) and reap it."""
        replica = next(r for r in self.replicas if r.service == service)
        replica.process.kill()
        replica.process.wait()
        return replica

    def terminate(self, service: str, grace: float = 30.0) -> tuple[Replica, float | None]:
        """SIGTERM the first replica of `service`: seconds until it exited (None: SIGKILLed)."""
        replica = next(r for r in self.replicas if r.service == service)
        began = time.monotonic()
        replica.process.send_signal(signal.SIGTERM)
        try:
            replica.process.wait(grace)
        except subprocess.TimeoutExpired:
            replica.process.kill()
            replica.process.wait()
            return replica, None
        return replica, round(time.monotonic() - began, 1)

    def restart(self, replica: Replica, timeout: float = 180.0) -> Replica:
        """Start a killed replica again on its port, as a supervisor would; wait until ready."""
        wave = sum(1 for r in self.replicas if r.service == replica.service) - 1
        self.replicas.remove(replica)
        started = self._start(replica.service, replica.port, wave)
        self._wait_ready(started, timeout)
        return started

    def ready(self) -> list[str]:
        """The services whose every replica answers readiness with 200 now."""
        failing = {r.service for r in self.replicas if not self._is_ready(r)}
        return [name for name in SERVICES if name not in failing]

    def _is_ready(self, replica: Replica) -> bool:
        url = f"http://127.0.0.1:{replica.port}/health/ready"
        try:
            return httpx.get(url, timeout=5).status_code == 200
        except httpx.HTTPError:
            return False

    def sample(self) -> None:
        """Note each process's memory (call often: the peak is what is reported)."""
        for r in self.replicas:
            with contextlib.suppress(psutil.Error):
                r.peak_rss = max(r.peak_rss, r.handle.memory_info().rss)

    def mark(self) -> None:
        """The load starts: CPU counts from here (imports and start-up left out)."""
        for r in self.replicas:
            r.cpu_at_mark = r.cpu()

    def end(self) -> None:
        """The load is through: CPU counts up to here."""
        self.sample()
        for r in self.replicas:
            r.cpu_at_end = r.cpu()

    def rss_mb(self) -> dict[str, float]:
        """Peak resident memory per service, summed over replicas (MB)."""
        return self._per_service(lambda r: r.peak_rss / 1_048_576)

    def cpu_s(self) -> dict[str, float]:
        """CPU seconds per service from mark to end, summed over replicas."""
        return self._per_service(lambda r: r.cpu_at_end - r.cpu_at_mark)

    def _per_service(self, figure: Callable[[Replica], float]) -> dict[str, float]:
        return {
            name: round(sum(figure(r) for r in self.replicas if r.service == name), 2)
            for name in SERVICES
        }

    def stop(self, timeout: float = 30.0) -> dict[str, float]:
        """SIGTERM every replica; SIGKILL what has not exited in `timeout` seconds.

        Returns the seconds each service took to exit (its slowest replica).
        """
        for r in self.replicas:
            if r.process.poll() is None:
                r.process.send_signal(signal.SIGTERM)
        began = time.monotonic()
        took: dict[str, float] = {}
        for r in self.replicas:
            try:
                r.process.wait(max(0.0, began + timeout - time.monotonic()))
            except subprocess.TimeoutExpired:
                r.process.kill()
                r.process.wait()
            took[r.service] = round(time.monotonic() - began, 1)
        return took
