"""`lapor dev up|down`: the embedded default (local Kafka, SQLite stores), fully detached."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from services.cli import kafka_access, tokens
from services.cli.state import (
    DEFAULT_PORTS,
    FACE_PORTS,
    FACES,
    SERVICES,
    DevState,
    project_root,
    state_dir,
)
from shared.contracts.base import Actor
from shared.contracts.tokens import TokenIssued
from shared.messaging.admin import ensure_topics
from shared.messaging.kafka_auth import security_options
from shared.messaging.principals import face_principal_name
from shared.settings import CommonSettings
from shared.tokens import operator

KAFKA_PORT = 9092
CONTROLLER_PORT = 9093


class DevError(Exception):
    """Something `lapor dev` cannot do, said plainly."""


def port_in_use(port: int) -> bool:
    """Whether something listens on 127.0.0.1:port."""
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def alive(pid: int | None) -> bool:
    """Whether a process exists (and is not a zombie we could reap)."""
    if not pid:
        return False
    try:
        waited, _ = os.waitpid(pid, os.WNOHANG)
        if waited == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def kafka_script(action: str, folder: Path, secure: bool = False) -> None:
    """Run deploy/kafka.sh with the dev state folder."""
    env = {
        **os.environ,
        "KAFKA_STATE_DIR": str(folder / "kafka"),
        "KAFKA_PORT": str(KAFKA_PORT),
        "KAFKA_CONTROLLER_PORT": str(CONTROLLER_PORT),
        "KAFKA_SECURE": "1" if secure else "0",
    }
    script = project_root() / "deploy" / "kafka.sh"
    done = subprocess.run(
        ["bash", str(script), action],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=sys.stderr,
        stderr=sys.stderr,
        check=False,
    )
    if done.returncode != 0:
        raise DevError(f"deploy/kafka.sh {action} failed (exit {done.returncode})")


def ready(url: str) -> bool:
    """Whether a service's readiness endpoint answers 200."""
    try:
        return httpx.get(f"{url}/health/ready", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def start_service(
    name: str, folder: Path, state: DevState, extra_env: dict[str, str] | None = None
) -> int:
    """Start one service detached: own session, no inherited stdio, absolute paths."""
    env = {
        **os.environ,
        "LAPOR_STATE_DIR": str(folder),
        "LAPOR_KAFKA_BOOTSTRAP_SERVERS": state.kafka_bootstrap_servers,
        "LAPOR_AUTH_TOKENS": json.dumps(state.token_digests()),
        f"LAPOR_{name.upper()}_PORT": str({**DEFAULT_PORTS, **FACE_PORTS}[name]),
        **(extra_env or {}),
    }
    if state.kafka_secure and name in SERVICES:  # each service logs in as its own principal
        env.update(kafka_access.principal_env(state.kafka_bootstrap_servers, folder, name))
    elif state.kafka_secure and name == "web":  # it reads lapor.tokens.v1 to sign staff in
        principal = face_principal_name(name)
        env.update(kafka_access.principal_env(state.kafka_bootstrap_servers, folder, principal))
    # not resolve(): the virtual environment's python is a symlink to the base interpreter
    python = Path(os.path.abspath(sys.executable))
    lapor = python.parent / "lapor"
    command = [str(lapor), "serve", name]
    if not lapor.exists():
        command = [str(python), "-m", "services.cli.main", "serve", name]
    return detach(name, command, env, folder)


def detach(name: str, command: list[str], env: dict[str, str], folder: Path) -> int:
    """Start a command detached (own session, no inherited stdio), logging to logs/<name>.log."""
    (folder / "logs").mkdir(parents=True, exist_ok=True)
    with open(folder / "logs" / f"{name}.log", "ab") as log, open(os.devnull, "rb") as devnull:
        process = subprocess.Popen(
            command,
            cwd=str(folder),
            env=env,
            stdin=devnull,
            stdout=log,
            stderr=log,
            start_new_session=True,
            close_fds=True,
        )
    return process.pid


def up(timeout: float = 180.0, secure: bool = False) -> DevState:
    """Start Kafka, create the topics, start the four services; idempotent."""
    folder = state_dir()
    folder.mkdir(parents=True, exist_ok=True)
    state = DevState.load(folder)
    state.kafka_bootstrap_servers = f"127.0.0.1:{KAFKA_PORT}"
    state.kafka_secure = secure
    state.ensure_tokens()
    kafka_script("start", folder, secure)
    if secure:
        asyncio.run(_secure_broker(state.kafka_bootstrap_servers, folder))
        admin = kafka_access.admin_settings(
            state.kafka_bootstrap_servers, folder / "kafka" / "admin.password"
        )
    else:
        asyncio.run(ensure_topics(state.kafka_bootstrap_servers))
        admin = CommonSettings(kafka_bootstrap_servers=state.kafka_bootstrap_servers)
    migrate_tokens_file(folder, admin)
    for name in SERVICES:
        url = f"http://127.0.0.1:{DEFAULT_PORTS[name]}"
        state.urls[name] = url
        if alive(state.pids.get(name)) and ready(url):
            continue
        if port_in_use(DEFAULT_PORTS[name]):
            raise DevError(f"port {DEFAULT_PORTS[name]} ({name}) is already in use")
        state.pids[name] = start_service(name, folder, state)
    _start_faces(folder, state)
    state.save(folder)
    _wait_ready(state, folder, timeout)
    from services.cli import email, sms, whatsapp

    email.dev_up(folder, state)  # the SMTP sink and the e-mail adapter, after intake is ready
    sms.dev_up(folder, state)  # Kannel, its operator stand-in and the SMS adapter
    whatsapp.dev_up(folder, state)  # the Cloud API stand-in and the WhatsApp adapter
    return state


def migrate_tokens_file(folder: Path, common: CommonSettings) -> int:
    """Tokens a tokens.json of an older `lapor dev up` holds move onto lapor.tokens.v1, once."""
    path = folder / "tokens.json"
    if not path.exists():
        return 0
    entries = tokens.load(path)
    events: list[TokenIssued] = []
    if entries:
        actor = Actor(role="operator", name="lapor dev up")
        known = asyncio.run(operator.current(common))
        events = operator.migrated(entries, known, actor, datetime.now(UTC))
        asyncio.run(operator.publish(common, events))
    path.rename(path.with_name("tokens.json.migrated"))
    return len(events)


async def _secure_broker(bootstrap_servers: str, folder: Path) -> None:
    """As the super user: every topic, every principal with its password, every ACL."""
    admin = kafka_access.admin_settings(bootstrap_servers, folder / "kafka" / "admin.password")
    await ensure_topics(bootstrap_servers, security=security_options(admin))
    await kafka_access.apply(admin, kafka_access.secrets_path(folder))


def _start_faces(folder: Path, state: DevState) -> None:
    """Open311 and the web pages: edge processes that call the services over HTTP."""
    extra = {
        "LAPOR_WEB_ADAPTER_TOKEN": state.tokens["adapter"],
        "LAPOR_WEB_ANALYST_TOKEN": state.tokens["analyst"],
        "LAPOR_OPEN311_ADAPTER_TOKEN": state.tokens["adapter"],
        **{f"LAPOR_{name.upper()}_URL": state.urls[name] for name in SERVICES},
    }
    for name in FACES:
        url = f"http://127.0.0.1:{FACE_PORTS[name]}"
        state.urls[name] = url
        if alive(state.pids.get(name)) and ready(url):
            continue
        if port_in_use(FACE_PORTS[name]):
            raise DevError(f"port {FACE_PORTS[name]} ({name}) is already in use")
        state.pids[name] = start_service(name, folder, state, extra)


def _wait_ready(state: DevState, folder: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    waiting = set(SERVICES) | set(FACES)
    while waiting:
        for name in sorted(waiting):
            if ready(state.urls[name]):
                waiting.discard(name)
            elif not alive(state.pids.get(name)):
                raise DevError(f"{name} exited; see {folder / 'logs' / (name + '.log')}")
        if time.monotonic() > deadline:
            raise DevError("not ready in time: " + ", ".join(sorted(waiting)))
        time.sleep(0.3)


def down(timeout: float = 30.0) -> None:
    """Stop the services, then Kafka; return only when every process has exited."""
    folder = state_dir()
    state = DevState.load(folder)
    for pid in state.pids.values():
        _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while any(alive(pid) for pid in state.pids.values()) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid in state.pids.values():
        if alive(pid):
            _signal(pid, signal.SIGKILL)
    while any(alive(pid) for pid in state.pids.values()):
        time.sleep(0.1)
    state.pids = {}
    state.save(folder)
    kafka_script("stop", folder)


def _signal(pid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
