"""An adapter reads what became of a report by its tracking id (Open311's read-your-writes)."""

# No `from __future__ import annotations`: FastAPI must resolve the local Annotated aliases.

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from intake.application.app import IntakeApplication
from shared.auth import Principal, TokenStore
from shared.http import AUTH_ERRORS, errors, require


class ReportOutcomePublic(BaseModel):
    """What intake made of a report a tracking id names: no identity, no text."""

    tracking_id: str
    channel: str
    message_id: str
    status: str
    received_at: datetime
    category: str | None
    rahasia: bool


def outcome_router(app: IntakeApplication, tokens: TokenStore) -> APIRouter:
    """`GET /v1/reports/{tracking_id}/outcome` for adapters."""
    router = APIRouter()
    Adapter = Annotated[Principal, Depends(require(tokens, "adapter"))]

    @router.get(
        "/v1/reports/{tracking_id}/outcome",
        response_model=ReportOutcomePublic,
        responses=errors(*AUTH_ERRORS, 404, 503),
    )
    def outcome(tracking_id: str, _: Adapter) -> ReportOutcomePublic:
        """The channel, message, outcome, receipt moment and category of a recorded report."""
        report = app.report_by_tracking_id(tracking_id)
        sent = report.submission
        return ReportOutcomePublic(
            tracking_id=report.tracking_id, channel=sent.channel, message_id=sent.message_id,
            status=report.status, received_at=sent.received_at, category=sent.category,
            rahasia=sent.rahasia,
        )  # fmt: skip

    return router
