"""What `lapor submit` and `lapor status` do: act as an adapter, read the public status."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from services.cli.state import DevState
from shared.contracts import IntakeMessage


class SubmitTimeout(Exception):
    """Intake did not answer in time."""


class SubmitRefused(Exception):
    """Intake held or archived the report; the reason is the message."""


class UnknownReport(Exception):
    """No report has that tracking id."""


SUCCEEDED = ("accepted", "duplicate", "reply", "rating", "status-request")
"""Outcomes `lapor submit` exits 0 for; held and archived exit 1 with the reason."""


@dataclass(frozen=True)
class Submitted:
    """What intake answered for one submitted message."""

    tracking_id: str | None
    status: str
    reason: str | None = None

    @property
    def succeeded(self) -> bool:
        """Whether the message went on (a report, a duplicate, a reply, a rating, a CEK)."""
        return self.status in SUCCEEDED


def submit(state: DevState, message: IntakeMessage, timeout: float = 30.0) -> Submitted:
    """POST the message to intake as an adapter; follow a 202 until the outcome is known."""
    headers = {"Authorization": f"Bearer {state.tokens.get('adapter', '')}"}
    base = state.url("intake")
    try:
        answer = httpx.post(
            f"{base}/v1/reports", json=message.wire(), headers=headers, timeout=timeout
        )
    except httpx.HTTPError as error:
        raise SubmitTimeout(f"intake did not answer: {error}") from error
    location = answer.headers.get("Location") if answer.status_code == 202 else None
    deadline = time.monotonic() + timeout
    while location and time.monotonic() < deadline:
        time.sleep(0.3)
        answer = httpx.get(base + location, headers=headers, timeout=5)
        if answer.status_code != 404:
            break
    if answer.status_code in (202, 404):
        raise SubmitTimeout(f"intake did not answer within {timeout:.0f} s")
    if answer.status_code not in (200, 201):
        raise SubmitRefused(f"intake answered {answer.status_code}: {answer.text[:300]}")
    body = answer.json()
    return Submitted(body.get("tracking_id"), body["status"], body.get("reason"))


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
