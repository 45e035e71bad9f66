"""The public updates of cases, oldest first: what a back office pulls between two moments.

An update is a step of a public (not `rahasia`) case that a back office acts on: a body's
follow-up, its resolution, and any step that moves the case to another status bucket. Each
step is one update, named by the case's tracking id and the step's place in the case's life,
so the same step is the same `update_id` in every window it is asked in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from shared.masking import mask_contacts
from tracking.domain.status import Status

# The timeline's type names of a body's own words: always an update, status changed or not.
BODY_WORDS = ("FollowUpPosted", "CaseResolved")
CLOSED = frozenset({Status.SELESAI.value, Status.ARSIP.value})
MAX_PAGE_SIZE = 1000


@dataclass(frozen=True)
class UpdateWindow:
    """Updates that happened at `start` or later and before `end` (either may be open)."""

    start: datetime | None = None
    end: datetime | None = None


@dataclass(frozen=True)
class StepRow:
    """A case step as the read model holds it: its timeline line and the bucket after it."""

    tracking_id: str
    seq: int
    event_type: str
    at: datetime
    line: str
    detail: str | None
    bucket: str


@dataclass(frozen=True)
class PublicUpdate:
    """One update as the public reads it (no identity; contacts in text masked)."""

    update_id: str
    tracking_id: str
    status: str  # open | closed
    bucket: str
    occurred_at: datetime
    description: str | None
    media_url: str | None = None


@dataclass(frozen=True)
class UpdatesPage:
    """One page of updates, and how many the window holds in all."""

    items: tuple[PublicUpdate, ...]
    total: int


class UpdateSteps(Protocol):
    """The read model's port: the update steps of a window, oldest first."""

    def steps(self, window: UpdateWindow, limit: int, offset: int) -> tuple[list[StepRow], int]:
        """One slice of the window's update steps, and how many it holds."""
        ...


def status_of(bucket: str) -> str:
    """Open311's two states: `closed` once resolved or archived."""
    return "closed" if bucket in CLOSED else "open"


def public_update(step: StepRow) -> PublicUpdate:
    """The public form of a step: the body's words if any, else the timeline's line, masked."""
    words = step.detail if step.event_type in BODY_WORDS and step.detail else step.line
    return PublicUpdate(
        update_id=f"{step.tracking_id}-{step.seq}",
        tracking_id=step.tracking_id,
        status=status_of(step.bucket),
        bucket=step.bucket,
        occurred_at=step.at,
        description=mask_contacts(words) if words else None,
    )


def public_updates(
    steps: UpdateSteps, window: UpdateWindow, page: int, page_size: int
) -> UpdatesPage:
    """Page `page` (from 1) of the window's updates, `page_size` each, oldest first."""
    rows, total = steps.steps(window, page_size, (page - 1) * page_size)
    return UpdatesPage(tuple(public_update(row) for row in rows), total)
