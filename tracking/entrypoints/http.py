"""Tracking's HTTP routes: public status and feed, analysts' figures, SKPD desks, projections."""

from __future__ import annotations

import csv
import io
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import date
from typing import Annotated, Any

from aiokafka.errors import KafkaError
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import AwareDatetime, ValidationError

from shared import topics
from shared.auth import Principal, TokenStore
from shared.clock import Clock
from shared.contracts import Actor, SkpdAction
from shared.http import AUTH_ERRORS, errors, require
from shared.messaging import codec
from tracking.application.case_file import NotYourCase, read_case_file
from tracking.application.desk import (
    IncompleteAction,
    Move,
    NotYourReport,
    UnknownBody,
    check_body,
    prepare,
)
from tracking.application.figures import StatsFilter
from tracking.application.views import CaseViews, DeskFilter, ReportNotFound, public_status
from tracking.domain.errors import CaseRefused
from tracking.entrypoints.projections import UnknownProjection
from tracking.entrypoints.schemas import (
    ActionAccepted,
    BodyPublic,
    CaseFilePublic,
    DeskAction,
    DeskItemPublic,
    DeskPage,
    EscalatedPage,
    EscalatedPublic,
    FeedItemPublic,
    FeedPage,
    ReportStatusPublic,
    StatsPublic,
)

MAX_OFFSET = 1_000_000_000
STATS_COLUMNS = (
    "code",
    "name",
    "received",
    "resolved",
    "in_progress",
    "overdue",
    "median_hours_to_first_follow_up",
    "resolved_within_deadline_pct",
)
Limit = Annotated[int, Query(ge=1, le=500)]
# Bounded: a huge offset overflows the database's integer (SQLite, PostgreSQL) into a 500.
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]


def public_router(views: CaseViews) -> APIRouter:
    """Routes anyone may call: a report's status by its tracking id, the public feed."""
    router = APIRouter(prefix="/v1", tags=["public"], responses=errors(503))

    @router.get("/reports/{tracking_id}", response_model=ReportStatusPublic, responses=errors(404))
    def report_status(tracking_id: str) -> ReportStatusPublic:
        """Status bucket, body, timeline and next deadline of a report (no identity)."""
        return ReportStatusPublic.of(public_status(views, tracking_id))

    @router.get("/feed", response_model=FeedPage)
    def feed(limit: Limit = 50, offset: Offset = 0) -> FeedPage:
        """Reports that are not `rahasia`, newest first, without personal data."""
        page = views.feed(limit, offset)
        return FeedPage(items=[_feed_item(item) for item in page.items], total=page.total)

    return router


def _feed_item(item: Any) -> FeedItemPublic:
    skpd = None  # a report not yet disposed (held, awaiting triage) has no body
    if item.skpd_code:
        skpd = BodyPublic(code=item.skpd_code, name=item.skpd_name or item.skpd_code)
    fields = {k: v for k, v in vars(item).items() if k not in ("skpd_code", "skpd_name")}
    return FeedItemPublic(**fields, skpd=skpd)


def stats_filter(
    from_: Annotated[date | None, Query(alias="from")] = None,
    to: date | None = None,
    skpd: str | None = None,
    kecamatan: str | None = None,
    channel: str | None = None,
    kind: str | None = None,
    as_of: AwareDatetime | None = None,
) -> StatsFilter:
    """The analysts' filters: receipt dates (WITA), body, place, channel, kind, and when."""
    return StatsFilter(from_, to, skpd, kecamatan, channel, kind, as_of)


Filter = Annotated[StatsFilter, Depends(stats_filter)]


def stats_router(views: CaseViews, tokens: TokenStore, clock: Clock) -> APIRouter:
    """Routes for analysts (read-only): figures as JSON and CSV, and one row per report."""
    analyst = require(tokens, "analyst", "admin")
    router = APIRouter(
        prefix="/v1",
        tags=["analyst"],
        dependencies=[Depends(analyst)],
        responses=errors(*AUTH_ERRORS, 422, 503),
    )

    @router.get("/stats", response_model=StatsPublic)
    def stats(query: Filter) -> StatsPublic:
        """Received, resolved, in progress; per body, channel, kind, kecamatan and ISO week."""
        return StatsPublic.of(views.stats(query, clock.now()), query.as_of)

    @router.get("/stats.csv", response_class=Response)
    def stats_csv(query: Filter) -> Response:
        """One row per body with its figures (the same filters as /v1/stats)."""
        bodies = views.stats(query, clock.now()).by_skpd
        return _csv(STATS_COLUMNS, [vars(body) for body in bodies])

    @router.get("/reports.csv", response_class=Response)
    def reports_csv(query: Filter) -> Response:
        """One row per report: place, channel, kind, body, times, status; no identity."""
        rows = views.report_rows(query, clock.now())
        columns = tuple(rows[0]) if rows else ("tracking_id",)
        return _csv(columns, rows)

    return router


def _csv(columns: tuple[str, ...], rows: list[dict[str, Any]]) -> Response:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if row.get(k) is None else row[k] for k in columns})
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8")


Send = Callable[[Request, str, SkpdAction], Awaitable[None]]


async def broker_send(request: Request, topic: str, action: SkpdAction) -> None:
    """Publish an action with the service's own broker (key: the report id).

    An unreachable broker is the one 5xx: 503 saying the action was not sent, so the desk may
    simply try again (the action is idempotent on its event id only once it is on the topic).
    """
    broker = request.app.state.runtime.broker
    headers = {name: value.decode() for name, value in codec.headers(action)}
    try:
        await broker.publish(
            codec.encode(action), topic, key=str(action.report_id).encode(), headers=headers
        )
    except (KafkaError, TimeoutError) as error:
        raise HTTPException(
            503, f"the broker did not take the action ({type(error).__name__}); try again"
        ) from error


def desk_router(
    views: CaseViews, app: Any, tokens: TokenStore, clock: Clock, send: Send = broker_send
) -> APIRouter:
    """SKPD desks for bodies without a system of their own (role `skpd:<CODE>` or admin)."""
    router = APIRouter(
        prefix="/v1/skpd", tags=["skpd"], responses=errors(*AUTH_ERRORS, 404, 422, 503)
    )
    caller_of = Depends(require(tokens, "skpd", "admin"))

    @router.get("/{code}/reports", response_model=DeskPage)
    def desk(
        code: str,
        query: Annotated[DeskQuery, Depends()],
        limit: Limit = 50,
        offset: Offset = 0,
        caller: Principal = caller_of,
    ) -> DeskPage:
        """A body's reports, overdue first, then by the moment due; filtered on the server."""
        _check_caller(caller, code)
        page = views.desk(code, query.filter_for(caller), clock.now(), limit, offset)
        items = [DeskItemPublic(**vars(item)) for item in page.items]
        return DeskPage(items=items, total=page.total)

    @router.post("/{code}/reports/{tracking_id}/actions", status_code=202, responses=errors(409))
    async def act(
        code: str,
        tracking_id: str,
        body: DeskAction,
        request: Request,
        caller: Principal = caller_of,
    ) -> ActionAccepted:
        """Check a move against the case, then send it on the body's actions topic."""
        _check_caller(caller, code)
        move = Move(
            body.action, body.text, body.suggested_code, body.resolution_days, body.assignee
        )
        action = prepare(
            views, app.repository.get, app.deadlines, code, tracking_id, move,
            _actor(caller), clock.now(),
        )  # fmt: skip
        topic = topics.skpd_actions_topic(code)
        await send(request, topic, action)
        return ActionAccepted(
            tracking_id=action.tracking_id, action=body.action, event_id=str(action.event_id),
            topic=topic,
        )  # fmt: skip

    return router


def staff_router(views: CaseViews, app: Any, tokens: TokenStore) -> APIRouter:
    """Staff reads across desks: one case with its people, the admin's escalated queue."""
    router = APIRouter(prefix="/v1", tags=["staff"], responses=errors(*AUTH_ERRORS, 404, 422, 503))
    caller_of = Depends(require(tokens, "skpd", "admin"))
    admin_of = Depends(require(tokens, "admin"))

    @router.get("/cases/{tracking_id}", response_model=CaseFilePublic)
    def case_file(tracking_id: str, caller: Principal = caller_of) -> CaseFilePublic:
        """The case and its whole timeline, each step naming who took it (admin; its body)."""
        found = read_case_file(views, app, tracking_id, caller.role, caller.skpd_code)
        return CaseFilePublic.of(found)

    @router.get("/escalations", response_model=EscalatedPage, dependencies=[admin_of])
    def escalations(limit: Limit = 50, offset: Offset = 0) -> EscalatedPage:
        """Open cases escalated at least once, by the moment due (admin)."""
        page = views.escalated(limit, offset)
        return EscalatedPage(
            items=[EscalatedPublic(**vars(item)) for item in page.items], total=page.total
        )

    return router


class DeskQuery:
    """The desk's filters as query parameters (`assignee=mine`: the caller's own)."""

    def __init__(
        self,
        status: str | None = None,
        overdue: bool | None = None,
        assignee: Annotated[str | None, Query(max_length=200)] = None,
        kecamatan: Annotated[str | None, Query(max_length=200)] = None,
        category: Annotated[str | None, Query(max_length=40)] = None,
        q: Annotated[str | None, Query(max_length=200)] = None,
    ) -> None:
        self.fields = DeskFilter(status, overdue, assignee, kecamatan, category, q)

    def filter_for(self, caller: Principal) -> DeskFilter:
        """The filter, with `mine` read as the caller's name."""
        if (self.fields.assignee or "").strip().lower() != MINE:
            return self.fields
        if not caller.name:
            raise IncompleteAction("assignee=mine needs a personal token (one with a name)")
        return replace(self.fields, assignee=caller.name)


MINE = "mine"


def _check_caller(caller: Principal, code: str) -> None:
    check_body(code)
    if caller.role != "admin" and caller.skpd_code != code:
        raise NotYourReport(f"role {caller.role} may not act for {code}")


def _actor(caller: Principal) -> Actor:
    return Actor(role=caller.role, name=caller.name)


def install_error_handlers(app: FastAPI) -> None:
    """Map tracking's errors to HTTP: 404 unknown, 403 another body's, 409 refused, 422 bad."""
    answers: dict[type[Exception], int] = {
        ReportNotFound: 404,
        UnknownBody: 404,
        NotYourReport: 403,
        NotYourCase: 403,
        CaseRefused: 409,
        IncompleteAction: 422,
        ValidationError: 422,
        UnknownProjection: 404,
    }
    for error_type, status in answers.items():
        app.add_exception_handler(error_type, _answer(status))


def _answer(status: int) -> Any:
    async def handler(_: Request, error: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=status)

    return handler
