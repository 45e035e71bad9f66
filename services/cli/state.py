"""The development state folder: `$LAPOR_STATE_DIR/dev.json` with endpoints, tokens and pids."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

from shared.auth import ROLES, digest, new_token
from shared.directory import body_codes

SERVICES = ("intake", "routing", "tracking", "notification")
DEFAULT_PORTS = {"intake": 8101, "routing": 8102, "tracking": 8103, "notification": 8104}
FACES = ("open311", "web")
FACE_PORTS = {"open311": 8105, "web": 8106}


def state_dir() -> Path:
    """Where `lapor dev` keeps its state (absolute)."""
    return Path(os.environ.get("LAPOR_STATE_DIR", ".lapor")).resolve()


def project_root() -> Path:
    """The checkout the command runs from (holds deploy/)."""
    return Path(__file__).resolve().parents[2]


@dataclass
class DevState:
    """What `lapor dev up` started and how to reach it."""

    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    urls: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    pids: dict[str, int] = field(default_factory=dict)
    kafka_secure: bool = False  # `lapor dev up --secure`: SASL/SCRAM, one principal each, ACLs

    @classmethod
    def load(cls, folder: Path | None = None) -> DevState:
        path = (folder or state_dir()) / "dev.json"
        if not path.exists():
            return cls()
        return cls(**json.loads(path.read_text()))

    def save(self, folder: Path | None = None) -> None:
        folder = folder or state_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "dev.json"
        path.write_text(json.dumps(asdict(self), indent=2))
        path.chmod(0o600)

    def ensure_tokens(self) -> None:
        """A development token for every role, made once and kept."""
        for role in [*ROLES, *(f"skpd:{code}" for code in body_codes())]:
            self.tokens.setdefault(role, new_token())

    def token_digests(self) -> dict[str, str]:
        """What services are given: digests only."""
        return {digest(token): role for role, token in self.tokens.items()}

    def url(self, service: str) -> str:
        """A service's base URL: the environment (`LAPOR_<NAME>_URL`) wins over dev.json."""
        env = os.environ.get(f"LAPOR_{service.upper()}_URL")
        return env or self.urls.get(service) or f"http://127.0.0.1:{DEFAULT_PORTS[service]}"


class Unreachable(Exception):
    """A service of the running system does not answer."""


def admin_request(
    service: str, method: str, path: str, *, json: object = None, timeout: float = 10.0
) -> httpx.Response:
    """A call to a running service's admin API with the development admin token."""
    state = DevState.load()
    headers = {"Authorization": f"Bearer {state.tokens.get('admin', '')}"}
    url = f"{state.url(service)}{path}"
    try:
        return httpx.request(method, url, json=json, headers=headers, timeout=timeout)
    except httpx.HTTPError as error:
        raise Unreachable(f"{service} did not answer: {error}") from error
