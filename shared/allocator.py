"""The C allocator's setting for a long-running service: big buffers go back to the system.

glibc's malloc serves an allocation of 128 KiB or more with a mapping of its own, unmapped when
freed, until such a mapping is freed: from then on it raises the threshold to that size (up to
32 MiB), so buffers of that size come from the heap. A Kafka consumer that lags reads fetch
responses of megabytes (aiokafka: the response's bytes, then a copy of each partition's records,
all transient); from the heap they leave holes that the long-lived objects allocated between
them keep from being returned, and the heap grows with the hours: intake, 166 MB at 2,000 bench
reports and 229 MB at 20,000, with half of its C heap free but held (issue F3). Pinning the
threshold at glibc's own default keeps every big buffer in a mapping of its own; a mapping costs
a system call and its pages' first touch, a few per fetch.
"""

from __future__ import annotations

import ctypes

M_MMAP_THRESHOLD = -3  # mallopt's parameter number (glibc's malloc.h)
MMAP_THRESHOLD_BYTES = 128 * 1024  # glibc's default, kept for good


def pin_mmap_threshold() -> bool:
    """Allocations of 128 KiB or more are mapped and unmapped, always (glibc; elsewhere a no-op).

    Returns whether the setting was taken.
    """
    try:
        libc = ctypes.CDLL(None)  # the C library the process runs on
        libc.gnu_get_libc_version  # noqa: B018 - glibc only: mallopt's numbers are its own
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES))
