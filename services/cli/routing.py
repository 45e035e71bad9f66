"""`lapor route` and `lapor routing train|models|use|export-labels`: router, models, labels."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

app = typer.Typer(help="The router's model and labelled data", no_args_is_help=True)
err = typer.echo


def route(
    model: Annotated[Path | None, typer.Option(help="Model artefact (default: built)")] = None,
) -> None:
    """Route JSON lines on standard input; one JSON decision per line on standard output."""
    from routing.adapters.artefact import load_router
    from routing.entrypoints.lines import route_lines
    from routing.settings import RoutingSettings
    from shared.logging import configure_logging

    settings = RoutingSettings()
    configure_logging(settings.common.log_level, settings.common.log_format)  # stderr only
    router = load_router(
        model or settings.model_path,
        threshold=settings.min_confidence,
        max_candidates=settings.max_candidates,
    )
    out = sys.stdout
    for line in route_lines(sys.stdin, router):
        out.write(line + "\n")
    out.flush()


@app.command()
def train(
    labels: Annotated[
        list[Path] | None, typer.Option(help="Extra labelled JSON lines (e.g. export-labels)")
    ] = None,
    output: Annotated[Path | None, typer.Option(help="Where to write the model")] = None,
    with_decisions: Annotated[
        bool,
        typer.Option(
            "--with-decisions",
            help="Learn from the admin's decisions in routing's store; install if not worse",
        ),
    ] = False,
) -> None:
    """Train the router's model: the corpus (plus decisions), calibrated, threshold chosen.

    With --with-decisions the model is stored as a new version in routing's database and
    installed only if it routes held-out decisions no worse than the model in use (exit code 3
    when it is refused).
    """
    from routing.adapters.model import DEFAULT_PATH
    from routing.adapters.training import labelled_rows, train_model

    rows = labelled_rows(labels or [])
    if with_decisions:
        _train_with_decisions(rows)
        return
    model = train_model(rows)
    path = model.save(output or DEFAULT_PATH)
    err(f"model {path}: {len(rows)} reports, {_summary(model.metrics)}", err=True)


def _summary(metrics: dict[str, Any]) -> str:
    found = metrics.get("calibration") or {}
    if not found:
        return "no calibration figures"
    return (
        f"calibration set: top-1 {found['top1']:.3f}, auto-routed precision "
        f"{found['auto_precision']:.3f}, triage share {found['triage_share']:.3f}"
    )


def _train_with_decisions(corpus: list[dict[str, Any]]) -> None:
    from routing.adapters.artefact import load_model
    from routing.adapters.learning import retrain
    from routing.adapters.model_store import BUILT
    from routing.application.labels import admin_labels
    from routing.bootstrap import model_store

    settings, reader = _reader()
    decisions = list(admin_labels(reader))
    store = model_store(settings)
    in_use = store.installed()
    current = load_model(settings.model_path) if in_use == BUILT else store.load(in_use)
    candidate, comparison = retrain(corpus, decisions, current)
    version = store.add(candidate, f"{len(decisions)} decisions, compared with version {in_use}")
    for line in comparison.lines():
        err(line, err=True)
    if not comparison.not_worse:
        err(f"version {version} stored but NOT installed: worse than version {in_use}", err=True)
        raise typer.Exit(3)
    store.install(version, f"trained with {len(decisions)} decisions, not worse than {in_use}")
    err(f"version {version} installed (threshold {candidate.threshold:.3f})", err=True)


@app.command()
def models() -> None:
    """List the stored model versions; the one in use is marked with *."""
    from routing.bootstrap import model_store
    from routing.settings import RoutingSettings

    store = model_store(RoutingSettings())
    in_use = store.installed()
    typer.echo(f"{'*' if in_use == 0 else ' '} 0  the model built by make install")
    for stored in store.versions():
        mark = "*" if stored.version == in_use else " "
        when = stored.trained_at.strftime("%Y-%m-%d %H:%M")
        typer.echo(f"{mark} {stored.version}  {when}  {stored.note}; {_summary(stored.metrics)}")


@app.command()
def use(
    version: Annotated[int, typer.Argument(help="Version to install (0: the built model)")],
) -> None:
    """Install a stored model version (roll back or forward); the service follows in seconds."""
    from routing.adapters.model_store import UnknownModelVersion
    from routing.bootstrap import model_store
    from routing.settings import RoutingSettings

    try:
        model_store(RoutingSettings()).install(version, "lapor routing use")
    except UnknownModelVersion as error:
        err(str(error), err=True)
        raise typer.Exit(2) from None
    err(f"version {version} installed", err=True)


def _reader() -> tuple[Any, Any]:
    """The settings, and a routing application that only reads routing's store."""
    from routing.adapters.keyword_router import KeywordRouter
    from routing.adapters.tracking_ids import SqlTrackingIds
    from routing.adapters.triage import SqlTriage
    from routing.application.app import RoutingApplication
    from routing.application.bodies import BodyDirectory
    from routing.bootstrap import SERVICE
    from routing.settings import RoutingSettings
    from shared.clock import clock_for
    from shared.db import event_store_env

    settings = RoutingSettings()
    reader = RoutingApplication(
        router=KeywordRouter(),
        clock=clock_for(settings.common.test_mode),
        bodies=BodyDirectory.from_shared(settings.triage_code),
        env=event_store_env(settings.common, SERVICE, None),
        tracking_ids=SqlTrackingIds,
        triage=SqlTriage,
    )
    return settings, reader


@app.command("export-labels")
def export_labels(
    output: Annotated[Path | None, typer.Option(help="File to write (default: stdout)")] = None,
) -> None:
    """Write the city's decisions as labelled JSON lines (the reference examples' format)."""
    from routing.application.labels import admin_labels

    _, reader = _reader()
    lines = [json.dumps(row, ensure_ascii=False) for row in admin_labels(reader)]
    text = "".join(f"{line}\n" for line in lines)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
    err(f"{len(lines)} labelled reports", err=True)
