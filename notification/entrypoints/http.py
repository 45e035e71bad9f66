"""HTTP routes of the notification service."""

from __future__ import annotations

from typing import Protocol

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse

from notification.application.errors import NoNotificationsForReport
from notification.application.views import SentMessage
from notification.entrypoints.schemas import NotificationPublic, ReportNotificationsPublic
from shared.auth import TokenStore
from shared.http import require


class NotificationQueries(Protocol):
    """What the routes read."""

    def messages_for(self, tracking_id: str) -> list[SentMessage]: ...


def notifications_router(queries: NotificationQueries, tokens: TokenStore) -> APIRouter:
    """`GET /v1/notifications/{tracking_id}` for admins and analysts."""
    router = APIRouter(prefix="/v1/notifications", tags=["notifications"])
    staff = Depends(require(tokens, "admin", "analyst"))

    @router.get("/{tracking_id}", dependencies=[staff])
    def report_notifications(tracking_id: str) -> ReportNotificationsPublic:
        """The messages sent to the reporter of one report, with their delivery status."""
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
