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
from typing import Self

REPO_ROOT = Path(__file__).resolve().parents[2]
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


class _LocalServer:
    """What both servers share: a deploy script, a state folder, a port, `with` support."""

    script: Path
    announces = ""  # the NAME=value line the script prints when the server is up
    temp_prefix = "lapor-"
    folder = "server"

    def __init__(
        self,
        state_dir: str | Path | None,
        port: int | None,
        start_timeout: float,
        keep_state: bool,
    ) -> None:
        self._own_state = state_dir is None
        self._state_dir = Path(state_dir).resolve() if state_dir is not None else None
        self._port = port
        self.start_timeout = start_timeout
        self.keep_state = keep_state
        self.started = False

    @property
    def port(self) -> int:
        if self._port is None:
            raise InfraError(f"{type(self).__name__} is not started")
        return self._port

    @property
    def state_dir(self) -> Path:
        if self._state_dir is None:
            raise InfraError(f"{type(self).__name__} is not started")
        return self._state_dir

    @property
    def address(self) -> str:
        """What the script announces when the server answers."""
        raise NotImplementedError

    def _env(self) -> dict[str, str]:
        raise NotImplementedError

    def _choose_ports(self) -> None:
        if self._port is None:
            self._port = free_port()

    def _stop_command(self, remove: bool) -> str:
        return "stop"

    def start(self) -> Self:
        if self.started:
            return self
        if self._state_dir is None:
            self._state_dir = Path(tempfile.mkdtemp(prefix=self.temp_prefix)) / self.folder
        self._choose_ports()
        try:
            out = _run_script(self.script, "start", self._env(), timeout=self.start_timeout)
            announced = _parse_assignment(out, self.announces)
            if announced and announced != self.address:
                raise InfraError(
                    f"{self.script.name} announced {announced}, expected {self.address}"
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
        remove = self._own_state and not self.keep_state
        try:
            _run_script(self.script, self._stop_command(remove), self._env(), timeout=120)
        finally:
            self.started = False
            if remove:
                shutil.rmtree(self._state_dir.parent, ignore_errors=True)

    def restart(self) -> None:
        """Stop the server and start it again on the same state folder, data and port."""
        if not self.started:
            raise InfraError(f"{type(self).__name__} is not started")
        try:
            _run_script(self.script, "stop", self._env(), timeout=120)
        finally:
            self.started = False
        self.start()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class LocalKafka(_LocalServer):
    """A single-node Apache Kafka (KRaft) on free ports, via ``deploy/kafka.sh``.

    ``with LocalKafka() as kafka: kafka.bootstrap_servers`` -> ``"127.0.0.1:PORT"``.
    A temporary state folder is created (and removed by ``stop()``) unless `state_dir` is given.
    """

    script = KAFKA_SH
    announces = "KAFKA_BOOTSTRAP_SERVERS"
    temp_prefix = "lapor-kafka-"
    folder = "kafka"

    def __init__(
        self,
        state_dir: str | Path | None = None,
        port: int | None = None,
        controller_port: int | None = None,
        *,
        start_timeout: float = 300.0,  # includes a first-time jar download
        keep_state: bool = False,
        secure: bool = False,
        stop_timeout: float | None = None,
    ) -> None:
        super().__init__(state_dir, port, start_timeout, keep_state)
        self._controller_port = controller_port
        self.secure = secure  # SASL_PLAINTEXT, SCRAM-SHA-512 and ACLs (KAFKA_SECURE=1)
        self.stop_timeout = stop_timeout  # seconds of SIGTERM grace before SIGKILL (None: 30)

    @property
    def admin_security(self) -> dict[str, str]:
        """aiokafka's keyword arguments to log in as the super user (secure mode only)."""
        if not self.secure:
            raise InfraError("LocalKafka is not secure")
        password = (self.state_dir / "admin.password").read_text().strip()
        return {
            "security_protocol": "SASL_PLAINTEXT",
            "sasl_mechanism": "SCRAM-SHA-512",
            "sasl_plain_username": "admin",
            "sasl_plain_password": password,
        }

    @property
    def bootstrap_servers(self) -> str:
        return f"{HOST}:{self.port}"

    @property
    def address(self) -> str:
        return self.bootstrap_servers

    def _choose_ports(self) -> None:
        if self._port is None or self._controller_port is None:
            a, b = free_ports(2)
            self._port = self._port or a
            self._controller_port = self._controller_port or b

    def _env(self) -> dict[str, str]:
        return {
            "KAFKA_STATE_DIR": str(self.state_dir),
            "KAFKA_PORT": str(self._port),
            "KAFKA_CONTROLLER_PORT": str(self._controller_port),
            "KAFKA_SECURE": "1" if self.secure else "0",
            **({"KAFKA_STOP_TIMEOUT": f"{self.stop_timeout:.0f}"} if self.stop_timeout else {}),
        }

    def log_tail(self, lines: int = 50) -> str:
        """The end of the broker's INFO log (for failing tests)."""
        path = self.state_dir / "server.log"
        try:
            return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


class LocalPostgres(_LocalServer):
    """A private PostgreSQL server on a free port, via ``deploy/postgres.sh``.

    ``with LocalPostgres() as pg: pg.url`` -> ``"postgresql://postgres@127.0.0.1:PORT/postgres"``
    (trust authentication, superuser ``postgres``). The server folder lives under /var/tmp (user
    postgres must reach it); ``stop()`` deletes it unless `keep_state` or an explicit `state_dir`.
    """

    script = POSTGRES_SH
    announces = "LAPOR_DATABASE_URL"
    temp_prefix = "lapor-pg-state-"
    folder = "postgres"

    def __init__(
        self,
        state_dir: str | Path | None = None,
        port: int | None = None,
        *,
        data_dir: str | Path | None = None,
        start_timeout: float = 600.0,  # includes a possible apt-get install postgresql
        keep_state: bool = False,
        server_options: str = "",
    ) -> None:
        super().__init__(state_dir, port, start_timeout, keep_state)
        self._data_dir = Path(data_dir).resolve() if data_dir is not None else None
        self._server_options = server_options  # more `-c name=value` settings, for a profile

    @property
    def url(self) -> str:
        return f"postgresql://postgres@{HOST}:{self.port}/postgres"

    @property
    def address(self) -> str:
        return self.url

    def _env(self) -> dict[str, str]:
        env = {"PG_STATE_DIR": str(self.state_dir), "PG_PORT": str(self._port)}
        if self._data_dir is not None:
            env["PG_DATA_DIR"] = str(self._data_dir)
        if self._server_options:
            env["PG_SERVER_OPTIONS"] = self._server_options
        return env

    def _stop_command(self, remove: bool) -> str:
        return "destroy" if remove else "stop"


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
