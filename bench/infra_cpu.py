"""The CPU the broker and the database spent on the load, beside the services' own.

The services' figure (`cpu_s`) leaves out the work they hand to Kafka and PostgreSQL: a change
that moves cost into the server (a statement planned on every call instead of prepared once)
looks like a saving there. This counts the servers the bench started itself, found by the port
they listen on: the process and every descendant (PostgreSQL's backends), with the CPU of
descendants that exited in between (their parent's `children_*` times) included.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import psutil


def tree_cpu(process: psutil.Process) -> float:
    """CPU seconds of `process`, its live descendants and the descendants already reaped."""
    total = 0.0
    for member in [process, *_descendants(process)]:
        with contextlib.suppress(psutil.Error):
            t = member.cpu_times()
            total += t.user + t.system + t.children_user + t.children_system
    return total


def _descendants(process: psutil.Process) -> list[psutil.Process]:
    try:
        return process.children(recursive=True)
    except psutil.Error:
        return []


def listener(port: int) -> psutil.Process | None:
    """The process listening on TCP `port` on this machine, if one of ours can be seen."""
    with contextlib.suppress(psutil.Error):
        for conn in psutil.net_connections(kind="tcp"):
            listening = conn.status == psutil.CONN_LISTEN and conn.laddr
            if listening and conn.laddr.port == port and conn.pid is not None:
                return psutil.Process(conn.pid)
    return None


def port_of(address: str) -> int | None:
    """The port of `host:port` or of a URL such as `postgresql://u@h:5432/db`."""
    if "://" in address:
        return urlsplit(address).port
    host, _, port = address.rpartition(":")
    return int(port) if host and port.isdigit() else None


@dataclass
class Infra:
    """The servers to count, by name, and their CPU at the load's start and end."""

    servers: dict[str, psutil.Process]
    at_mark: dict[str, float] = field(default_factory=dict)
    at_end: dict[str, float] = field(default_factory=dict)

    @classmethod
    def find(cls, addresses: Mapping[str, str | None]) -> Infra:
        """The servers listening at these addresses (name -> address; None or unseen: left out)."""
        servers = {}
        for name, address in addresses.items():
            port = port_of(address) if address else None
            process = listener(port) if port else None
            if process is not None:
                servers[name] = process
        return cls(servers)

    def mark(self) -> None:
        self.at_mark = {name: tree_cpu(p) for name, p in self.servers.items()}

    def end(self) -> None:
        self.at_end = {name: tree_cpu(p) for name, p in self.servers.items()}

    def cpu_s(self) -> dict[str, float]:
        """CPU seconds per server from mark to end (only servers counted at both)."""
        return {
            name: round(self.at_end[name] - self.at_mark[name], 2)
            for name in self.servers
            if name in self.at_mark and name in self.at_end
        }
