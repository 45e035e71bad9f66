"""The C allocator's pinned threshold: a big buffer gets a mapping of its own, always."""

from __future__ import annotations

import ctypes
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from shared import allocator
from shared.allocator import pin_mmap_threshold

# Run in a process of its own: in the test runner's process other threads (xdist's) allocate
# and free big buffers too, and the count of mapped chunks is the whole process's.
SCENARIO = """
import ctypes
from shared.allocator import pin_mmap_threshold

FIELDS = "arena ordblks smblks hblks hblkd usmblks fsmblks uordblks fordblks keepcost"

class MallInfo2(ctypes.Structure):  # glibc's, in order
    _fields_ = [(name, ctypes.c_size_t) for name in FIELDS.split()]

libc = ctypes.CDLL(None)
libc.mallinfo2.restype = MallInfo2

def mapped():
    return int(libc.mallinfo2().hblks)

freed = bytes(4 * 1024 * 1024)  # unpinned, glibc would now serve up to 4 MiB from the heap
del freed
pinned = pin_mmap_threshold()
before = mapped()
buffer = bytes(512 * 1024)
during = mapped()
del buffer
print(pinned, during - before, mapped() - before)
"""

glibc = pytest.mark.skipif(
    not hasattr(ctypes.CDLL(None), "mallinfo2"), reason="glibc 2.33 or later only"
)


@glibc
def test_a_buffer_smaller_than_one_freed_before_is_still_mapped_on_its_own() -> None:
    ran = subprocess.run(
        [sys.executable, "-c", SCENARIO], capture_output=True, text=True, check=True,
        cwd=Path(__file__).parents[3],
    )  # fmt: skip
    pinned, while_held, after_freed = ran.stdout.split()
    assert pinned == "True"
    assert int(while_held) == 1  # the 512 KiB buffer got a mapping of its own
    assert int(after_freed) == 0  # and gave it back when freed


def test_without_glibc_nothing_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    class Musl:
        def __init__(self, name: Any) -> None:
            self.mallopt = lambda *args: 1  # a mallopt whose numbers mean something else

    monkeypatch.setattr(allocator.ctypes, "CDLL", Musl)
    assert not pin_mmap_threshold()
