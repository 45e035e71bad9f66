"""The admin's moderation over HTTP: the queue, and hiding, showing, correcting a report."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from shared.auth import Principal, TokenStore
from shared.http import AUTH_ERRORS, errors, require
from tracking.application.moderation import Moderation
from tracking.application.public import PublicReports
from tracking.application.views import ReportNotFound
from tracking.entrypoints.public_http import MAX_PAGE
from tracking.entrypoints.public_schemas import (
    CorrectionRequest,
    ModerationAnswer,
    ModerationItemPublic,
    ModerationPage,
    ModerationRequest,
)


def moderation_router(
    reports: PublicReports, moderation: Moderation, tokens: TokenStore
) -> APIRouter:
    """Routes for the admin (role `admin`; the person is the token's name)."""
    admin = require(tokens, "admin")
    router = APIRouter(
        prefix="/v1/moderation",
        tags=["admin"],
        dependencies=[Depends(admin)],
        responses=errors(*AUTH_ERRORS, 404, 422, 503),
    )
    caller_of = Depends(admin)

    @router.get("", response_model=ModerationPage)
    def queue(
        reason: Literal["flagged", "hidden", "pin"] | None = None,
        page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
        page_size: Annotated[int, Query(ge=1, le=500)] = 50,
    ) -> ModerationPage:
        """Reports to review: flagged, hidden, or pinned outside the city; latest acts first."""
        found = reports.moderation(reason, page, page_size)
        return ModerationPage(
            items=[ModerationItemPublic.of(item) for item in found.items], total=found.total
        )

    @router.get("/{tracking_id}", response_model=ModerationItemPublic)
    def item(tracking_id: str) -> ModerationItemPublic:
        """One report's public face and every moderation act on it, with who acted."""
        found = reports.moderation_item(tracking_id.strip().upper())
        if found is None:
            raise ReportNotFound(tracking_id)
        return ModerationItemPublic.of(found)

    @router.post("/{tracking_id}/hide", responses=errors(409))
    def hide(
        tracking_id: str, body: ModerationRequest, caller: Principal = caller_of
    ) -> ModerationAnswer:
        """Hide the report from every public surface (CaseHidden)."""
        view = moderation.hide(tracking_id, caller.role, caller.name, body.reason)
        return ModerationAnswer(tracking_id=view.tracking_id, act="hidden")

    @router.post("/{tracking_id}/show", responses=errors(409))
    def show(
        tracking_id: str, body: ModerationRequest, caller: Principal = caller_of
    ) -> ModerationAnswer:
        """Show a hidden report again after review (CaseShown)."""
        view = moderation.show(tracking_id, caller.role, caller.name, body.reason)
        return ModerationAnswer(tracking_id=view.tracking_id, act="shown")

    @router.post("/{tracking_id}/correct", responses=errors(409))
    def correct(
        tracking_id: str, body: CorrectionRequest, caller: Principal = caller_of
    ) -> ModerationAnswer:
        """Correct the public title and text; the original stays in the history (CaseCorrected)."""
        view = moderation.correct(
            tracking_id, caller.role, caller.name, body.reason, title=body.title, text=body.text
        )
        return ModerationAnswer(tracking_id=view.tracking_id, act="corrected")

    return router
