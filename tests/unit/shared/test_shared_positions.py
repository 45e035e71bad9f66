"""The consumer's cached positions: read once per partition, again after a reassignment."""

from __future__ import annotations

from typing import Any

from shared.messaging.loop import _Forget
from tests.plumbing_app import NoteTaker
from tests.unit.shared.test_shared_consumer import INMEMORY, consumer, good


class Counting(NoteTaker):
    """Counts the reads of a stored position."""

    def __init__(self, env: Any = None) -> None:
        super().__init__(env)
        self.reads = 0

    def position(self, tracking_name: str) -> int | None:
        self.reads += 1
        return super().position(tracking_name)


async def test_a_partition_s_position_is_read_once_then_kept_until_a_rebalance() -> None:
    app = Counting(env=INMEMORY)
    handler, _ = consumer(app)
    for offset in range(3):
        await handler.handle([good(offset, f"laporan {offset}")])
    assert app.reads == 1 and app.position("lapor.intake.v1:0") == 3
    await _Forget(handler, "g").on_partitions_assigned(set())  # another replica may have moved it
    await handler.handle([good(3, "laporan 3")])
    assert app.reads == 2 + 1  # the test's own read above, and the consumer's fresh one


async def test_a_position_moved_elsewhere_is_read_again_and_nothing_is_done_twice() -> None:
    app = Counting(env=INMEMORY)
    handler, _ = consumer(app)
    await handler.handle([good(0, "laporan 0")])
    other, _ = consumer(app)  # a replica that took the partition meanwhile
    await other.handle([good(1, "laporan 1"), good(2, "laporan 2")])
    await handler.handle([good(1, "laporan 1"), good(2, "laporan 2")])  # stale cache: conflict
    assert app.position("lapor.intake.v1:0") == 3
    assert app.note_count() == 3
