"""Sampling profiles of the services while they carry the load (py-spy, collapsed stacks)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
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
                        "--gil",  # CPU spent in Python, not waits on sockets
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


# Frames worth ranking: the project's code and the libraries it spends its time in.
OWN = ("(intake/", "(routing/", "(tracking/", "(notification/", "(shared/")
LIBRARIES = ("(eventsourcing/", "(sqlalchemy/", "(psycopg/", "(aiokafka/", "(faststream/")


def _samples(lines: Iterable[str]) -> Iterator[tuple[list[str], int]]:
    for line in lines:
        stack, _, samples = line.rstrip().rpartition(" ")
        if stack and samples.isdigit():
            yield stack.split(";"), int(samples)


def top(lines: Iterable[str], count: int = 10) -> list[tuple[str, float]]:
    """Project and library functions by their share of busy samples (callees included)."""
    inclusive: Counter[str] = Counter()
    total = 0
    for frames, samples in _samples(lines):
        total += samples
        for frame in set(frames):
            if frame.split(" ")[-1].startswith(OWN + LIBRARIES):
                inclusive[frame] += samples
    return [(frame, n / total) for frame, n in inclusive.most_common(count)] if total else []


def leaves(lines: Iterable[str], count: int = 5) -> list[tuple[str, float]]:
    """Where the samples were taken (self time): waiting on a database shows here."""
    own: Counter[str] = Counter()
    for frames, samples in _samples(lines):
        own[frames[-1]] += samples
    total = sum(own.values())
    return [(frame, n / total) for frame, n in own.most_common(count)] if total else []
