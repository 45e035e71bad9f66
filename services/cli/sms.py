"""`lapor serve sms-adapter`, `lapor smsc-operator`, and their part in `lapor dev up`: a real
Kannel (bearerbox, smsbox) between the adapter and an operator stand-in."""

from __future__ import annotations

import functools
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Annotated

import typer

from services.cli.state import DevState, state_dir
from services.local import kannel
from services.local.kannel import KannelSetup

ADAPTER = "sms-adapter"
OPERATOR = "smsc-operator"
ADAPTER_PORT = 8108
GATEWAY = ("smsc-operator", "bearerbox", "smsbox")


def serve_sms_adapter() -> None:
    """Run the SMS adapter in the foreground (port 8108)."""
    from services.adapters.sms.settings import SmsAdapterSettings
    from services.cli import serving
    from shared.logging import configure_logging

    settings = SmsAdapterSettings()
    configure_logging(settings.common.log_level, settings.common.log_format)
    serving.run("services.adapters.sms.app:create_app", settings.host, settings.port)


def smsc_operator(
    outbox: Annotated[Path, typer.Option(help="one JSON file per message received")],
    username: Annotated[str, typer.Option(help="what bearerbox's HTTP SMSC logs in with")],
    password: Annotated[str, typer.Option(help="its password")],
    port: Annotated[int, typer.Option(help="port to listen on")] = 13016,
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    refuse: Annotated[
        list[str] | None, typer.Option(help="a number the operator refuses (repeatable)")
    ] = None,
) -> None:
    """The mobile operator's side of a local Kannel (development): stores what it is sent."""
    from services.local.kannel_operator import Operator, server
    from shared.logging import configure_logging

    configure_logging()
    refused = [*(refuse or []), *_env_list("LAPOR_SMSC_REFUSED")]
    httpd = server(Operator(outbox, username, password, refused), host, port)
    typer.echo(f"SMSC_OPERATOR=http://{host}:{port} -> {outbox}", err=True)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        stop.wait()
    finally:
        httpd.shutdown()


def _detach(folder: Path, name: str, command: list[str]) -> int:
    from services.cli import dev

    return dev.detach(name, command, dict(os.environ), folder)


def _env_list(name: str) -> list[str]:
    """A comma-separated list from the environment."""
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def adapter_env(setup: KannelSetup, intake_url: str, token: str, port: int) -> dict[str, str]:
    """The adapter's settings for a generated Kannel setup."""
    return {
        "LAPOR_SMS_PORT": str(port),
        "LAPOR_SMS_PUBLIC_URL": setup.adapter_url,
        "LAPOR_SMS_SENDSMS_URL": setup.sendsms_url,
        "LAPOR_SMS_SENDSMS_USERNAME": setup.sendsms_username,
        "LAPOR_SMS_SENDSMS_PASSWORD": setup.sendsms_password,
        "LAPOR_SMS_CALLBACK_KEY": setup.callback_key,
        "LAPOR_SMS_MAX_SEGMENTS": str(setup.max_messages),
        "LAPOR_SMS_INTAKE_URL": intake_url,
        "LAPOR_SMS_INTAKE_TOKEN": token,
    }


def _setup(folder: Path) -> KannelSetup:
    """The generated configuration under .lapor/kannel (kept between runs, ports re-chosen only
    when the standard ones are taken)."""
    from services.local.infra import free_port

    kept = kannel.KannelSetup.load(folder)
    if kept is not None:
        return kept
    admin = 13000 if not _taken(13000) else free_port()
    sendsms = 13013 if not _taken(13013) else free_port()
    ports = kannel.KannelPorts(admin, sendsms, free_port(), free_port(), free_port())
    return kannel.new_setup(folder, ports, f"http://127.0.0.1:{ADAPTER_PORT}")


def _taken(port: int) -> bool:
    from services.cli import dev

    return dev.port_in_use(port)


def dev_up(folder: Path, state: DevState) -> None:
    """Start the operator stand-in, bearerbox, smsbox and the adapter (idempotent), and wait."""
    from services.cli import dev

    setup = _setup(folder / "kannel")
    python = str(Path(os.path.abspath(sys.executable)))
    if not all(dev.alive(state.pids.get(name)) for name in GATEWAY):
        for name in GATEWAY:  # a half-running gateway is restarted whole, on its own ports
            if state.pids.get(name):
                dev._signal(state.pids.pop(name), signal.SIGTERM)
        kannel.write(setup)
        refused = _env_list("LAPOR_SMSC_REFUSED")
        spawn = functools.partial(_detach, folder)
        try:
            state.pids.update(kannel.start(setup, python, refused, spawn))
        except kannel.KannelMissing as error:
            raise dev.DevError(str(error)) from error
    url = f"http://127.0.0.1:{ADAPTER_PORT}"
    state.urls[ADAPTER] = url
    if not (dev.alive(state.pids.get(ADAPTER)) and dev.ready(url)):
        if dev.port_in_use(ADAPTER_PORT):
            raise dev.DevError(f"port {ADAPTER_PORT} ({ADAPTER}) is already in use")
        env = {
            **os.environ,
            "LAPOR_STATE_DIR": str(folder),
            "LAPOR_KAFKA_BOOTSTRAP_SERVERS": state.kafka_bootstrap_servers,
            **adapter_env(setup, state.url("intake"), state.tokens["adapter"], ADAPTER_PORT),
        }
        command = [python, "-m", "services.cli.main", "serve", ADAPTER]
        state.pids[ADAPTER] = dev.detach(ADAPTER, command, env, folder)
    state.save(folder)
    _wait(setup, state, folder)


def _wait(setup: KannelSetup, state: DevState, folder: Path, timeout: float = 60.0) -> None:
    from services.cli import dev

    deadline = time.monotonic() + timeout
    while not (kannel.ready(setup) and dev.ready(state.urls[ADAPTER])):
        for name in (*GATEWAY, ADAPTER):
            if not dev.alive(state.pids.get(name)):
                raise dev.DevError(f"{name} exited; see {folder / 'logs' / (name + '.log')}")
        if time.monotonic() > deadline:
            raise dev.DevError("Kannel or the SMS adapter is not ready in time")
        time.sleep(0.3)


def endpoint_lines(state: DevState) -> list[str]:
    """What `lapor dev up` prints for the SMS side."""
    setup = KannelSetup.load(state_dir() / "kannel")
    if setup is None:
        return []
    return [
        f"SMS_ADAPTER_URL={state.urls[ADAPTER]}",
        f"SMSC_MO_URL={setup.mo_url}",
        f"SMSC_OUTBOX={setup.outbox}",
    ]
