"""Tracking's HTTP routes: public status by tracking id, and statistics for analysts."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse

from shared.auth import TokenStore
from shared.http import require
from tracking.application.views import CaseViews, ReportNotFound, public_status
from tracking.entrypoints.schemas import ReportStatusPublic, StatsPublic


def public_router(views: CaseViews) -> APIRouter:
    """Routes anyone may call: a report's status by its tracking id."""
    router = APIRouter(prefix="/v1", tags=["public"])

    @router.get("/reports/{tracking_id}", response_model=ReportStatusPublic)
    def report_status(tracking_id: str) -> ReportStatusPublic:
        """Status bucket, body, timeline and next deadline of a report (no identity)."""
        return ReportStatusPublic.of(public_status(views, tracking_id))

    return router


def stats_router(views: CaseViews, tokens: TokenStore) -> APIRouter:
    """Routes for analysts: counts per status bucket and per body."""
    router = APIRouter(prefix="/v1", tags=["analyst"])
    analyst = require(tokens, "analyst")

    @router.get("/stats", response_model=StatsPublic, dependencies=[Depends(analyst)])
    def stats() -> StatsPublic:
        """How many reports each bucket and each body holds (received, resolved, in progress)."""
        return StatsPublic.of(views.stats())

    return router


def install_error_handlers(app: FastAPI) -> None:
    """Map tracking's errors to HTTP answers: an unknown tracking id is a 404."""

    @app.exception_handler(ReportNotFound)
    async def not_found(_: Request, error: ReportNotFound) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=404)
