"""A service's composition root leaves what it loaded to start out of the cyclic collector's way."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from fastapi import FastAPI

from services.roots import settled


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()  # the test process keeps collecting what it made


def test_a_settled_service_has_its_start_up_objects_frozen_and_is_the_same_app(
    unfrozen: None,
) -> None:
    app = FastAPI()
    assert gc.get_freeze_count() == 0
    assert settled(app) is app
    assert gc.get_freeze_count() > 0
