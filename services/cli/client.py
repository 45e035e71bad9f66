"""What `lapor submit` and `lapor status` do: act as an adapter, read the public status."""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from aiokafka import AIOKafkaProducer

from services.cli import kafka_access
from services.cli.state import DevState, state_dir
from shared import topics
from shared.contracts import IntakeMessage
from shared.messaging import codec
from shared.messaging.kafka_auth import security_options
from shared.messaging.principals import adapter_principal


class SubmitTimeout(Exception):
    """Intake did not answer in time."""


class SubmitRefused(Exception):
    """Intake held or archived the report; the reason is the message."""


class UnknownReport(Exception):
    """No report has that tracking id."""


@dataclass(frozen=True)
class Submitted:
    """What intake answered for one submitted message."""

    tracking_id: str
    status: str


async def publish_intake(
    bootstrap: str, message: IntakeMessage, security: dict[str, Any] | None = None
) -> None:
    """Publish one intake message as a channel adapter does, and wait for the broker."""
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, **(security or {})
    )
    await producer.start()
    try:
        await producer.send_and_wait(
            topics.INTAKE,
            value=codec.encode(message),
            key=message.key.encode(),
            headers=codec.headers(message),
        )
    finally:
        await producer.stop()


def adapter_security(state: DevState, message: IntakeMessage) -> dict[str, Any]:
    """On the secure profile the command line logs in as the message's channel adapter."""
    if not state.kafka_secure:
        return {}
    adapter = adapter_principal("", message.channel).name
    return security_options(
        kafka_access.principal_settings(state.kafka_bootstrap_servers, state_dir(), adapter)
    )


def submit(state: DevState, message: IntakeMessage, timeout: float = 30.0) -> Submitted:
    """Publish, then ask intake until it has an answer for this message."""
    asyncio.run(
        publish_intake(state.kafka_bootstrap_servers, message, adapter_security(state, message))
    )
    url = f"{state.url('intake')}/v1/intake/{message.channel.value}/{message.message_id}"
    headers = {"Authorization": f"Bearer {state.tokens.get('adapter', '')}"}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            answer = httpx.get(url, headers=headers, timeout=5)
        except httpx.HTTPError:
            answer = None
        if answer is not None and answer.status_code == 200:
            body = answer.json()
            if body.get("status") != "accepted":
                raise SubmitRefused(body.get("reason") or body.get("status") or "refused")
            return Submitted(body["tracking_id"], body["status"])
        if answer is not None and answer.status_code not in (404, 503):
            raise SubmitRefused(f"intake answered {answer.status_code}: {answer.text[:200]}")
        time.sleep(0.3)
    raise SubmitTimeout(f"intake did not answer within {timeout:.0f} s")


def new_message(**fields: Any) -> IntakeMessage:
    """An intake message with a fresh message id and the current time."""
    now = datetime.now(UTC)
    return IntakeMessage(
        message_id=f"cli-{uuid.uuid4()}", occurred_at=now, received_at=now, **fields
    )


def status(state: DevState, tracking_id: str) -> dict[str, Any]:
    """The public status of a report by its tracking id."""
    answer = httpx.get(f"{state.url('tracking')}/v1/reports/{tracking_id}", timeout=10)
    if answer.status_code == 404:
        raise UnknownReport(tracking_id)
    answer.raise_for_status()
    body: dict[str, Any] = answer.json()
    return body
