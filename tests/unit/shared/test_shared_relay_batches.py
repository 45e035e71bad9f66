"""The relay's record batches: the default partitioner's partitions, row order per partition."""

from __future__ import annotations

import pytest
from aiokafka.partitioner import DefaultPartitioner

from shared.messaging.batches import partition_of, send_rows
from shared.messaging.outbox import OutboxRow
from tests.unit.shared.test_shared_relay import Producer

SIX = [0, 1, 2, 3, 4, 5]


def rows(count: int, keys: int, topics: int = 2) -> list[OutboxRow]:
    return [
        OutboxRow(f"t{n % topics}", f"web:report-{n % keys}".encode(), b"v%d" % n, id=n + 1)
        for n in range(count)
    ]


@pytest.mark.parametrize("partitions", [1, 3, 6, 12])
def test_a_key_goes_to_the_partition_the_default_partitioner_chooses(partitions: int) -> None:
    ids = list(range(partitions))
    keys = [f"sms:{n}".encode() for n in range(500)] + [b"", b"\xff\x00", "kunci-é".encode()]
    chosen = [partition_of(key, ids) for key in keys]
    assert chosen == [DefaultPartitioner()(key, ids, ids) for key in keys]
    assert partitions == 1 or len(set(chosen)) == partitions


def test_a_record_without_a_key_goes_to_one_of_the_topics_partitions() -> None:
    assert {partition_of(None, SIX) for _ in range(200)} <= set(SIX)


async def test_each_partition_gets_its_rows_in_row_order_across_full_batches() -> None:
    producer = Producer(partitions=6, batch_room=3)
    sent = rows(60, keys=7)
    await send_rows(producer, sent)
    assert sorted(r["value"] for r in producer.sent) == sorted(r.value for r in sent)
    for record in producer.sent:
        assert record["partition"] == partition_of(record["key"], SIX)
    for topic in ("t0", "t1"):
        for partition in SIX:
            ids = [
                int(dict(r["headers"])["notification_id"])
                for r in producer.sent
                if (r["topic"], r["partition"]) == (topic, partition)
            ]
            assert ids == sorted(ids)


async def test_a_refused_batch_fails_the_whole_send() -> None:
    producer = Producer(partitions=6)
    producer.down = True
    with pytest.raises(ConnectionError):
        await send_rows(producer, rows(10, keys=3))


async def test_a_row_that_no_batch_takes_fails_the_send_instead_of_vanishing() -> None:
    producer = Producer(partitions=6, batch_room=0)  # even an empty builder refuses it
    with pytest.raises(RuntimeError, match="outbox row 1 does not fit"):
        await send_rows(producer, rows(3, keys=1))
