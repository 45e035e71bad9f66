"""Intake's routes for the personal status link (role `adapter`: the web face, the app).

The secret travels in the request body, never in a path that access logs keep; an unknown or
erased secret is a 404 that never says which.
"""

# No `from __future__ import annotations`: FastAPI must resolve the local Annotated aliases.

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from intake.application.app import IntakeApplication
from intake.application.views import IntakeStatus
from intake.entrypoints.schemas import (
    IntakeStatusPublic,
    LinkedReportPublic,
    LinkRatingRequest,
    LinkReplyRequest,
    LinkRequest,
)
from shared.auth import Principal, TokenStore
from shared.http import AUTH_ERRORS, errors, require

LINK_ERRORS = errors(*AUTH_ERRORS, 404, 422, 503)


def status_link_router(app: IntakeApplication, tokens: TokenStore) -> APIRouter:
    """Open a report by its status-link secret; reply and rate through it."""
    router = APIRouter(prefix="/v1/status-links", tags=["status link"])
    Adapter = Annotated[Principal, Depends(require(tokens, "adapter"))]

    @router.post("/open", response_model=LinkedReportPublic, responses=LINK_ERRORS)
    def open_link(body: LinkRequest, _: Adapter) -> LinkedReportPublic:
        """The tracking id of the report a secret opens."""
        return LinkedReportPublic(tracking_id=app.links.open(body.secret).tracking_id)

    @router.post(
        "/replies", status_code=201, response_model=IntakeStatusPublic,
        responses={200: {"description": "The same message id again"}, **LINK_ERRORS},
    )  # fmt: skip
    def reply(body: LinkReplyRequest, _: Adapter) -> JSONResponse:
        """The reporter's reply (tanggapan), recorded like `BALAS <id> …` by SMS."""
        status, created = app.links.reply(body.secret, body.message_id, body.text)
        return _answer(status, created)

    @router.post(
        "/ratings", status_code=201, response_model=IntakeStatusPublic,
        responses={200: {"description": "The same message id again"}, **LINK_ERRORS},
    )  # fmt: skip
    def rate(body: LinkRatingRequest, _: Adapter) -> JSONResponse:
        """The reporter's rating 1-5, recorded like `NILAI <id> <1-5>` by SMS."""
        status, created = app.links.rate(body.secret, body.message_id, body.rating, body.comment)
        return _answer(status, created)

    return router


def _answer(status: IntakeStatus, created: bool) -> JSONResponse:
    public = IntakeStatusPublic(**asdict(status)).model_dump(mode="json")
    return JSONResponse(public, status_code=201 if created else 200)
