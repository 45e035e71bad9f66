"""`lapor vault`: the identity vault of intake, for operators (erasure on request, UU 27/2022)."""

from __future__ import annotations

from typing import Annotated

import httpx
import typer

from services.cli.state import DevState

vault_app = typer.Typer(help="The identity vault of intake")


@vault_app.command("erase")
def erase(
    tracking_id: Annotated[str, typer.Argument(help="The report whose reporter asked")],
) -> None:
    """Erase the reporter's identity for good (its key is destroyed; the history stays)."""
    state = DevState.load()
    headers = {"Authorization": f"Bearer {state.tokens.get('admin', '')}"}
    url = f"{state.url('intake')}/v1/reports/{tracking_id}/identity"
    try:
        answer = httpx.delete(url, headers=headers, timeout=30)
    except httpx.HTTPError as error:
        typer.echo(f"intake did not answer: {error}", err=True)
        raise typer.Exit(2) from error
    if answer.status_code != 200:
        detail = (
            answer.json().get("detail")
            if answer.headers.get("content-type", "").startswith("application/json")
            else answer.text
        )
        typer.echo(f"not erased ({answer.status_code}): {detail}", err=True)
        raise typer.Exit(1)
    typer.echo(f"{tracking_id}: identity erased at {answer.json()['erased_at']}")
