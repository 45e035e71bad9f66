"""`lapor kafka-access`: the secure profile's Kafka principals, their passwords and their ACLs."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Annotated

import typer
from pydantic import SecretStr

from services.cli.state import SERVICES, DevState, state_dir
from shared.directory import body_codes
from shared.messaging.access_admin import apply_access
from shared.messaging.kafka_auth import security_options
from shared.messaging.principals import Principal, all_principals
from shared.settings import CommonSettings

SECRETS_FILE = "kafka-principals.json"

kafka_access_app = typer.Typer(
    help="Kafka principals (one per service, channel adapter and body) and their ACLs"
)
SecretsOption = Annotated[
    Path | None,
    typer.Option(help=f"password file (default $LAPOR_STATE_DIR/{SECRETS_FILE}, mode 600)"),
]


class AccessSetupError(Exception):
    """The secure profile cannot be set up as asked."""


def secrets_path(folder: Path | None = None) -> Path:
    """Where the generated passwords live (never in the repository)."""
    return (folder or state_dir()) / SECRETS_FILE


def load_passwords(
    path: Path, names: Iterable[str], preset: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The password of each principal: `preset` first, then the file's, else a new one (saved)."""
    known: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    changed = {name: pw for name, pw in (preset or {}).items() if known.get(name) != pw}
    missing = [name for name in names if name not in known and name not in changed]
    changed.update({name: secrets.token_urlsafe(24) for name in missing})
    if changed:
        known.update(changed)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            json.dump(known, file, indent=2, sort_keys=True)
        temporary.replace(path)
    return known


def project_principals(common: CommonSettings) -> list[Principal]:
    """Every principal of this deployment (its instance names the services' consumer groups)."""
    return all_principals(common.instance, body_codes())


async def apply(common: CommonSettings, path: Path) -> int:
    """As the admin in `common`: create every principal and its ACLs; returns the ACL count."""
    if common.kafka_security_protocol == "PLAINTEXT":
        raise AccessSetupError(
            "LAPOR_KAFKA_SECURITY_PROTOCOL is PLAINTEXT: log in as the broker's super user "
            "(LAPOR_KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT, LAPOR_KAFKA_USERNAME=admin, "
            "LAPOR_KAFKA_PASSWORD=…)"
        )
    principals = project_principals(common)
    passwords = load_passwords(path, [p.name for p in principals], preset_passwords(principals))
    return await apply_access(
        common.kafka_bootstrap_servers, security_options(common), principals, passwords
    )


def preset_env_name(principal: str) -> str:
    """Where a deployment may fix a principal's password (compose passes the services' so)."""
    return "KAFKA_PRINCIPAL_PASSWORD_" + principal.upper().replace("-", "_")


def preset_passwords(principals: Iterable[Principal]) -> dict[str, str]:
    """Passwords the environment fixes, by principal."""
    found = {p.name: os.environ.get(preset_env_name(p.name), "") for p in principals}
    return {name: password for name, password in found.items() if password}


def compose_env() -> dict[str, str]:
    """Fresh passwords for the secure compose profile: the admin's, each service's, the web's."""
    names = ["admin", *SERVICES, "web"]
    return {f"LAPOR_KAFKA_{name.upper()}_PASSWORD": secrets.token_urlsafe(24) for name in names}


def credentials_env(common: CommonSettings, user: str, password: str) -> dict[str, str]:
    """The settings a process needs to log in as `user` on the broker `common` names."""
    return {
        "LAPOR_KAFKA_BOOTSTRAP_SERVERS": common.kafka_bootstrap_servers,
        "LAPOR_KAFKA_SECURITY_PROTOCOL": common.kafka_security_protocol,
        "LAPOR_KAFKA_SASL_MECHANISM": common.kafka_sasl_mechanism,
        "LAPOR_KAFKA_USERNAME": user,
        "LAPOR_KAFKA_PASSWORD": password,
    }


@kafka_access_app.command("apply")
def apply_command(secrets_file: SecretsOption = None) -> None:
    """As the super user (LAPOR_KAFKA_*): create every principal, its password and its ACLs."""
    path = secrets_file or secrets_path()
    try:
        count = asyncio.run(apply(CommonSettings(), path))
    except AccessSetupError as error:
        typer.echo(f"lapor kafka-access apply: {error}", err=True)
        raise typer.Exit(1) from error
    typer.echo(f"{count} ACLs in place; passwords in {path}", err=True)


@kafka_access_app.command("credentials")
def credentials_command(
    principal: Annotated[str, typer.Argument(help="e.g. skpd-PDAM, tracking, adapter-sms")],
    secrets_file: SecretsOption = None,
) -> None:
    """Print the LAPOR_KAFKA_* lines one principal logs in with (hand them to its operator)."""
    path = secrets_file or secrets_path()
    known = json.loads(path.read_text()) if path.exists() else {}
    if principal not in known:
        typer.echo(f"no password for {principal!r} in {path} (run `apply` first?)", err=True)
        raise typer.Exit(1)
    # the broker: LAPOR_KAFKA_BOOTSTRAP_SERVERS, else the development system's (dev.json)
    bootstrap = os.environ.get("LAPOR_KAFKA_BOOTSTRAP_SERVERS") or (
        DevState.load().kafka_bootstrap_servers
    )
    common = CommonSettings().model_copy(
        update={"kafka_security_protocol": "SASL_PLAINTEXT", "kafka_bootstrap_servers": bootstrap}
    )
    for key, value in credentials_env(common, principal, known[principal]).items():
        typer.echo(f"{key}={value}")


@kafka_access_app.command("compose-env")
def compose_env_command() -> None:
    """Print fresh passwords for docker-compose.secure.yml (append them to .env, never commit)."""
    for key, value in compose_env().items():
        typer.echo(f"{key}={value}")


@kafka_access_app.command("list")
def list_command() -> None:
    """Every principal and what it may do, one grant a line."""
    for principal in project_principals(CommonSettings()):
        for grant in principal.grants:
            operations = ",".join(grant.operations)
            typer.echo(
                f"User:{principal.name}\t{grant.resource}\t{grant.pattern}\t{grant.name}\t"
                f"{operations}"
            )


def admin_settings(bootstrap_servers: str, password_file: Path) -> CommonSettings:
    """The super user's settings on a broker deploy/kafka.sh started with KAFKA_SECURE=1."""
    return CommonSettings(
        kafka_bootstrap_servers=bootstrap_servers,
        kafka_security_protocol="SASL_PLAINTEXT",
        kafka_username="admin",
        kafka_password=SecretStr(password_file.read_text().strip()),
    )


def principal_settings(bootstrap_servers: str, folder: Path, principal: str) -> CommonSettings:
    """How one principal of the development system in `folder` logs in."""
    known: dict[str, str] = json.loads(secrets_path(folder).read_text())
    return CommonSettings(
        kafka_bootstrap_servers=bootstrap_servers,
        kafka_security_protocol="SASL_PLAINTEXT",
        kafka_username=principal,
        kafka_password=SecretStr(known[principal]),
    )


def principal_env(bootstrap_servers: str, folder: Path, principal: str) -> dict[str, str]:
    """The LAPOR_KAFKA_* variables of one principal of the development system in `folder`."""
    common = principal_settings(bootstrap_servers, folder, principal)
    password = common.kafka_password.get_secret_value() if common.kafka_password else ""
    return credentials_env(common, principal, password)
