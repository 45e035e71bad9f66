"""`lapor media sweep`: intake's media store, for operators.

The running intake does the work (its leading replica also sweeps on its own every
`LAPOR_INTAKE_PHOTO_SWEEP_MINUTES`); the command asks it to sweep now, with the admin token.
"""

from __future__ import annotations

import typer

from services.cli.state import Unreachable, admin_request

app = typer.Typer(help="Intake's media store (citizens' photos)")


@app.command("sweep")
def sweep() -> None:
    """Forget the photos no report carries, kept longer ago than the grace period
    (LAPOR_INTAKE_PHOTO_ORPHAN_GRACE_HOURS): one media id per line."""
    try:
        answer = admin_request("intake", "POST", "/v1/media/sweep", timeout=300)
    except Unreachable as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from error
    if answer.status_code != 200:
        typer.echo(f"not swept ({answer.status_code}): {answer.text[:300]}", err=True)
        raise typer.Exit(1)
    found = answer.json()
    for media_id in found["forgotten"]:
        typer.echo(media_id)
    count = len(found["forgotten"])
    typer.echo(
        f"{count} photo(s) kept before {found['kept_before']} for no report forgotten", err=True
    )
