"""`lapor projections rebuild|status|quarantine`: tracking's read model, as an operator sees it.

The running service is the read model's only writer: while it answers, every command goes
through its admin HTTP API. `rebuild --offline` rebuilds in this process, and only when the
service does not answer (it refuses while the service runs).
"""

from __future__ import annotations

import time
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from services.cli.state import Unreachable, admin_request

app = typer.Typer(help="Tracking's read model: rebuild, position and lag, quarantined events")
console = Console()
PROJECTIONS = ("cases",)


def _call(method: str, path: str, timeout: float = 10.0) -> Any:
    answer = admin_request("tracking", method, path, timeout=timeout)
    if answer.status_code >= 400:
        typer.echo(f"tracking answered {answer.status_code}: {answer.text[:300]}", err=True)
        raise typer.Exit(1)
    return answer.json()


def _fail_unreachable(error: Unreachable) -> NoReturn:
    typer.echo(f"{error}; is it running? (lapor dev up)", err=True)
    raise typer.Exit(1)


@app.command("status")
def status() -> None:
    """Position, head of the log and lag of each projection."""
    try:
        rows = _call("GET", "/v1/projections")
    except Unreachable as error:
        _fail_unreachable(error)
    table = Table("projection", "position", "head", "lag", "quarantined", "rebuilding")
    for row in rows:
        table.add_row(
            row["name"], str(row["position"]), str(row["head"]), str(row["lag"]),
            str(row["quarantined"]), "yes" if row["rebuilding"] else "no",
        )  # fmt: skip
    console.print(table)


@app.command("quarantine")
def quarantine() -> None:
    """Every event a projection held aside, one line each."""
    try:
        rows = _call("GET", "/v1/projections/quarantine")
    except Unreachable as error:
        _fail_unreachable(error)
    for row in rows:
        why = " ".join(str(row["error"]).split())
        typer.echo(
            f"{row['projection']}\t#{row['notification_id']}\t{row['at']}\t{row['event']}\t{why}"
        )
    if not rows:
        typer.echo("nothing quarantined", err=True)


@app.command("rebuild")
def rebuild(
    name: Annotated[str, typer.Argument(help="the projection (default: all)")] = "",
    offline: Annotated[
        bool, typer.Option(help="rebuild in this process; refused while the service answers")
    ] = False,
) -> None:
    """Empty a projection and replay tracking's events from zero, with a progress bar."""
    names = [name] if name else list(PROJECTIONS)
    unknown = [n for n in names if n not in PROJECTIONS]
    if unknown:
        raise typer.BadParameter(
            f"unknown projection {unknown[0]!r}; known: {', '.join(PROJECTIONS)}"
        )
    try:
        for each in names:
            _rebuild_through_service(each)
        return
    except Unreachable as error:
        if not offline:
            _fail_unreachable(error)
    for each in names:
        _rebuild_here(each)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=console,
    )  # fmt: skip


def _rebuild_through_service(name: str) -> None:
    _call("POST", f"/v1/projections/{name}/rebuild")
    with _progress() as bar:
        task = bar.add_task(f"rebuild {name}", total=None)
        while True:
            row = next(r for r in _call("GET", "/v1/projections") if r["name"] == name)
            bar.update(task, total=max(row["head"], 1), completed=row["position"])
            if not row["rebuilding"] and row["position"] >= row["head"]:
                break
            time.sleep(0.2)
    typer.echo(f"{name}: rebuilt to position {row['position']}")


def _rebuild_here(name: str) -> None:
    from tracking.bootstrap import projector_only

    projector, close = projector_only()
    try:
        projector.reset()
        head = projector.head()
        with _progress() as bar:
            task = bar.add_task(f"rebuild {name} (offline)", total=max(head, 1))
            while projector.project_once(projector.rebuild_batch_size):
                bar.update(task, completed=projector.position())
        typer.echo(f"{name}: rebuilt to position {projector.position()}")
    finally:
        close()
