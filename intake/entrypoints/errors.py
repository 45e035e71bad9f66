"""One place that maps intake's domain errors to HTTP answers."""

from __future__ import annotations

import json

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response

from intake.domain.errors import (
    IdentityErased,
    IntakeError,
    InvalidMessage,
    LookUpRefused,
    MessageNotSeen,
    NotHeld,
    UnknownContact,
    UnknownReporterRef,
    UnknownStatusLink,
    UnknownTrackingId,
)
from intake.domain.photos import (
    BrokenPhoto,
    NotAnImage,
    PhotoNotPublic,
    PhotoTooLarge,
    TooManyPhotos,
    UnknownMedia,
)
from intake.entrypoints.body import BadBody

STATUS_CODES: dict[type[IntakeError], int] = {
    MessageNotSeen: 404,
    UnknownReporterRef: 404,
    UnknownContact: 404,
    UnknownTrackingId: 404,
    UnknownStatusLink: 404,
    LookUpRefused: 403,
    IdentityErased: 410,
    NotHeld: 409,
    InvalidMessage: 422,
    PhotoTooLarge: 413,
    NotAnImage: 415,
    BrokenPhoto: 422,
    TooManyPhotos: 422,
    UnknownMedia: 404,
    PhotoNotPublic: 401,
}


def install_error_handlers(app: FastAPI) -> None:
    """Domain errors and bad bodies become 4xx answers that name the problem."""

    @app.exception_handler(IntakeError)
    async def intake_error(_: Request, error: IntakeError) -> JSONResponse:
        status = STATUS_CODES.get(type(error), 400)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse({"detail": str(error)}, status_code=status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, error: RequestValidationError) -> Response:
        # FastAPI's own answer echoes the input as UTF-8: a lone surrogate in it made a 500
        body = json.dumps({"detail": jsonable_encoder(error.errors())}, ensure_ascii=True)
        return Response(body, status_code=422, media_type="application/json")

    @app.exception_handler(BadBody)
    async def bad_body(_: Request, error: BadBody) -> JSONResponse:
        return JSONResponse({"detail": error.detail}, status_code=error.status)
