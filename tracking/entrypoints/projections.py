"""The operator's view of the read model: position and lag, quarantine, rebuild (admin)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from shared.auth import TokenStore
from shared.http import AUTH_ERRORS, errors, require
from tracking.adapters.projector import CaseProjector


class ProjectionPublic(BaseModel):
    """Where a projection stands in tracking's log."""

    name: str
    position: int
    head: int
    lag: int
    quarantined: int
    rebuilding: bool


class QuarantinedPublic(BaseModel):
    """An event a projection held aside."""

    projection: str
    notification_id: int
    event: str
    error: str
    at: datetime


class UnknownProjection(LookupError):
    """No projection has this name."""


def projections_router(projectors: list[CaseProjector], tokens: TokenStore) -> APIRouter:
    """Admin routes the `lapor projections` command calls (the service stays the only writer)."""
    admin = require(tokens, "admin")
    router = APIRouter(
        prefix="/v1/projections",
        tags=["operations"],
        dependencies=[Depends(admin)],
        responses=errors(*AUTH_ERRORS, 503),
    )
    by_name = {p.name: p for p in projectors}

    @router.get("", response_model=list[ProjectionPublic])
    def status() -> list[ProjectionPublic]:
        """Position, head of the log, lag and quarantined events of each projection."""
        out = []
        for projector in projectors:
            s = projector.status()
            out.append(ProjectionPublic(**vars(s), lag=s.lag))
        return out

    @router.get("/quarantine", response_model=list[QuarantinedPublic])
    def quarantine() -> list[QuarantinedPublic]:
        """Every event held aside, oldest first."""
        return [
            QuarantinedPublic(projection=p.name, **vars(q))
            for p in projectors
            for q in p.quarantined()
        ]

    @router.post(
        "/{name}/rebuild", status_code=202, response_model=ProjectionPublic, responses=errors(404)
    )
    def rebuild(name: str) -> ProjectionPublic:
        """Ask the running projector to empty its tables and replay from zero."""
        projector = by_name.get(name)
        if projector is None:
            raise UnknownProjection(f"no projection {name!r}; known: {', '.join(by_name)}")
        projector.request_rebuild()
        s = projector.status()
        return ProjectionPublic(**vars(s), lag=s.lag)

    return router
