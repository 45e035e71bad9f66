"""Sampling profiles of the services while they carry the load (py-spy, collapsed stacks)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from bench.system import System

RATE = 100  # samples per second: little enough not to perturb the measure much


def py_spy() -> str:
    """The py-spy next to this interpreter (the virtual environment's), else on PATH."""
    beside = Path(os.path.abspath(sys.executable)).parent / "py-spy"
    found = str(beside) if beside.exists() else shutil.which("py-spy")
    if found is None:
        raise RuntimeError("py-spy is not installed (pip install -e '.[dev]')")
    return found


class Profiler:
    """`py-spy record` attached to the first replica of each service, from mark to end."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._running: list[subprocess.Popen[bytes]] = []

    def start(self, system: System) -> None:
        """Attach to one replica of each service."""
        spy = py_spy()
        self.folder.mkdir(parents=True, exist_ok=True)
        first = {r.service: r for r in reversed(system.replicas)}
        for name, replica in first.items():
            out = self.folder / f"{name}.txt"
            self._running.append(
                subprocess.Popen(
                    [
                        spy,
                        "record",
                        "--pid",
                        str(replica.process.pid),
                        "--rate",
                        str(RATE),
                        "--format",
                        "raw",
                        "--nonblocking",
                        "--output",
                        str(out),
                    ],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )

    def stop(self) -> None:
        """Stop sampling; each profile is written as its recorder exits."""
        for spy in self._running:
            spy.send_signal(signal.SIGINT)
        for spy in self._running:
            spy.wait(60)


def top(lines: Iterable[str], count: int = 10) -> list[tuple[str, float]]:
    """The functions most often on the stack (inclusive share of samples, idle left out)."""
    inclusive: Counter[str] = Counter()
    total = 0
    for line in lines:
        stack, _, samples = line.rstrip().rpartition(" ")
        if not stack or not samples.isdigit():
            continue
        total += int(samples)
        for frame in set(stack.split(";")):
            inclusive[frame] += int(samples)
    return [(frame, n / total) for frame, n in inclusive.most_common(count)] if total else []
