"""A batch's own state: one per batch, made once, dropped with the batch."""

from __future__ import annotations

import gc
import weakref

from intake.application.per_batch import PerBatch
from shared.processing import Batch


class _State:
    pass


def test_a_batch_is_given_the_same_state_each_time_it_asks() -> None:
    states, first, second = PerBatch(_State), Batch(), Batch()
    mine = states.of(first)
    assert states.of(second) is not mine
    assert states.of(first) is mine
    assert states.get(first) is mine


def test_a_batch_that_noted_nothing_has_no_state() -> None:
    states, batch = PerBatch(_State), Batch()
    states.of(Batch())
    assert states.get(batch) is None


def test_a_state_is_dropped_once_its_batch_is_gone_and_another_asked() -> None:
    states, batch = PerBatch(_State), Batch()
    gone = weakref.ref(states.of(batch))
    del batch
    states.of(Batch())
    gc.collect()
    assert gone() is None
