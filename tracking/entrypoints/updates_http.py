"""Tracking's public updates: each follow-up, resolution and status change, oldest first."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query
from pydantic import AwareDatetime, BaseModel

from shared.http import errors
from tracking.application.updates import (
    MAX_PAGE_SIZE,
    UpdateSteps,
    UpdateWindow,
    public_updates,
)

# Bounded: a huge page times its size overflows the database's integer into a 500.
MAX_PAGE = 1_000_000


class UpdatePublic(BaseModel):
    """One update of a public report: the bucket after it and the body's words (masked)."""

    update_id: str
    tracking_id: str
    status: Literal["open", "closed"]
    bucket: str
    occurred_at: datetime
    description: str | None
    media_url: str | None


class UpdatesPagePublic(BaseModel):
    """One page of updates, and how many the window holds in all."""

    items: list[UpdatePublic]
    total: int


Moment = Annotated[AwareDatetime | None, Query(description="W3C datetime with its offset")]


def public_updates_router(steps: UpdateSteps) -> APIRouter:
    """`GET /v1/public/updates`: anyone may call it; `rahasia` reports are never in it."""
    router = APIRouter(prefix="/v1/public", tags=["public"], responses=errors(503))

    @router.get("/updates", response_model=UpdatesPagePublic, responses=errors(422))
    def updates(
        start: Moment = None,
        end: Moment = None,
        page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
        page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 50,
    ) -> UpdatesPagePublic:
        """Updates at `start` or later and before `end`, oldest first (each step once)."""
        if start is not None and end is not None and end < start:
            raise HTTPException(422, "end is earlier than start")
        found = public_updates(steps, UpdateWindow(start, end), page, page_size)
        items = [UpdatePublic(**vars(item)) for item in found.items]
        return UpdatesPagePublic(items=items, total=found.total)

    return router
