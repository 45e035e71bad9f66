"""`lapor`: run a service, run the development system, submit a report, read its status."""

from __future__ import annotations

import asyncio
import importlib
import json
import uuid
from typing import Annotated, Any

import typer

from services.cli import client, deadletters, dev, faces, projections, routing, tokens
from services.cli import email as email_cli
from services.cli import media as media_cli
from services.cli import sms as sms_cli
from services.cli import whatsapp as whatsapp_cli
from services.cli.kafka_access import kafka_access_app, secrets_path
from services.cli.state import SERVICES, DevState
from services.cli.vault import vault_app
from shared.auth import is_role
from shared.contracts import Channel, Location, Reporter, ReportKind
from shared.logging import configure_logging, get_logger
from shared.settings import CommonSettings

app = typer.Typer(help="lapor: SP4N-LAPOR! complaint workflow", no_args_is_help=True)
dev_app = typer.Typer(help="The development system (local Kafka, SQLite stores)")
app.add_typer(dev_app, name="dev")
app.add_typer(kafka_access_app, name="kafka-access")
app.add_typer(deadletters.app, name="deadletters")
app.add_typer(projections.app, name="projections")
app.add_typer(vault_app, name="vault")
app.add_typer(media_cli.app, name="media")
app.command("bench")(importlib.import_module("services.cli.bench").bench)
app.add_typer(routing.app, name="routing")
app.command("route")(routing.route)
app.add_typer(tokens.app, name="tokens")
log = get_logger("lapor")
err = typer.echo


def _logging() -> None:
    common = CommonSettings()
    configure_logging(common.log_level, common.log_format)


@app.command()
def serve(
    name: Annotated[
        str,
        typer.Argument(
            help="intake | routing | tracking | notification | email-adapter | sms-adapter"
        ),
    ],
) -> None:
    """Run one service in the foreground (what compose and `lapor dev up` start)."""
    if name == email_cli.ADAPTER:
        return email_cli.serve_email_adapter()
    if name == sms_cli.ADAPTER:
        return sms_cli.serve_sms_adapter()
    if name == whatsapp_cli.ADAPTER:
        _logging()
        return whatsapp_cli.serve_whatsapp_adapter()
    if name in faces.FACES:
        _logging()
        return faces.serve(name)
    if name not in SERVICES:
        raise typer.BadParameter(f"unknown service {name!r}; choose one of {', '.join(SERVICES)}")
    import uvicorn

    _logging()
    settings = getattr(
        importlib.import_module(f"{name}.settings"), f"{name.capitalize()}Settings"
    )()
    uvicorn.run(
        f"services.roots.{name}:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
    )


@dev_app.command("up")
def dev_up(
    secure: Annotated[
        bool, typer.Option(help="Kafka with SASL/SCRAM and ACLs; each service its own principal")
    ] = False,
) -> None:
    """Start Kafka and the four services detached; print the endpoints."""
    _logging()
    try:
        state = dev.up(secure=secure)
    except dev.DevError as error:
        err(f"lapor dev up: {error}", err=True)
        raise typer.Exit(1) from error
    typer.echo(f"KAFKA_BOOTSTRAP_SERVERS={state.kafka_bootstrap_servers}")
    if state.kafka_secure:  # where each principal's password is (lapor kafka-access credentials)
        typer.echo("KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT")
        typer.echo(f"KAFKA_CREDENTIALS={secrets_path()}")
    for name in SERVICES:
        typer.echo(f"{name.upper()}_URL={state.urls[name]}")
    typer.echo(f"OPEN311_URL={state.urls['open311']}/open311/v2")
    typer.echo(f"WEB_URL={state.urls['web']}/")
    typer.echo(f"DASHBOARD_URL={state.urls['web']}/dasbor")
    lines = email_cli.endpoint_lines(state) + sms_cli.endpoint_lines(state)
    for line in lines + whatsapp_cli.endpoint_lines(state):
        typer.echo(line)


app.command("smtp-sink")(email_cli.smtp_sink)
app.command("smsc-operator")(sms_cli.smsc_operator)
app.command("whatsapp-graph")(whatsapp_cli.whatsapp_graph)
dev_app.command("secret")(whatsapp_cli.dev_secret)


@dev_app.command("down")
def dev_down() -> None:
    """Stop everything `lapor dev up` started; returns when all have exited."""
    _logging()
    try:
        dev.down()
    except dev.DevError as error:
        err(f"lapor dev down: {error}", err=True)
        raise typer.Exit(1) from error


@dev_app.command("token")
def dev_token(role: str) -> None:
    """Print the development token of a role (adapter, admin, analyst, notification, skpd:CODE)."""
    state = DevState.load()
    if not is_role(role) or role not in state.tokens:
        err(f"no development token for role {role!r} (run `lapor dev up` first?)", err=True)
        raise typer.Exit(1)
    typer.echo(state.tokens[role])


@dev_app.command("topics")
def dev_topics() -> None:
    """Create every topic (6 partitions) on LAPOR_KAFKA_BOOTSTRAP_SERVERS; idempotent."""
    _logging()
    from shared.messaging.admin import ensure_topics
    from shared.messaging.kafka_auth import security_options

    common = CommonSettings()
    created = asyncio.run(
        ensure_topics(common.kafka_bootstrap_servers, security=security_options(common))
    )
    err(f"created {len(created)} topics", err=True)


SAMPLES = (
    (
        Channel.SMS,
        "Banjarmasin Utara",
        "Air PDAM mati sejak kemarin pagi di Jl. Sultan Adam, mohon dicek.",
    ),
    (
        Channel.WEB,
        "Banjarmasin Tengah",
        "Lampu jalan mati di depan Kantor Kelurahan Teluk Dalam, gelap.",
    ),
    (
        Channel.WHATSAPP,
        "Banjarmasin Selatan",
        "Jalan berlubang besar di Jl. Kelayan A, sudah ada yang jatuh.",
    ),
)


@dev_app.command("seed")
def dev_seed() -> None:
    """Submit a few sample reports so there is something to see."""
    _logging()
    state = DevState.load()
    for channel, kecamatan, text in SAMPLES:
        message = client.new_message(
            channel=channel,
            text=text,
            location=Location(kecamatan=kecamatan),
            reporter=Reporter(handle=f"contoh-{uuid.uuid4().hex[:8]}"),
        )
        try:
            answer = client.submit(state, message)
        except (client.SubmitRefused, client.SubmitTimeout) as error:
            err(f"sample not accepted: {error}", err=True)
            raise typer.Exit(1) from error
        typer.echo(f"sample report {answer.tracking_id}: {text}")


@app.command()
def submit(
    text: Annotated[str, typer.Option(help="The report text")],
    channel: Annotated[Channel, typer.Option(help="The channel it came by")] = Channel.WEB,
    title: str = "",
    kind: ReportKind = ReportKind.PENGADUAN,
    kecamatan: str | None = None,
    kelurahan: str | None = None,
    address: str | None = None,
    name: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    anonim: bool = False,
    rahasia: bool = False,
) -> None:
    """Publish a report as a channel adapter would; print its tracking id."""
    _logging()
    identity: dict[str, Any] = {"name": name, "phone": phone, "email": email}
    if not any(identity.values()):
        identity["handle"] = f"lapor-cli-{uuid.uuid4().hex[:12]}"
    try:
        message = client.new_message(
            channel=channel,
            text=text,
            title=title,
            kind=kind,
            anonim=anonim,
            rahasia=rahasia,
            location=Location(kecamatan=kecamatan, kelurahan=kelurahan, address=address),
            reporter=Reporter(**identity),
        )
    except ValueError as error:
        err(f"invalid report: {error}", err=True)
        raise typer.Exit(1) from error
    try:
        answer = client.submit(DevState.load(), message)
    except client.SubmitRefused as refused:
        err(f"refused: {refused}", err=True)
        raise typer.Exit(1) from refused
    except client.SubmitTimeout as late:
        err(str(late), err=True)
        raise typer.Exit(2) from late
    if answer.tracking_id:
        typer.echo(answer.tracking_id)
    if not answer.succeeded:
        err(f"refused ({answer.status}): {answer.reason}", err=True)
        raise typer.Exit(1)


@app.command()
def status(
    tracking_id: str, as_json: Annotated[bool, typer.Option("--json", help="JSON output")] = False
) -> None:
    """Print a report's status bucket, its SKPD and its last events."""
    try:
        report = client.status(DevState.load(), tracking_id)
    except client.UnknownReport as unknown:
        err(f"unknown tracking id {unknown}", err=True)
        raise typer.Exit(1) from unknown
    skpd = report.get("skpd")
    if as_json:
        out = {k: report.get(k) for k in ("tracking_id", "status", "skpd", "events")}
        typer.echo(json.dumps(out, ensure_ascii=False))
        return
    typer.echo(f"{report['tracking_id']}: {report['status']}")
    typer.echo(f"SKPD: {skpd['code']} ({skpd['name']})" if skpd else "SKPD: -")
    for item in report.get("events", [])[-5:]:
        typer.echo(f"  {item.get('at', '')}  {item.get('description') or item.get('type')}")


def main() -> None:
    """Entry point for `python -m services.cli.main`."""
    app()


if __name__ == "__main__":
    main()
