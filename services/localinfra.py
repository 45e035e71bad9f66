"""Apache Kafka and PostgreSQL on free loopback ports without Docker, via the deploy scripts.

`LocalKafka` and `LocalPostgres` drive ``deploy/kafka.sh`` and ``deploy/postgres.sh`` in throw-away
state folders (the Kafka jars come from the shared cache in ``$LAPOR_CACHE_DIR`` /
``~/.cache/lapor``, so only the first run downloads them). The tests and `lapor bench` use them.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEPLOY_DIR = REPO_ROOT / "deploy"
KAFKA_SH = DEPLOY_DIR / "kafka.sh"
POSTGRES_SH = DEPLOY_DIR / "postgres.sh"
SYSTEM_DEPS_SH = DEPLOY_DIR / "system-deps.sh"

HOST = "127.0.0.1"


class InfraError(RuntimeError):
    """A deploy script failed; the message carries its output."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    return free_ports(1)[0]


def free_ports(count: int) -> list[int]:
    """`count` distinct free TCP ports on 127.0.0.1 (all sockets are held until all are chosen)."""
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind((HOST, 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def _text(data: str | bytes | None) -> str:
    if data is None:
        return ""
    return data.decode(errors="replace") if isinstance(data, bytes) else data


def _run_script(script: Path, command: str, env: dict[str, str], timeout: float) -> str:
    """Run `script command` with `env` added; return stdout; raise InfraError on failure."""
    full_env = {**os.environ, **env}
    try:
        proc = subprocess.run(
            [str(script), command],
            env=full_env,
            cwd=str(REPO_ROOT),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise InfraError(
            f"{script.name} {command} timed out after {timeout}s\n"
            f"stdout:\n{_text(exc.stdout)}\nstderr:\n{_text(exc.stderr)}"
        ) from exc
    if proc.returncode != 0:
        raise InfraError(
            f"{script.name} {command} failed (exit {proc.returncode})\n"
            f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
        )
    return proc.stdout


def _parse_assignment(stdout: str, name: str) -> str | None:
    for line in stdout.splitlines():
        if line.startswith(name + "="):
            return line.split("=", 1)[1].strip()
    return None


class LocalKafka:
    """A single-node Apache Kafka (KRaft) on free ports, via ``deploy/kafka.sh``.

    ``with LocalKafka() as kafka: kafka.bootstrap_servers`` -> ``"127.0.0.1:PORT"``.
    A temporary state folder is created (and removed by ``stop()``) unless `state_dir` is given.
    """

    def __init__(
        self,
        state_dir: str | Path | None = None,
        port: int | None = None,
        controller_port: int | None = None,
        *,
        start_timeout: float = 300.0,
        keep_state: bool = False,
    ) -> None:
        self._own_state = state_dir is None
        self._state_dir = Path(state_dir).resolve() if state_dir is not None else None
        self._port = port
        self._controller_port = controller_port
        self.start_timeout = start_timeout  # includes a first-time jar download
        self.keep_state = keep_state
        self.started = False

    @property
    def port(self) -> int:
        if self._port is None:
            raise InfraError("LocalKafka is not started")
        return self._port

    @property
    def bootstrap_servers(self) -> str:
        return f"{HOST}:{self.port}"

    @property
    def state_dir(self) -> Path:
        if self._state_dir is None:
            raise InfraError("LocalKafka is not started")
        return self._state_dir

    def _env(self) -> dict[str, str]:
        return {
            "KAFKA_STATE_DIR": str(self.state_dir),
            "KAFKA_PORT": str(self._port),
            "KAFKA_CONTROLLER_PORT": str(self._controller_port),
        }

    def start(self) -> LocalKafka:
        if self.started:
            return self
        if self._state_dir is None:
            self._state_dir = Path(tempfile.mkdtemp(prefix="lapor-kafka-")) / "kafka"
        if self._port is None or self._controller_port is None:
            a, b = free_ports(2)
            self._port = self._port or a
            self._controller_port = self._controller_port or b
        try:
            out = _run_script(KAFKA_SH, "start", self._env(), timeout=self.start_timeout)
            announced = _parse_assignment(out, "KAFKA_BOOTSTRAP_SERVERS")
            if announced and announced != self.bootstrap_servers:
                raise InfraError(
                    f"kafka.sh announced {announced}, expected {self.bootstrap_servers}"
                )
        except BaseException:
            with contextlib.suppress(Exception):
                self.stop()
            raise
        self.started = True
        return self

    def stop(self) -> None:
        if self._state_dir is None:
            return
        try:
            _run_script(KAFKA_SH, "stop", self._env(), timeout=90)
        finally:
            self.started = False
            if self._own_state and not self.keep_state:
                shutil.rmtree(self._state_dir.parent, ignore_errors=True)

    def log_tail(self, lines: int = 50) -> str:
        """The end of the broker's INFO log (for failing tests)."""
        path = self.state_dir / "server.log"
        try:
            return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def __enter__(self) -> LocalKafka:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class LocalPostgres:
    """A private PostgreSQL server on a free port, via ``deploy/postgres.sh``.

    ``with LocalPostgres() as pg: pg.url`` -> ``"postgresql://postgres@127.0.0.1:PORT/postgres"``
    (trust authentication, superuser ``postgres``). The server folder lives under /var/tmp (user
    postgres must reach it); ``stop()`` deletes it unless `keep_state` or an explicit `state_dir`.
    """

    def __init__(
        self,
        state_dir: str | Path | None = None,
        port: int | None = None,
        *,
        data_dir: str | Path | None = None,
        start_timeout: float = 600.0,
        keep_state: bool = False,
    ) -> None:
        self._own_state = state_dir is None
        self._state_dir = Path(state_dir).resolve() if state_dir is not None else None
        self._port = port
        self._data_dir = Path(data_dir).resolve() if data_dir is not None else None
        self.start_timeout = start_timeout  # includes a possible apt-get install postgresql
        self.keep_state = keep_state
        self.started = False

    @property
    def port(self) -> int:
        if self._port is None:
            raise InfraError("LocalPostgres is not started")
        return self._port

    @property
    def url(self) -> str:
        return f"postgresql://postgres@{HOST}:{self.port}/postgres"

    @property
    def state_dir(self) -> Path:
        if self._state_dir is None:
            raise InfraError("LocalPostgres is not started")
        return self._state_dir

    def _env(self) -> dict[str, str]:
        env = {"PG_STATE_DIR": str(self.state_dir), "PG_PORT": str(self._port)}
        if self._data_dir is not None:
            env["PG_DATA_DIR"] = str(self._data_dir)
        return env

    def start(self) -> LocalPostgres:
        if self.started:
            return self
        if self._state_dir is None:
            self._state_dir = Path(tempfile.mkdtemp(prefix="lapor-pg-state-")) / "postgres"
        if self._port is None:
            self._port = free_port()
        try:
            out = _run_script(POSTGRES_SH, "start", self._env(), timeout=self.start_timeout)
            announced = _parse_assignment(out, "LAPOR_DATABASE_URL")
            if announced and announced != self.url:
                raise InfraError(f"postgres.sh announced {announced}, expected {self.url}")
        except BaseException:
            with contextlib.suppress(Exception):
                self.stop()
            raise
        self.started = True
        return self

    def stop(self) -> None:
        if self._state_dir is None:
            return
        destroy = self._own_state and not self.keep_state
        try:
            _run_script(POSTGRES_SH, "destroy" if destroy else "stop", self._env(), timeout=120)
        finally:
            self.started = False
            if destroy:
                shutil.rmtree(self._state_dir.parent, ignore_errors=True)

    def __enter__(self) -> LocalPostgres:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def install_system(timeout: float = 1800.0) -> None:
    """What `make infra` does: system packages (Java, Maven, PostgreSQL) and the Kafka jars."""
    for script, command in ((SYSTEM_DEPS_SH, None), (KAFKA_SH, "install")):
        args = ["bash", str(script)] + ([command] if command else [])
        done = subprocess.run(
            args,
            cwd=str(REPO_ROOT),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            raise InfraError(f"{' '.join(args[1:])} failed (exit {done.returncode})\n{done.stderr}")
