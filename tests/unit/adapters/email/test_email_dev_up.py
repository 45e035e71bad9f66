"""`lapor dev up`'s e-mail part: what it starts, how it points them at each other, once."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.cli import dev
from services.cli import email as email_cli
from services.cli.state import DevState


class Spawned:
    """Records what would be started instead of starting it; a started process listens."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, list[str], dict[str, str]]] = []
        self.listening: set[int] = set()

    def __call__(self, name: str, args: list[str], env: dict[str, str], folder: Path) -> int:
        self.calls.append((name, args, env))
        port = email_cli.SINK_PORT if name == email_cli.SINK else email_cli.ADAPTER_PORT
        self.listening.add(port)
        return 1000 + len(self.calls)


@pytest.fixture
def spawned(monkeypatch: pytest.MonkeyPatch) -> Spawned:
    recorder = Spawned()
    monkeypatch.setattr(email_cli, "_spawn", recorder)
    monkeypatch.setattr(dev, "alive", lambda pid: pid is not None)
    monkeypatch.setattr(dev, "ready", lambda url: email_cli.ADAPTER_PORT in recorder.listening)
    monkeypatch.setattr(dev, "port_in_use", lambda port: port in recorder.listening)
    return recorder


@pytest.fixture
def state() -> DevState:
    found = DevState(
        kafka_bootstrap_servers="127.0.0.1:9092", urls={"intake": "http://127.0.0.1:8101"}
    )
    found.ensure_tokens()
    return found


def test_the_sink_listens_on_8025_and_stores_mail_in_the_state_folder(
    spawned: Spawned, state: DevState, tmp_path: Path
) -> None:
    email_cli.dev_up(tmp_path, state)
    name, args, _ = spawned.calls[0]
    assert (name, args) == (
        "smtp-sink",
        [
            "smtp-sink",
            "--host",
            "127.0.0.1",
            "--port",
            "8025",
            "--mail-dir",
            str(tmp_path / "mail"),
        ],
    )


def test_the_adapter_sends_to_the_sink_and_asks_intakes_vault_as_an_adapter(
    spawned: Spawned, state: DevState, tmp_path: Path
) -> None:
    email_cli.dev_up(tmp_path, state)
    name, args, env = spawned.calls[1]
    assert (name, args) == ("email-adapter", ["serve", "email-adapter"])
    assert (env["LAPOR_EMAIL_SMTP_HOST"], env["LAPOR_EMAIL_SMTP_PORT"]) == ("127.0.0.1", "8025")
    assert env["LAPOR_EMAIL_PORT"] == "8107"
    assert env["LAPOR_EMAIL_INTAKE_URL"] == "http://127.0.0.1:8101"
    assert env["LAPOR_EMAIL_VAULT_TOKEN"] == state.tokens["adapter"]


def test_dev_up_prints_the_adapter_url_and_the_sink(
    spawned: Spawned, state: DevState, tmp_path: Path
) -> None:
    email_cli.dev_up(tmp_path, state)
    assert email_cli.endpoint_lines(state) == [
        "EMAIL_ADAPTER_URL=http://127.0.0.1:8107",
        "SMTP_SINK=127.0.0.1:8025",
    ]


def test_dev_up_twice_starts_nothing_new(spawned: Spawned, state: DevState, tmp_path: Path) -> None:
    email_cli.dev_up(tmp_path, state)
    email_cli.dev_up(tmp_path, state)
    assert [name for name, _, _ in spawned.calls] == ["smtp-sink", "email-adapter"]


def test_a_taken_sink_port_is_said_plainly(
    monkeypatch: pytest.MonkeyPatch, state: DevState, tmp_path: Path
) -> None:
    monkeypatch.setattr(dev, "alive", lambda pid: False)
    monkeypatch.setattr(dev, "port_in_use", lambda port: True)
    with pytest.raises(dev.DevError, match="8025"):
        email_cli.dev_up(tmp_path, state)
