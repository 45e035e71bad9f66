"""`lapor serve email-adapter`, `lapor smtp-sink`, and their part in `lapor dev up`."""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Annotated

import typer

from services.cli.state import DevState, state_dir

ADAPTER = "email-adapter"
SINK = "smtp-sink"
ADAPTER_PORT = 8107
SINK_HOST, SINK_PORT = "127.0.0.1", 8025


def serve_email_adapter() -> None:
    """Run the e-mail adapter in the foreground (port 8107)."""
    from services.adapters.email.settings import EmailAdapterSettings
    from services.cli import serving

    settings = EmailAdapterSettings()
    serving.run("services.adapters.email.app:create_app", settings.host, settings.port)


def smtp_sink(
    host: Annotated[str, typer.Option(help="address to listen on")] = SINK_HOST,
    port: Annotated[int, typer.Option(help="port to listen on")] = SINK_PORT,
    mail_dir: Annotated[
        Path | None, typer.Option(help="where .eml files go (default $LAPOR_STATE_DIR/mail)")
    ] = None,
) -> None:
    """A local SMTP server that stores every message as one .eml file (development)."""
    from services.local.smtp_sink import sink

    folder = mail_dir or state_dir() / "mail"
    controller = sink(folder, host, port)
    controller.start()
    typer.echo(f"SMTP_SINK={host}:{port} -> {folder}", err=True)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    try:
        stop.wait()
    finally:
        controller.stop()


def _spawn(name: str, args: list[str], env: dict[str, str], folder: Path) -> int:
    """Start `lapor <args>` detached (own session, no inherited stdio), logging to logs/."""
    from services.cli.dev import detach

    python = Path(os.path.abspath(sys.executable))
    command = [str(python), "-m", "services.cli.main", *args]
    return detach(name, command, {**os.environ, **env}, folder)


def dev_up(folder: Path, state: DevState) -> None:
    """Start the SMTP sink and the e-mail adapter pointed at it (idempotent), and wait."""
    from services.cli import dev

    if not dev.alive(state.pids.get(SINK)):
        if dev.port_in_use(SINK_PORT):
            raise dev.DevError(f"port {SINK_PORT} (SMTP sink) is already in use")
        mail = folder / "mail"
        args = [SINK, "--host", SINK_HOST, "--port", str(SINK_PORT), "--mail-dir", str(mail)]
        state.pids[SINK] = _spawn(SINK, args, {}, folder)
    url = f"http://127.0.0.1:{ADAPTER_PORT}"
    state.urls[ADAPTER] = url
    if not (dev.alive(state.pids.get(ADAPTER)) and dev.ready(url)):
        if dev.port_in_use(ADAPTER_PORT):
            raise dev.DevError(f"port {ADAPTER_PORT} ({ADAPTER}) is already in use")
        env = {
            "LAPOR_STATE_DIR": str(folder),
            "LAPOR_KAFKA_BOOTSTRAP_SERVERS": state.kafka_bootstrap_servers,
            "LAPOR_AUTH_TOKENS": json.dumps(state.token_digests()),
            "LAPOR_EMAIL_PORT": str(ADAPTER_PORT),
            "LAPOR_EMAIL_SMTP_HOST": SINK_HOST,
            "LAPOR_EMAIL_SMTP_PORT": str(SINK_PORT),
            "LAPOR_EMAIL_INTAKE_URL": state.url("intake"),
            "LAPOR_EMAIL_VAULT_TOKEN": state.tokens["adapter"],
        }
        state.pids[ADAPTER] = _spawn(ADAPTER, ["serve", ADAPTER], env, folder)
    state.save(folder)
    _wait(state, folder)


def _wait(state: DevState, folder: Path, timeout: float = 60.0) -> None:
    from services.cli import dev

    deadline = time.monotonic() + timeout
    while not (dev.port_in_use(SINK_PORT) and dev.ready(state.urls[ADAPTER])):
        for name in (SINK, ADAPTER):
            if not dev.alive(state.pids.get(name)):
                raise dev.DevError(f"{name} exited; see {folder / 'logs' / (name + '.log')}")
        if time.monotonic() > deadline:
            raise dev.DevError("the e-mail adapter or the SMTP sink is not ready in time")
        time.sleep(0.3)


def endpoint_lines(state: DevState) -> list[str]:
    """What `lapor dev up` prints for the e-mail side."""
    return [f"EMAIL_ADAPTER_URL={state.urls[ADAPTER]}", f"SMTP_SINK={SINK_HOST}:{SINK_PORT}"]
