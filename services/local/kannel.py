"""A local Kannel: bearerbox and smsbox with a generated configuration, linked over HTTP (`smsc =
http`, `system-type = kannel`) to the operator stand-in, and handing MO messages to the adapter."""

from __future__ import annotations

import json
import secrets
import shutil
import socket
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

import httpx

SHORT_CODE = "1708"
SMSC_ID = "operator"
T = TypeVar("T")


class KannelMissing(Exception):
    """bearerbox or smsbox is not installed (Debian: `apt-get install kannel`), or not running."""


@dataclass(frozen=True)
class KannelPorts:
    """Where each part listens on 127.0.0.1."""

    admin: int = 13000
    sendsms: int = 13013
    smsbox: int = 13001  # bearerbox's port for smsbox
    smsc: int = 13015  # bearerbox's HTTP SMSC: the operator delivers MO and DLRs here
    operator: int = 13016  # the operator stand-in, where bearerbox submits MT messages


@dataclass(frozen=True)
class KannelSetup:
    """A generated configuration: its folder, ports and the passwords in it."""

    folder: Path
    ports: KannelPorts
    adapter_url: str
    sendsms_username: str
    sendsms_password: str
    smsc_username: str
    smsc_password: str
    admin_password: str
    callback_key: str
    max_messages: int = 3

    @property
    def conf(self) -> Path:
        return self.folder / "kannel.conf"

    @property
    def outbox(self) -> Path:
        return self.folder / "outbox"

    @property
    def sendsms_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.sendsms}/cgi-bin/sendsms"

    @property
    def mo_url(self) -> str:
        """Append `&from=…&to=1708&text=…` to deliver a message as the operator would."""
        user, password = quote(self.smsc_username), quote(self.smsc_password)
        return f"http://127.0.0.1:{self.ports.smsc}/?username={user}&password={password}"

    def save(self) -> None:
        path = self.folder / "setup.json"
        body = {**asdict(self), "folder": str(self.folder), "ports": asdict(self.ports)}
        path.write_text(json.dumps(body, indent=2))
        path.chmod(0o600)

    @classmethod
    def load(cls, folder: Path) -> KannelSetup | None:
        path = folder / "setup.json"
        if not path.exists():
            return None
        body = json.loads(path.read_text())
        return cls(**{**body, "folder": folder, "ports": KannelPorts(**body["ports"])})


def new_setup(
    folder: Path, ports: KannelPorts, adapter_url: str, max_messages: int = 3
) -> KannelSetup:
    """Fresh passwords for a configuration under `folder`."""
    return KannelSetup(
        folder=folder,
        ports=ports,
        adapter_url=adapter_url.rstrip("/"),
        sendsms_username="lapor",
        sendsms_password=secrets.token_urlsafe(18),
        smsc_username=SMSC_ID,
        smsc_password=secrets.token_urlsafe(18),
        admin_password=secrets.token_urlsafe(18),
        callback_key=secrets.token_urlsafe(24),
        max_messages=max_messages,
    )


def binary(name: str) -> str:
    """The absolute path of bearerbox or smsbox (Debian installs them under /usr/sbin)."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/local/sbin")
    if not found:
        raise KannelMissing(f"{name} is not installed: run deploy/system-deps.sh (Debian kannel)")
    return found


def mo_get_url(adapter_url: str, key: str) -> str:
    """smsbox's get-url for every MO message: the raw text (%b) with its coding and charset."""
    return (
        f"{adapter_url}/v1/kannel/mo?key={quote(key)}"
        "&from=%p&to=%P&text=%b&coding=%c&charset=%C&id=%I&time=%t"
    )


def render(setup: KannelSetup) -> str:
    """The kannel.conf text: one core, one HTTP SMSC, one smsbox, one sendsms user, one service."""
    p, folder = setup.ports, setup.folder
    groups = {
        "core": {
            "admin-port": p.admin,
            "admin-password": setup.admin_password,
            "admin-allow-ip": "127.0.0.1",
            "smsbox-port": p.smsbox,
            "box-allow-ip": "127.0.0.1",
            "log-file": folder / "bearerbox.log",
            "log-level": 1,
            "access-log": folder / "access.log",
            "dlr-storage": "internal",
            "sms-combine-concatenated-mo": "true",
        },
        "smsc": {
            "smsc": "http",
            "smsc-id": SMSC_ID,
            "system-type": "kannel",
            "port": p.smsc,
            "connect-allow-ip": "127.0.0.1",
            "smsc-username": setup.smsc_username,
            "smsc-password": setup.smsc_password,
            "send-url": f"http://127.0.0.1:{p.operator}/cgi-bin/sendsms",
            # the operator reports delivery back to this SMSC, which finds the message it sent
            "dlr-url": setup.mo_url,
        },
        "smsbox": {
            "bearerbox-host": "127.0.0.1",
            "bearerbox-port": p.smsbox,
            "sendsms-port": p.sendsms,
            "sendsms-interface": "127.0.0.1",
            "log-file": folder / "smsbox.log",
            "log-level": 1,
            "access-log": folder / "smsbox-access.log",
            "http-request-retry": 3,
            "http-queue-delay": 2,
        },
        "sendsms-user": {
            "username": setup.sendsms_username,
            "password": setup.sendsms_password,
            "user-allow-ip": "127.0.0.1",
            "concatenation": "true",
            "max-messages": setup.max_messages,
            "faked-sender": SHORT_CODE,
        },
        "sms-service": {
            "keyword": "default",
            "catch-all": "true",
            "get-url": mo_get_url(setup.adapter_url, setup.callback_key),
            "max-messages": 0,  # replies go through notification, never as the HTTP answer
            "omit-empty": "true",
        },
    }
    blocks = []
    for group, values in groups.items():
        lines = [f"group = {group}"] + [f"{k} = {_value(v)}" for k, v in values.items()]
        blocks.append("\n".join(lines))
    return "# generated by lapor; do not edit\n\n" + "\n\n".join(blocks) + "\n"


def _value(value: object) -> str:
    if isinstance(value, int):
        return str(value)
    return '"' + str(value).replace('"', "") + '"'


def write(setup: KannelSetup) -> Path:
    """Write kannel.conf (readable by its owner only: it holds passwords) and setup.json."""
    setup.folder.mkdir(parents=True, exist_ok=True)
    setup.outbox.mkdir(exist_ok=True)
    setup.conf.write_text(render(setup))
    setup.conf.chmod(0o600)
    setup.save()
    return setup.conf


def commands(setup: KannelSetup, python: str, refused: list[str]) -> dict[str, list[str]]:
    """The three processes of the local gateway, in start order: operator, bearerbox, smsbox."""
    operator = [
        python, "-m", "services.cli.main", "smsc-operator",
        "--port", str(setup.ports.operator),
        "--outbox", str(setup.outbox),
        "--username", setup.smsc_username,
        "--password", setup.smsc_password,
    ]  # fmt: skip
    for number in refused:
        operator += ["--refuse", number]
    return {
        "smsc-operator": operator,
        "bearerbox": [binary("bearerbox"), str(setup.conf)],
        "smsbox": [binary("smsbox"), str(setup.conf)],
    }


def start(
    setup: KannelSetup, python: str, refused: list[str], spawn: Callable[[str, list[str]], T]
) -> dict[str, T]:
    """Start the operator and bearerbox, then smsbox once bearerbox listens for it (smsbox gives
    up at once when bearerbox is not there yet)."""
    started: dict[str, T] = {}
    for name, command in commands(setup, python, refused).items():
        if name == "smsbox":
            _await_port(setup.ports.smsbox)
        started[name] = spawn(name, command)
    return started


def _await_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        if time.monotonic() > deadline:
            raise KannelMissing(f"bearerbox does not listen on port {port}; see bearerbox.log")
        time.sleep(0.1)


def ready(setup: KannelSetup) -> bool:
    """The operator answers, bearerbox has its SMSC on-line and smsbox, sendsms answers."""
    base = "http://127.0.0.1"
    try:
        operator = httpx.get(f"{base}:{setup.ports.operator}/health", timeout=2)
        status = httpx.get(
            f"{base}:{setup.ports.admin}/status.txt",
            params={"password": setup.admin_password},
            timeout=2,
        )
        sendsms = httpx.get(setup.sendsms_url, timeout=2)
    except httpx.HTTPError:
        return False
    text = status.text
    linked = "smsbox" in text and "online" in text.split("SMSC connections", 1)[-1]
    return operator.status_code == 200 and status.status_code == 200 and linked and sendsms.is_error
