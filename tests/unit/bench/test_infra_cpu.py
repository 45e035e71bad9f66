"""The servers' CPU: found by their listening port, counted with their descendants."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import psutil
import pytest

from bench.infra_cpu import Infra, listener, port_of, tree_cpu
from services.local.infra import free_port

# A stand-in server: listens on a port; each "burn" line makes it run a child that spends CPU
# and exits (reaped: only the server's children_* times keep that CPU), then answers "done".
SERVER = """
import socket, subprocess, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen()
print("up", flush=True)
for line in sys.stdin:
    subprocess.run([sys.executable, "-c", "x = 0\\nfor i in range(5_000_000): x += i"], check=True)
    print("done", flush=True)
"""


class Server:
    def __init__(self) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-c", SERVER, str(self.port)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.read() == "up"

    def read(self) -> str:
        assert self.process.stdout is not None
        return self.process.stdout.readline().strip()

    def burn(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write("burn\n")
        self.process.stdin.flush()
        assert self.read() == "done"


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server()
    yield s
    s.process.kill()
    s.process.wait()


def test_ports_are_read_from_addresses_and_urls() -> None:
    assert port_of("127.0.0.1:9092") == 9092
    assert port_of("postgresql://lapor@127.0.0.1:6543/lapor") == 6543
    assert port_of("localhost") is None


def test_the_listener_is_the_process_on_the_port(server: Server) -> None:
    found = listener(server.port)
    assert found is not None and found.pid == server.process.pid


def test_a_reaped_child_s_cpu_is_counted(server: Server) -> None:
    handle = psutil.Process(server.process.pid)
    before = tree_cpu(handle)
    server.burn()
    own = handle.cpu_times()
    assert own.children_user + own.children_system > 0.05  # the child's loop, kept by the parent
    assert tree_cpu(handle) - before >= own.children_user + own.children_system - 0.01


def test_infra_counts_from_mark_to_end_the_servers_it_found(server: Server) -> None:
    infra = Infra.find({"kafka": f"127.0.0.1:{server.port}", "postgres": None})
    assert set(infra.servers) == {"kafka"}
    infra.mark()
    server.burn()
    infra.end()
    assert infra.cpu_s()["kafka"] > 0.05


def test_a_server_not_listening_is_left_out() -> None:
    infra = Infra.find({"kafka": f"127.0.0.1:{free_port()}"})
    assert infra.servers == {}
    infra.mark()
    infra.end()
    assert infra.cpu_s() == {}


def test_nothing_is_reported_before_the_end() -> None:
    infra = Infra({"self": psutil.Process()})
    infra.mark()
    assert infra.cpu_s() == {}
