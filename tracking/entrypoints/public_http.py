"""The public record over HTTP (no token): the filtered query, open data, and public flags."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import JSONResponse, StreamingResponse

from shared.clock import WITA
from shared.http import errors
from tracking.application.moderation import Moderation, TooManyFlags
from tracking.application.public import PublicFilter, PublicReport, PublicReports, statuses_for
from tracking.entrypoints.public_schemas import (
    FlagAnswer,
    FlagRequest,
    PublicReportPage,
    PublicReportPublic,
)

MAX_PAGE = 1_000_000  # bounded: page × page_size must stay within the database's integers
STREAM_CHUNK = 1000
CSV_COLUMNS = (
    "tracking_id", "received_at", "updated_at", "status", "kind", "channel", "category",
    "skpd_code", "skpd_name", "kecamatan", "kelurahan", "latitude", "longitude", "title",
    "text", "attachments",
)  # fmt: skip
_ALREADY_FLAGGED = {"model": FlagAnswer, "description": "This address flagged it already"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class BadDate(ValueError):
    """A date filter that is neither a date nor a datetime with a time zone."""


def _moment(name: str, value: str | None, *, end: bool) -> datetime | None:
    """`2026-12-01` (a day in WITA) or an ISO datetime with its zone; an end is excluded after."""
    if not value:
        return None
    try:
        if len(value) == 10:
            day = date.fromisoformat(value) + timedelta(days=1 if end else 0)
            return datetime.combine(day, time(0), WITA)
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise BadDate(f"{name}: not an ISO date or datetime ({value!r})") from error
    if moment.tzinfo is None:
        raise BadDate(f"{name}: a datetime needs its time zone ({value!r})")
    return moment + timedelta(microseconds=1) if end else moment


def public_filter(
    kecamatan: Annotated[str | None, Query(max_length=200)] = None,
    skpd: Annotated[str | None, Query(max_length=40)] = None,
    status: Annotated[
        str | None, Query(max_length=64, description="a bucket, open or closed")
    ] = None,
    category: Annotated[str | None, Query(max_length=40)] = None,
    q: Annotated[str | None, Query(max_length=200, description="words in title or text")] = None,
    start_date: Annotated[str | None, Query(max_length=40)] = None,
    end_date: Annotated[str | None, Query(max_length=40, description="included")] = None,
) -> PublicFilter:
    """The public query's filters."""
    return PublicFilter(
        kecamatan=kecamatan, skpd=skpd, statuses=statuses_for(status), category=category,
        q=q.strip() if q and q.strip() else None,
        start=_moment("start_date", start_date, end=False),
        end=_moment("end_date", end_date, end=True),
    )  # fmt: skip


Filter = Annotated[PublicFilter, Depends(public_filter)]


def public_records_router(
    reports: PublicReports, moderation: Moderation, trusted_proxies: frozenset[str]
) -> APIRouter:
    """Routes anyone may call: the public query, the open-data feeds, flagging a report."""
    router = APIRouter(prefix="/v1", tags=["public"], responses=errors(422, 503))

    @router.get("/public/reports", response_model=PublicReportPage)
    def public_reports(
        query: Filter,
        page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
        page_size: Annotated[int, Query(ge=1, le=1000)] = 50,
    ) -> PublicReportPage:
        """Public reports, newest first (then by tracking id); the pages make up the list."""
        found = reports.query(query, page, page_size)
        return PublicReportPage(
            items=[PublicReportPublic.of(item) for item in found.items], total=found.total
        )

    @router.get("/feed.csv", response_class=StreamingResponse)
    def feed_csv(query: Filter) -> StreamingResponse:
        """Open data: every public report as CSV (masked, no identity, pins about 100 m)."""
        rows = _csv_lines(reports.stream(query, STREAM_CHUNK))
        return StreamingResponse(rows, media_type="text/csv; charset=utf-8", headers=_file("csv"))

    @router.get("/feed.geojson", response_class=StreamingResponse)
    def feed_geojson(query: Filter) -> StreamingResponse:
        """Open data: every public report as a GeoJSON FeatureCollection (RFC 7946)."""
        features = _geojson(reports.stream(query, STREAM_CHUNK))
        return StreamingResponse(
            features, media_type="application/geo+json", headers=_file("geojson")
        )

    @router.post(
        "/public/reports/{tracking_id}/flags",
        response_model=FlagAnswer,
        status_code=201,
        responses={**errors(404, 429), 200: _ALREADY_FLAGGED},
    )
    def flag(tracking_id: str, body: FlagRequest, request: Request) -> FlagAnswer | JSONResponse:
        """Flag a public report (once per address); three flags hide it until reviewed."""
        outcome = moderation.flag(
            tracking_id, client_address(request, trusted_proxies), body.reason
        )
        answer = FlagAnswer(**vars(outcome))
        if not outcome.counted:
            return JSONResponse(answer.model_dump(), status_code=200)
        return answer

    return router


def client_address(request: Request, trusted_proxies: frozenset[str]) -> str:
    """The caller's address; behind a trusted proxy (the web face), the one it forwards."""
    peer = request.client.host if request.client else ""
    if peer not in trusted_proxies:
        return peer
    hops = [hop.strip() for hop in request.headers.get("x-forwarded-for", "").split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        if hop not in trusted_proxies:
            return hop
    return peer


def _file(extension: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="laporan-publik.{extension}"'}


def _csv_lines(reports: Iterator[PublicReport]) -> Iterator[str]:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for count, report in enumerate(reports, start=1):
        writer.writerow(_csv_row(report))
        if count % STREAM_CHUNK == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def _csv_row(report: PublicReport) -> list[object]:
    values = vars(report)
    row: list[object] = []
    for column in CSV_COLUMNS:
        value = values[column]
        if column in ("title", "text") and value.startswith(_FORMULA_START):
            value = "'" + value  # a spreadsheet must not run a citizen's text as a formula
        elif column == "attachments":
            value = " ".join(value)
        elif isinstance(value, datetime):
            value = value.astimezone(WITA).isoformat()
        row.append("" if value is None else value)
    return row


def _geojson(reports: Iterator[PublicReport]) -> Iterator[str]:
    """The FeatureCollection, sent a chunk of features at a time (each send is a thread hop)."""
    yield '{"type":"FeatureCollection","features":['
    features: list[str] = []
    separator = ""
    for report in reports:
        features.append(json.dumps(_feature(report), ensure_ascii=False))
        if len(features) == STREAM_CHUNK:
            yield separator + ",".join(features)
            separator, features = ",", []
    if features:
        yield separator + ",".join(features)
    yield "]}"


def _feature(report: PublicReport) -> dict[str, object]:
    geometry = None  # RFC 7946 allows a feature without a place
    if report.latitude is not None and report.longitude is not None:
        geometry = {"type": "Point", "coordinates": [report.longitude, report.latitude]}
    properties = PublicReportPublic.of(report).model_dump(mode="json")
    for key in ("latitude", "longitude"):
        properties.pop(key)
    return {"type": "Feature", "id": report.tracking_id, "geometry": geometry,
            "properties": properties}  # fmt: skip


def install_public_errors(app: FastAPI) -> None:
    """422 for a bad date filter; 429 with Retry-After for too many flags from one address."""

    @app.exception_handler(BadDate)
    async def bad_date(_: Request, error: BadDate) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=422)

    @app.exception_handler(TooManyFlags)
    async def too_many(_: Request, error: TooManyFlags) -> JSONResponse:
        detail = "terlalu banyak penandaan dari alamat ini; coba lagi nanti"
        headers = {"Retry-After": str(error.retry_after)}
        return JSONResponse({"detail": detail}, status_code=429, headers=headers)
