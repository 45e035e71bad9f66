"""`lapor route` and `lapor routing train|export-labels`: the router offline, model, labels."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

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
    target: Annotated[
        float | None, typer.Option(help="Precision wanted among auto-routed in cross-validation")
    ] = None,
) -> None:
    """Train the router's model on the corpus: cross-validate, calibrate, choose the threshold."""
    from routing.adapters.model import DEFAULT_PATH
    from routing.adapters.training import TARGET, labelled_rows, train_model

    rows = labelled_rows(labels or [])
    model = train_model(rows, target=target or TARGET)
    path = model.save(output or DEFAULT_PATH)
    figures = model.metrics["cross_validation"]
    err(
        f"model {path}: {len(rows)} reports, threshold {model.threshold:.3f}, "
        f"temperature {model.temperature:.2f}; cross-validated top-1 {figures['top1']:.3f}, "
        f"auto-routed precision {figures['auto_precision']:.3f}, "
        f"triage share {figures['triage_share']:.3f}",
        err=True,
    )


@app.command("export-labels")
def export_labels(
    output: Annotated[Path | None, typer.Option(help="File to write (default: stdout)")] = None,
) -> None:
    """Write the admin's dispositions as labelled JSON lines (the reference examples' format)."""
    from routing.adapters.keyword_router import KeywordRouter
    from routing.application.app import RoutingApplication
    from routing.application.bodies import BodyDirectory
    from routing.application.labels import admin_labels
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
    )
    lines = [json.dumps(row, ensure_ascii=False) for row in admin_labels(reader)]
    text = "".join(f"{line}\n" for line in lines)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
    err(f"{len(lines)} labelled reports", err=True)
