"""`lapor bench`: the end-to-end benchmark, measured against a raw pipe in the same run."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


class Store(StrEnum):
    """Where the services (and the raw pipe) keep their events."""

    POSTGRES = "postgres"
    SQLITE = "sqlite"


def bench(
    json_path: Annotated[Path, typer.Option("--json", help="Where to write the figures (JSON)")],
    reports: Annotated[
        int | None,
        typer.Option(min=1, help="Reports to send (bad ones included); omit: 2000, 10000 --faults"),
    ] = None,
    rate: Annotated[
        float | None, typer.Option(min=0.1, help="Reports per second; omit: as fast as possible")
    ] = None,
    store: Annotated[Store, typer.Option(help="The event stores")] = Store.POSTGRES,
    replicas: Annotated[int, typer.Option(min=1, max=6, help="Processes per service")] = 1,
    plot: Annotated[
        Path | None, typer.Option(help="Also draw throughput and latencies (PNG)")
    ] = None,
    malformed: Annotated[
        float, typer.Option(min=0, max=0.5, help="Share of malformed records")
    ] = 0.05,
    max_seconds: Annotated[
        float, typer.Option(min=1, help="Stop sending and waiting after this long")
    ] = 600.0,
    kafka: Annotated[
        str | None,
        typer.Option(help="A running broker here with no other lapor traffic; omit: start one"),
    ] = None,
    profile: Annotated[
        Path | None, typer.Option(help="Folder for py-spy profiles of the services under load")
    ] = None,
    raw_messages: Annotated[
        int | None, typer.Option(min=1, help="Through the raw pipe; omit: max(reports, 1000)")
    ] = None,
    quiet: Annotated[bool, typer.Option(help="No progress bars")] = False,
    pg_statements: Annotated[
        Path | None,
        typer.Option(
            help="Profile PostgreSQL (pg_stat_statements, a scratch run): its statements under "
            "the load as JSON here, a Markdown table beside it"
        ),
    ] = None,
    faults: Annotated[
        bool,
        typer.Option(
            help="Kill each service, restart the broker and PostgreSQL under the load; "
            "then count every effect (PostgreSQL only; --rate default 30)"
        ),
    ] = False,
) -> None:
    """Run the four services on a Kafka and store of their own under a load; write the figures."""
    from bench.progress import Bars
    from bench.run import Options, run

    if faults:
        _faults(json_path, reports or 10_000, rate, malformed, quiet)
        return
    options = Options(
        reports or 2000,
        rate,
        store.value,
        replicas,
        malformed,
        max_seconds,
        kafka,
        profile,
        raw_messages,
        pg_statements if store is Store.POSTGRES else None,
    )
    try:
        with Bars(quiet) as bars:
            measured = run(options, bars)
    except (RuntimeError, ValueError) as error:  # BenchError, BaselineError, InfraError, ...
        typer.echo(f"lapor bench: {error}", err=True)
        raise typer.Exit(1) from error
    json_path.write_text(json.dumps(measured.figures, indent=2) + "\n")
    if plot is not None:
        from bench.plot import plot as draw

        draw(measured, plot)
    for name, count in measured.counts.items():
        typer.echo(f"{name}: {count}", err=True)
    if profile is not None:
        _print_profiles(profile)
    typer.echo(json.dumps(measured.figures))


def _faults(
    json_path: Path, reports: int, rate: float | None, malformed: float, quiet: bool
) -> None:
    """`--faults`: the fault scenario; exit 1 when any effect was lost or doubled."""
    import httpx

    from bench.faults import FaultOptions, run_faults
    from bench.progress import Bars

    options = FaultOptions(reports=reports, rate=rate or 30.0, malformed_share=malformed)
    try:
        with Bars(quiet) as bars:
            outcome = run_faults(options, bars.note)
    except (RuntimeError, ValueError, httpx.HTTPError) as error:  # FaultError, InfraError, ...
        typer.echo(f"lapor bench --faults: {error}", err=True)
        raise typer.Exit(1) from error
    figures = outcome.figures()
    json_path.write_text(json.dumps(figures, indent=2) + "\n")
    typer.echo(json.dumps(figures))
    for problem in outcome.problems[:50]:
        typer.echo(f"problem: {problem}", err=True)
    if outcome.problems:
        raise typer.Exit(1)


def _print_profiles(folder: Path) -> None:
    from bench.profile import leaves, top

    for path in sorted(folder.glob("*.txt")):
        lines = path.read_text().splitlines()
        typer.echo(f"profile {path.stem}: share of busy samples, callees included", err=True)
        for frame, share in top(lines, 10):
            typer.echo(f"  {share:6.1%}  {frame}", err=True)
        typer.echo("  self time:", err=True)
        for frame, share in leaves(lines, 4):
            typer.echo(f"  {share:6.1%}  {frame}", err=True)
