"""`lapor vault`: the identity vault of intake, for operators (erasure on request, UU 27/2022)."""

from __future__ import annotations

from typing import Annotated

import httpx
import typer

from services.cli.state import Unreachable, admin_request

vault_app = typer.Typer(help="The identity vault of intake")


@vault_app.command("erase")
def erase(
    tracking_id: Annotated[
        str | None, typer.Argument(help="A report whose reporter asked (erases that person)")
    ] = None,
    contact: Annotated[
        str | None, typer.Option(help="The person's phone, e-mail or handle: all their reports")
    ] = None,
    channel: Annotated[str, typer.Option(help="The channel the contact reported on")] = "sms",
) -> None:
    """Erase a person for good: their key is destroyed, every report of theirs unreadable (the
    history stays). Name one report (TRACKING_ID) or the contact (--contact, --channel)."""
    if (tracking_id is None) == (contact is None):
        typer.echo("name either a TRACKING_ID or --contact", err=True)
        raise typer.Exit(2)
    try:
        if contact is not None:
            body = {"channel": channel, "contact": contact}
            answer = admin_request("intake", "POST", "/v1/erasures", json=body, timeout=30)
        else:
            path = f"/v1/reports/{tracking_id}/identity"
            answer = admin_request("intake", "DELETE", path, timeout=30)
    except Unreachable as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from error
    if answer.status_code != 200:
        typer.echo(f"not erased ({answer.status_code}): {_detail(answer)}", err=True)
        raise typer.Exit(1)
    found = answer.json()
    if contact is None:
        typer.echo(f"{tracking_id}: identity erased at {found['erased_at']}")
    for other in found.get("tracking_ids", []):
        if other != tracking_id:
            typer.echo(f"{other}: identity erased at {found['erased_at']}")


def _detail(answer: httpx.Response) -> object:
    if answer.headers.get("content-type", "").startswith("application/json"):
        return answer.json().get("detail")
    return answer.text
