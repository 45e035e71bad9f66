"""One place that maps intake's domain errors to HTTP answers."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from intake.domain.errors import IntakeError, LookUpRefused, MessageNotSeen, UnknownReporterRef

STATUS_CODES: dict[type[IntakeError], int] = {
    MessageNotSeen: 404,
    UnknownReporterRef: 404,
    LookUpRefused: 403,
}


def install_error_handlers(app: FastAPI) -> None:
    """Domain errors become 4xx answers that name the problem."""

    @app.exception_handler(IntakeError)
    async def intake_error(_: Request, error: IntakeError) -> JSONResponse:
        status = STATUS_CODES.get(type(error), 400)
        return JSONResponse({"detail": str(error)}, status_code=status)
