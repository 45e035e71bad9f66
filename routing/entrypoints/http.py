"""The admin triage API: the list of reports awaiting triage, and disposition by hand."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.responses import JSONResponse

from routing.adapters.artefact import InstalledRouter
from routing.application.app import RoutingApplication
from routing.domain.errors import ReportNotFound, UnknownBody
from routing.entrypoints.schemas import (
    CandidatePublic,
    DispositionCreate,
    DispositionPublic,
    ModelPublic,
    TriageItemPublic,
)
from shared.auth import Principal, TokenStore
from shared.contracts import Actor
from shared.http import AUTH_ERRORS, Paging, errors, require


def admin_router(app: RoutingApplication, tokens: TokenStore) -> APIRouter:
    """Routes for the admin (Tim LAPOR kota); every one needs the `admin` role."""
    admitted = require(tokens, "admin")
    router = APIRouter(
        prefix="/v1",
        tags=["triage"],
        dependencies=[Depends(admitted)],
        responses=errors(*AUTH_ERRORS, 503),
    )

    @router.get("/triage", response_model=list[TriageItemPublic], responses=errors(422))
    def list_triage(response: Response, page: Paging) -> list[TriageItemPublic]:
        """Reports awaiting triage, oldest first, with the router's candidates.

        `limit`/`offset` give one page, read from the triage table; `X-Total-Count` says how
        many wait in all.
        """
        response.headers["X-Total-Count"] = str(app.triage.count())
        return [
            TriageItemPublic(
                tracking_id=item.tracking_id,
                report_id=item.report_id,
                title=item.title,
                excerpt=item.excerpt,
                reason=item.reason,
                candidates=[CandidatePublic(code=c.code, score=c.score) for c in item.candidates],
                since=item.since,
            )
            for item in app.triage.page(page.limit, page.offset)
        ]

    @router.get("/model", response_model=ModelPublic)
    def model_in_use() -> ModelPublic:
        """The router model this instance routes with (version 0: the one make install built)."""
        follows = app.router
        if isinstance(follows, InstalledRouter):
            threshold = follows.threshold  # checks the installed version if it is time to
            return ModelPublic(version=follows.version, threshold=threshold)
        return ModelPublic(version=None, threshold=getattr(follows, "threshold", None))

    @router.post(
        "/reports/{tracking_id}/disposition",
        response_model=DispositionPublic,
        responses=errors(404, 422),
    )
    def dispose(
        tracking_id: str,
        body: DispositionCreate,
        admin: Principal = Depends(admitted),  # a local: Annotated would not resolve
    ) -> DispositionPublic:
        """Dispose or re-dispose a report to a body by hand (method "admin"), naming the admin."""
        actor = Actor(role=admin.role, name=admin.name)
        disposition, changed = app.dispose_by_hand(tracking_id, body.skpd_code, body.reason, actor)
        return DispositionPublic(
            tracking_id=disposition.tracking_id,
            report_id=disposition.report_id,
            skpd_code=disposition.skpd_code,
            previous_code=disposition.previous_code,
            rejected_by=list(disposition.rejected_by),
            changed=changed,
        )

    return router


def install_error_handlers(api: FastAPI) -> None:
    """Routing's domain errors as HTTP answers naming the problem."""

    @api.exception_handler(ReportNotFound)
    async def not_found(_: Request, error: ReportNotFound) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=404)

    @api.exception_handler(UnknownBody)
    async def unknown_body(_: Request, error: UnknownBody) -> JSONResponse:
        detail = [
            {
                "loc": ["body", "skpd_code"],
                "msg": f"unknown body code {error.code!r}",
                "type": "unknown_body",
                "input": error.code,
            }
        ]
        return JSONResponse({"detail": detail}, status_code=422)
