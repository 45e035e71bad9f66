"""The desk's one 5xx: a broker that does not take the action is a 503 that says so."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any
from uuid import uuid4

import pytest
from aiokafka.errors import KafkaConnectionError
from fastapi import HTTPException

from shared import topics
from shared.contracts import Acknowledge
from tracking.entrypoints.http import broker_send


class DownBroker:
    async def publish(self, *args: Any, **kwargs: Any) -> None:
        raise KafkaConnectionError("no broker")


async def test_an_unreachable_broker_answers_503_saying_the_action_was_not_sent() -> None:
    runtime = SimpleNamespace(broker=DownBroker())
    request: Any = SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(runtime=runtime)))
    action = Acknowledge(
        report_id=uuid4(),
        tracking_id="LPR-DOWN0001",
        occurred_at=datetime(2026, 12, 1, tzinfo=UTC),
        skpd_code="PDAM",
    )
    with pytest.raises(HTTPException) as caught:
        await broker_send(request, topics.skpd_actions_topic("PDAM"), action)
    assert caught.value.status_code == 503
    assert "try again" in str(caught.value.detail)
