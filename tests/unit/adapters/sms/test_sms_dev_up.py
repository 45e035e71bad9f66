"""`lapor dev up`'s SMS part: a generated Kannel on its standard ports, the adapter pointed at
it."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.cli import dev
from services.cli import sms as sms_cli
from services.cli.state import DevState
from services.local import kannel


class Detached:
    """Records what would be started instead of starting it."""

    def __init__(self) -> None:
        self.calls: dict[str, tuple[list[str], dict[str, str]]] = {}
        self.running: set[str] = set()

    def __call__(self, name: str, command: list[str], env: dict[str, str], folder: Path) -> int:
        self.calls[name] = (command, env)
        self.running.add(name)
        return 2000 + len(self.calls)


@pytest.fixture
def detached(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Detached:
    recorder = Detached()
    monkeypatch.setenv("LAPOR_STATE_DIR", str(tmp_path))
    monkeypatch.setattr(dev, "detach", recorder)
    monkeypatch.setattr(dev, "alive", lambda pid: pid is not None)
    monkeypatch.setattr(dev, "ready", lambda url: "sms-adapter" in recorder.running)
    monkeypatch.setattr(kannel, "_await_port", lambda port: None)
    monkeypatch.setattr(kannel, "ready", lambda setup: "smsbox" in recorder.running)
    return recorder


@pytest.fixture
def state() -> DevState:
    found = DevState(urls={"intake": "http://127.0.0.1:8101"})
    found.ensure_tokens()
    return found


def taken(*ports: int) -> object:
    return lambda port: port in ports


def test_kannel_gets_its_standard_ports_and_the_adapter_its_sendsms_account(
    detached: Detached, state: DevState, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dev, "port_in_use", taken())
    sms_cli.dev_up(tmp_path, state)
    setup = kannel.KannelSetup.load(tmp_path / "kannel")
    assert setup is not None
    assert (setup.ports.admin, setup.ports.sendsms) == (13000, 13013)
    assert list(detached.calls) == ["smsc-operator", "bearerbox", "smsbox", "sms-adapter"]
    assert detached.calls["bearerbox"][0][-1] == str(tmp_path / "kannel" / "kannel.conf")
    _, env = detached.calls["sms-adapter"]
    assert env["LAPOR_SMS_SENDSMS_URL"] == "http://127.0.0.1:13013/cgi-bin/sendsms"
    assert env["LAPOR_SMS_SENDSMS_PASSWORD"] == setup.sendsms_password
    assert env["LAPOR_SMS_INTAKE_TOKEN"] == state.tokens["adapter"]
    assert env["LAPOR_SMS_PORT"] == "8108"


def test_taken_standard_ports_are_replaced_by_free_ones(
    detached: Detached, state: DevState, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dev, "port_in_use", taken(13000, 13013))
    sms_cli.dev_up(tmp_path, state)
    setup = kannel.KannelSetup.load(tmp_path / "kannel")
    assert setup is not None
    assert 13000 not in (setup.ports.admin, setup.ports.sendsms)
    assert 13013 not in (setup.ports.admin, setup.ports.sendsms)


def test_a_second_dev_up_starts_nothing_again_and_prints_the_endpoints(
    detached: Detached, state: DevState, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dev, "port_in_use", taken())
    sms_cli.dev_up(tmp_path, state)
    started = dict(detached.calls)
    detached.calls.clear()
    sms_cli.dev_up(tmp_path, state)
    assert detached.calls == {}
    lines = sms_cli.endpoint_lines(state)
    setup = kannel.KannelSetup.load(tmp_path / "kannel")
    assert setup is not None and started
    assert lines == [
        "SMS_ADAPTER_URL=http://127.0.0.1:8108",
        f"SMSC_MO_URL={setup.mo_url}",
        f"SMSC_OUTBOX={tmp_path / 'kannel' / 'outbox'}",
    ]
