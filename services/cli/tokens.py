"""`lapor tokens issue|revoke|list|migrate`: per-person tokens as events on `lapor.tokens.v1`.

Only digests travel; every service and face projects the topic into its own store. The broker:
LAPOR_KAFKA_* (the secure profile's admin), else the development system's (dev.json).
"""

from __future__ import annotations

import asyncio
import getpass
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from services.cli.state import DevState, state_dir
from shared.auth import digest, is_role, new_token
from shared.contracts.base import Actor
from shared.logging import configure_logging
from shared.settings import CommonSettings
from shared.tokens import operator

app = typer.Typer(help="Per-person tokens (the name is the actor recorded in events)")


@app.callback()
def _stderr_logs() -> None:
    """Per-person tokens (the name is the actor recorded in events)."""
    common = CommonSettings()
    configure_logging(common.log_level, common.log_format)  # stdout holds only the answer


def kafka() -> CommonSettings:
    """The broker settings: the environment's, else the development system's bootstrap."""
    common = CommonSettings()
    if "LAPOR_KAFKA_BOOTSTRAP_SERVERS" in os.environ:
        return common
    bootstrap = DevState.load().kafka_bootstrap_servers
    return common.model_copy(update={"kafka_bootstrap_servers": bootstrap})


def operator_actor(name: str | None) -> Actor:
    """Who runs the command: `--actor`, else LAPOR_ACTOR, else the login name."""
    return Actor(role="operator", name=name or os.environ.get("LAPOR_ACTOR") or getpass.getuser())


ActorOption = Annotated[
    str | None, typer.Option("--actor", help="Who is issuing (default: LAPOR_ACTOR or the login)")
]


def _fail(command: str, error: Exception) -> typer.Exit:
    typer.echo(f"lapor tokens {command}: {error}", err=True)
    return typer.Exit(1)


@app.command("issue")
def issue(
    role: Annotated[str, typer.Argument(help="admin, analyst, adapter, notification, skpd:CODE")],
    name: Annotated[str, typer.Option("--name", help="The person (recorded as the actor)")],
    email: Annotated[
        str | None, typer.Option("--email", help="The person's address (e.g. for assignments)")
    ] = None,
    days: Annotated[
        float | None, typer.Option("--days", help="Valid for this many days (default: no end)")
    ] = None,
    actor: ActorOption = None,
) -> None:
    """Issue a personal token and print only the token (its digest goes on lapor.tokens.v1)."""
    try:
        now = datetime.now(UTC)
        token, event = operator.issue(
            role, name, operator_actor(actor), now, email=email, days=days
        )
    except ValueError as error:  # a pydantic ValidationError (a bad e-mail) is one too
        raise _fail("issue", error) from error
    asyncio.run(operator.publish(kafka(), [event]))
    typer.echo(token)


@app.command("revoke")
def revoke(
    who: Annotated[str, typer.Argument(help="The token, its digest (8+ digits), or a name")],
    actor: ActorOption = None,
) -> None:
    """End a token (or all of a person's tokens); every service refuses it within seconds."""
    common = kafka()
    registry = asyncio.run(operator.current(common))
    events = operator.revocations(registry, who, operator_actor(actor), datetime.now(UTC))
    if not events:
        raise _fail("revoke", LookupError("no live token with that token, digest or name"))
    asyncio.run(operator.publish(common, events))
    typer.echo(f"revoked {len(events)} token(s)")


@app.command("list")
def listing() -> None:
    """Every token on the topic: digest prefix, role, name, e-mail, expiry, state (never tokens)."""
    now = datetime.now(UTC)
    for grant in asyncio.run(operator.current(kafka())).grants():
        typer.echo(operator.described(grant, now))


@app.command("migrate")
def migrate(
    file: Annotated[
        Path | None,
        typer.Option(
            help="The tokens file (default: LAPOR_AUTH_TOKENS_FILE or "
            "the state folder's tokens.json)"
        ),
    ] = None,
    actor: ActorOption = None,
) -> None:
    """Publish the legacy tokens file's tokens on lapor.tokens.v1 (those not there yet)."""
    entries = load(file or tokens_file())
    common = kafka()
    known = asyncio.run(operator.current(common))
    events = operator.migrated(entries, known, operator_actor(actor), datetime.now(UTC))
    asyncio.run(operator.publish(common, events))
    typer.echo(f"migrated {len(events)} token(s)")


# --- the legacy tokens file (LAPOR_AUTH_TOKENS_FILE), read by `migrate` ---


def tokens_file() -> Path:
    """LAPOR_AUTH_TOKENS_FILE, else tokens.json in the state folder (what `lapor dev up` uses)."""
    configured = os.environ.get("LAPOR_AUTH_TOKENS_FILE")
    return Path(configured) if configured else state_dir() / "tokens.json"


def load(path: Path) -> dict[str, dict[str, str]]:
    """The issued tokens: digest -> {role, name, issued_at}."""
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def save(path: Path, issued: dict[str, dict[str, str]]) -> None:
    """Write the file atomically, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(issued, indent=2, ensure_ascii=False), encoding="utf-8")
    temporary.chmod(0o600)
    temporary.replace(path)


def issue_token(path: Path, role: str, name: str) -> str:
    """A new token for one person; only its digest is stored."""
    if not is_role(role):
        raise ValueError(
            f"unknown role {role!r} (adapter, admin, analyst, notification, skpd:CODE)"
        )
    if not name.strip():
        raise ValueError("a name is required: it is the actor recorded in events")
    token = new_token()
    issued = load(path)
    issued[digest(token)] = {
        "role": role, "name": name.strip(), "issued_at": datetime.now(UTC).isoformat()
    }  # fmt: skip
    save(path, issued)
    return token


def revoke_tokens(path: Path, who: str) -> int:
    """Remove the token given, or every token of the person named; how many went."""
    issued = load(path)
    kept = {d: e for d, e in issued.items() if d != digest(who) and e.get("name") != who}
    save(path, kept)
    return len(issued) - len(kept)
