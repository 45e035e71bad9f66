"""`lapor serve whatsapp-adapter`, `lapor whatsapp-graph` (the local Cloud API stand-in),
`lapor dev secret whatsapp`, and their part in `lapor dev up`."""

from __future__ import annotations

import json
import os
import secrets
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from services.cli.state import DevState, state_dir

ADAPTER = "whatsapp-adapter"
GRAPH = "whatsapp-graph"
PRINCIPAL = "adapter-whatsapp"  # its Kafka user under `lapor dev up --secure`
ADAPTER_PORT = 8109
GRAPH_HOST, GRAPH_PORT = "127.0.0.1", 8119
SECRETS_FILE = "whatsapp-dev.json"
DEV_PHONE_NUMBER_ID = "108000000001708"
DEV_TEMPLATE, DEV_LANGUAGE = "lapor_pembaruan_laporan", "id"


def serve_whatsapp_adapter() -> None:
    """Run the WhatsApp adapter in the foreground (port 8109)."""
    import uvicorn

    from services.adapters.whatsapp.settings import WhatsAppAdapterSettings

    settings = WhatsAppAdapterSettings()
    uvicorn.run(
        "services.adapters.whatsapp.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
    )


def whatsapp_graph(
    outbox: Annotated[Path, typer.Option(help="where each accepted request body is written")],
    host: Annotated[str, typer.Option(help="address to listen on")] = GRAPH_HOST,
    port: Annotated[int, typer.Option(help="port to listen on")] = GRAPH_PORT,
    webhook_url: Annotated[
        str, typer.Option(help="the adapter's /webhook, for status webhooks (empty: none)")
    ] = "",
    template: Annotated[
        list[str] | None, typer.Option(help="an approved template NAME:LANGUAGE[:PARAMS]")
    ] = None,
    undeliverable: Annotated[
        list[str] | None, typer.Option(help="a number whose messages end failed (131026)")
    ] = None,
) -> None:
    """A local stand-in for the WhatsApp Cloud API (development). The access token, app secret
    and phone number id come from LAPOR_WHATSAPP_ACCESS_TOKEN, _APP_SECRET, _PHONE_NUMBER_ID."""
    import uvicorn

    from services.local.whatsapp_graph import StandIn, create_app

    stand_in = StandIn(
        outbox=outbox,
        access_token=os.environ.get("LAPOR_WHATSAPP_ACCESS_TOKEN", ""),
        phone_number_id=os.environ.get("LAPOR_WHATSAPP_PHONE_NUMBER_ID", DEV_PHONE_NUMBER_ID),
        app_secret=os.environ.get("LAPOR_WHATSAPP_APP_SECRET", ""),
        webhook_url=webhook_url,
        templates=dict(_template(t) for t in template or [f"{DEV_TEMPLATE}:{DEV_LANGUAGE}"]),
        undeliverable=frozenset(undeliverable or ()),
    )
    typer.echo(f"WHATSAPP_GRAPH_URL=http://{host}:{port} -> {outbox}", err=True)
    uvicorn.run(create_app(stand_in), host=host, port=port, log_config=None, access_log=False)


def _template(spec: str) -> tuple[tuple[str, str], int]:
    name, _, rest = spec.partition(":")
    language, _, params = rest.partition(":")
    if not name or not language or (params and not params.isdigit()):
        raise typer.BadParameter(f"template {spec!r}: write NAME:LANGUAGE[:PARAMS]")
    return (name, language), int(params or 1)


def dev_secrets(folder: Path) -> dict[str, str]:
    """The development app secret, verify token and access token, made once and kept."""
    path = folder / SECRETS_FILE
    if path.exists():
        return dict(json.loads(path.read_text()))
    made = {
        "app_secret": secrets.token_hex(16),
        "verify_token": secrets.token_urlsafe(16),
        "access_token": "EAAL" + secrets.token_urlsafe(32),
    }
    folder.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_text(json.dumps(made, indent=2))
    return made


def dev_secret(channel: Annotated[str, typer.Argument(help="whatsapp")]) -> None:
    """Print only a channel's development secret (whatsapp: the app secret that signs webhooks)."""
    if channel != "whatsapp":
        typer.echo(f"no development secret for {channel!r}; known: whatsapp", err=True)
        raise typer.Exit(1)
    typer.echo(dev_secrets(state_dir())["app_secret"])


def _spawn(name: str, args: list[str], env: dict[str, str], folder: Path) -> int:
    """Start `lapor <args>` detached, secrets in its environment (never on its command line)."""
    from services.cli.dev import detach

    python = Path(os.path.abspath(sys.executable))
    return detach(
        name, [str(python), "-m", "services.cli.main", *args], {**os.environ, **env}, folder
    )


def dev_up(folder: Path, state: DevState) -> None:
    """Start the Cloud API stand-in and the adapter pointed at each other (idempotent), and wait."""
    from services.cli import dev, kafka_access

    made = dev_secrets(folder)
    adapter_url = f"http://127.0.0.1:{ADAPTER_PORT}"
    graph_url = f"http://{GRAPH_HOST}:{GRAPH_PORT}"
    state.urls[ADAPTER], state.urls[GRAPH] = adapter_url, graph_url
    shared = {
        "LAPOR_WHATSAPP_APP_SECRET": made["app_secret"],
        "LAPOR_WHATSAPP_ACCESS_TOKEN": made["access_token"],
        "LAPOR_WHATSAPP_PHONE_NUMBER_ID": DEV_PHONE_NUMBER_ID,
    }
    if not (dev.alive(state.pids.get(GRAPH)) and dev.ready(graph_url)):
        if dev.port_in_use(GRAPH_PORT):
            raise dev.DevError(f"port {GRAPH_PORT} ({GRAPH}) is already in use")
        args = [GRAPH, "--host", GRAPH_HOST, "--port", str(GRAPH_PORT)]
        args += ["--outbox", str(outbox(folder)), "--webhook-url", f"{adapter_url}/webhook"]
        state.pids[GRAPH] = _spawn(GRAPH, args, shared, folder)
    if not (dev.alive(state.pids.get(ADAPTER)) and dev.ready(adapter_url)):
        if dev.port_in_use(ADAPTER_PORT):
            raise dev.DevError(f"port {ADAPTER_PORT} ({ADAPTER}) is already in use")
        env = {
            **shared,
            "LAPOR_STATE_DIR": str(folder),
            "LAPOR_KAFKA_BOOTSTRAP_SERVERS": state.kafka_bootstrap_servers,
            "LAPOR_WHATSAPP_PORT": str(ADAPTER_PORT),
            "LAPOR_WHATSAPP_VERIFY_TOKEN": made["verify_token"],
            "LAPOR_WHATSAPP_GRAPH_URL": graph_url,
            "LAPOR_WHATSAPP_INTAKE_URL": state.url("intake"),
            "LAPOR_WHATSAPP_VAULT_TOKEN": state.tokens["adapter"],
        }
        if state.kafka_secure:  # `lapor dev up --secure`: the adapter's own principal
            env.update(kafka_access.principal_env(state.kafka_bootstrap_servers, folder, PRINCIPAL))
        state.pids[ADAPTER] = _spawn(ADAPTER, ["serve", ADAPTER], env, folder)
    state.save(folder)
    _wait(state, folder)


def outbox(folder: Path) -> Path:
    """Where the stand-in writes the messages it accepted."""
    return folder / "whatsapp-outbox"


def _wait(state: DevState, folder: Path, timeout: float = 60.0) -> None:
    from services.cli import dev

    deadline = time.monotonic() + timeout
    while not all(dev.ready(state.urls[name]) for name in (GRAPH, ADAPTER)):
        for name in (GRAPH, ADAPTER):
            if not dev.alive(state.pids.get(name)):
                raise dev.DevError(f"{name} exited; see {folder / 'logs' / (name + '.log')}")
        if time.monotonic() > deadline:
            raise dev.DevError("the WhatsApp adapter or its stand-in is not ready in time")
        time.sleep(0.3)


def endpoint_lines(state: DevState, folder: Path | None = None) -> list[str]:
    """What `lapor dev up` prints for the WhatsApp side."""
    return [
        f"WHATSAPP_ADAPTER_URL={state.urls[ADAPTER]}",
        f"WHATSAPP_GRAPH_URL={state.urls[GRAPH]}",
        f"WHATSAPP_OUTBOX={outbox(folder or state_dir())}",
    ]
