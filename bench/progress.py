"""The progress bars `lapor bench` shows on standard error while it runs."""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)


@dataclass
class Bar:
    """One bar: `to(n)` moves it to n done."""

    progress: Progress | None
    task: TaskID

    def to(self, done: int) -> None:
        if self.progress is not None:
            self.progress.update(self.task, completed=done)


class Bars:
    """A rich Progress on standard error (or nothing at all, for `quiet`)."""

    def __init__(self, quiet: bool = False) -> None:
        self.console = Console(stderr=True, quiet=quiet)
        self.progress = Progress(
            TextColumn("{task.description:<9}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
            disable=quiet,
        )

    def __enter__(self) -> Bars:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def task(self, name: str, total: int) -> Bar:
        """A new bar of `total` steps."""
        return Bar(self.progress, self.progress.add_task(name, total=total))

    def note(self, text: str) -> None:
        """A line above the bars."""
        self.console.log(text)
