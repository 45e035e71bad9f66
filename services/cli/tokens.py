"""`lapor tokens issue|revoke|list`: per-person staff tokens, stored as digests in a JSON file."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from services.cli.state import state_dir
from shared.auth import digest, is_role, new_token

app = typer.Typer(help="Per-person tokens (the name is the actor recorded in events)")


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


@app.command("issue")
def issue(
    role: Annotated[str, typer.Argument(help="admin, analyst, adapter, notification, skpd:CODE")],
    name: Annotated[str, typer.Option("--name", help="The person (recorded as the actor)")],
) -> None:
    """Issue a personal token and print it once."""
    try:
        typer.echo(issue_token(tokens_file(), role, name))
    except ValueError as error:
        typer.echo(f"lapor tokens issue: {error}", err=True)
        raise typer.Exit(1) from error


@app.command("revoke")
def revoke(who: Annotated[str, typer.Argument(help="The token, or the person's name")]) -> None:
    """End a token (or all of a person's tokens) at once; services re-read the file."""
    gone = revoke_tokens(tokens_file(), who)
    if not gone:
        typer.echo("lapor tokens revoke: no such token or name", err=True)
        raise typer.Exit(1)
    typer.echo(f"revoked {gone} token(s)")


@app.command("list")
def listing() -> None:
    """Who holds a token and with which role (never the tokens)."""
    for entry in load(tokens_file()).values():
        typer.echo(f"{entry.get('name', '')}\t{entry['role']}\t{entry.get('issued_at', '')}")
