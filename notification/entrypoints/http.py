"""HTTP routes of the notification service."""

from __future__ import annotations

from typing import Protocol

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse

from notification.application.errors import NoNotificationsForReport
from notification.application.views import SentMessage
from notification.entrypoints.schemas import (
    DeliveryProblemsPublic,
    NotificationPublic,
    ReportNotificationsPublic,
)
from shared.auth import TokenStore
from shared.http import AUTH_ERRORS, errors, require


class NotificationQueries(Protocol):
    """What the routes read."""

    def messages_for(self, tracking_id: str) -> list[SentMessage]: ...

    def delivery_problems(self) -> list[SentMessage]: ...


def notifications_router(queries: NotificationQueries, tokens: TokenStore) -> APIRouter:
    """`GET /v1/notifications/failed` (admin) and `GET /v1/notifications/{tracking_id}`."""
    router = APIRouter(
        prefix="/v1/notifications", tags=["notifications"], responses=errors(*AUTH_ERRORS, 503)
    )
    staff = Depends(require(tokens, "admin", "analyst"))
    admin = Depends(require(tokens, "admin"))

    @router.get("/failed", dependencies=[admin])
    def delivery_problems() -> DeliveryProblemsPublic:
        """Messages that failed and wait for a retry, or were given up (the admin was told)."""
        found = queries.delivery_problems()
        return DeliveryProblemsPublic(notifications=[NotificationPublic.of(m) for m in found])

    @router.get("/{tracking_id}", dependencies=[staff], responses=errors(404))
    def report_notifications(tracking_id: str) -> ReportNotificationsPublic:
        """Who was told what about one report, when, on which channel, and whether it arrived."""
        tracking_id = tracking_id.upper()
        messages = queries.messages_for(tracking_id)
        return ReportNotificationsPublic(
            tracking_id=tracking_id,
            notifications=[NotificationPublic.of(message) for message in messages],
        )

    return router


def install_error_handlers(app: FastAPI) -> None:
    """Map the notification errors onto HTTP status codes."""

    @app.exception_handler(NoNotificationsForReport)
    async def not_found(_: Request, error: NoNotificationsForReport) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=404)
