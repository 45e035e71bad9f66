"""The C allocator's pinned threshold: a big buffer gets a mapping of its own, always."""

from __future__ import annotations

import ctypes
from typing import Any

import pytest

from shared import allocator
from shared.allocator import pin_mmap_threshold

FIELDS = "arena ordblks smblks hblks hblkd usmblks fsmblks uordblks fordblks keepcost"


class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in FIELDS.split(" ")]  # glibc's, in order


def _mapped_chunks() -> int:
    libc = ctypes.CDLL(None)
    libc.mallinfo2.restype = MallInfo2
    return int(libc.mallinfo2().hblks)


glibc = pytest.mark.skipif(
    not hasattr(ctypes.CDLL(None), "mallinfo2"), reason="glibc 2.33 or later only"
)


@glibc
def test_a_buffer_smaller_than_one_freed_before_is_still_mapped_on_its_own() -> None:
    freed = bytes(4 * 1024 * 1024)  # unpinned, glibc would now serve up to 4 MiB from the heap
    del freed
    assert pin_mmap_threshold()
    before = _mapped_chunks()
    buffer = bytes(512 * 1024)
    assert _mapped_chunks() == before + 1
    del buffer
    assert _mapped_chunks() == before  # and given back when freed


def test_without_glibc_nothing_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    class Musl:
        def __init__(self, name: Any) -> None:
            self.mallopt = lambda *args: 1  # a mallopt whose numbers mean something else

    monkeypatch.setattr(allocator.ctypes, "CDLL", Musl)
    assert not pin_mmap_threshold()
