"""`lapor dev up`'s WhatsApp part and `lapor dev secret whatsapp`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from services.cli import dev
from services.cli import whatsapp as whatsapp_cli
from services.cli.kafka_access import SECRETS_FILE
from services.cli.main import app
from services.cli.state import DevState


class Spawned:
    """Records what would be started instead of starting it; a started process listens."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, list[str], dict[str, str]]] = []
        self.listening: set[str] = set()

    def __call__(self, name: str, args: list[str], env: dict[str, str], folder: Path) -> int:
        self.calls.append((name, args, env))
        self.listening.add(name)
        return 2000 + len(self.calls)


@pytest.fixture
def spawned(monkeypatch: pytest.MonkeyPatch) -> Spawned:
    recorder = Spawned()
    ports = {
        whatsapp_cli.GRAPH_PORT: whatsapp_cli.GRAPH,
        whatsapp_cli.ADAPTER_PORT: "whatsapp-adapter",
    }
    monkeypatch.setattr(whatsapp_cli, "_spawn", recorder)
    monkeypatch.setattr(dev, "alive", lambda pid: pid is not None)
    monkeypatch.setattr(
        dev, "ready", lambda url: ports.get(int(url.rsplit(":", 1)[1])) in recorder.listening
    )
    monkeypatch.setattr(dev, "port_in_use", lambda port: ports.get(port) in recorder.listening)
    return recorder


@pytest.fixture
def state() -> DevState:
    found = DevState(
        kafka_bootstrap_servers="127.0.0.1:9092", urls={"intake": "http://127.0.0.1:8101"}
    )
    found.ensure_tokens()
    return found


def test_the_stand_in_writes_to_the_outbox_and_calls_the_adapters_webhook(
    spawned: Spawned, state: DevState, tmp_path: Path
) -> None:
    whatsapp_cli.dev_up(tmp_path, state)
    name, args, env = spawned.calls[0]
    assert name == "whatsapp-graph"
    assert args[args.index("--outbox") + 1] == str(tmp_path / "whatsapp-outbox")
    assert args[args.index("--webhook-url") + 1] == "http://127.0.0.1:8109/webhook"
    assert env["LAPOR_WHATSAPP_APP_SECRET"] not in args  # secrets never on a command line


def test_the_adapter_sends_to_the_stand_in_with_the_same_secrets(
    spawned: Spawned, state: DevState, tmp_path: Path
) -> None:
    whatsapp_cli.dev_up(tmp_path, state)
    (_, _, graph_env), (name, args, env) = spawned.calls
    assert (name, args) == ("whatsapp-adapter", ["serve", "whatsapp-adapter"])
    assert env["LAPOR_WHATSAPP_PORT"] == "8109"
    assert env["LAPOR_WHATSAPP_GRAPH_URL"] == "http://127.0.0.1:8119"
    assert env["LAPOR_WHATSAPP_VAULT_TOKEN"] == state.tokens["adapter"]
    for key in ("LAPOR_WHATSAPP_APP_SECRET", "LAPOR_WHATSAPP_ACCESS_TOKEN"):
        assert env[key] == graph_env[key]


def test_dev_up_prints_the_adapter_the_stand_in_and_the_outbox(
    spawned: Spawned, state: DevState, tmp_path: Path
) -> None:
    whatsapp_cli.dev_up(tmp_path, state)
    assert whatsapp_cli.endpoint_lines(state, tmp_path) == [
        "WHATSAPP_ADAPTER_URL=http://127.0.0.1:8109",
        "WHATSAPP_GRAPH_URL=http://127.0.0.1:8119",
        f"WHATSAPP_OUTBOX={tmp_path / 'whatsapp-outbox'}",
    ]


def test_dev_up_twice_starts_nothing_new_and_keeps_the_secret(
    spawned: Spawned, state: DevState, tmp_path: Path
) -> None:
    whatsapp_cli.dev_up(tmp_path, state)
    secret = whatsapp_cli.dev_secrets(tmp_path)["app_secret"]
    whatsapp_cli.dev_up(tmp_path, state)
    assert [name for name, _, _ in spawned.calls] == ["whatsapp-graph", "whatsapp-adapter"]
    assert whatsapp_cli.dev_secrets(tmp_path)["app_secret"] == secret


def test_dev_secret_whatsapp_prints_only_the_app_secret(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("LAPOR_STATE_DIR", str(tmp_path))
    printed = CliRunner().invoke(app, ["dev", "secret", "whatsapp"])
    assert printed.exit_code == 0
    assert printed.stdout == whatsapp_cli.dev_secrets(tmp_path)["app_secret"] + "\n"
    assert (tmp_path / whatsapp_cli.SECRETS_FILE).stat().st_mode & 0o077 == 0


def test_a_taken_adapter_port_is_said_plainly(
    monkeypatch: pytest.MonkeyPatch, state: DevState, tmp_path: Path
) -> None:
    monkeypatch.setattr(dev, "alive", lambda pid: False)
    monkeypatch.setattr(dev, "port_in_use", lambda port: True)
    with pytest.raises(dev.DevError, match="8119"):
        whatsapp_cli.dev_up(tmp_path, state)


def test_on_the_secure_broker_the_adapter_logs_in_as_its_own_principal(
    spawned: Spawned, state: DevState, tmp_path: Path
) -> None:
    (tmp_path / SECRETS_FILE).write_text(json.dumps({"adapter-whatsapp": "rahasia-kafka"}))
    state.kafka_secure = True
    whatsapp_cli.dev_up(tmp_path, state)
    _, _, env = spawned.calls[1]
    assert env["LAPOR_KAFKA_SECURITY_PROTOCOL"] == "SASL_PLAINTEXT"
    assert (env["LAPOR_KAFKA_USERNAME"], env["LAPOR_KAFKA_PASSWORD"]) == (
        "adapter-whatsapp",
        "rahasia-kafka",
    )
