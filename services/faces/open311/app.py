"""Open311 GeoReport v2 routes at `/open311/v2`: services, requests, tokens, discovery."""

from __future__ import annotations

from datetime import datetime
from importlib.resources import files
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from services.faces.common.backends import BackendError, Backends, Unavailable, closing
from services.faces.common.catalogue import category
from services.faces.common.forms import FormRefused, read_form
from services.faces.common.health import health_router
from services.faces.common.settings import EdgeSettings
from services.faces.open311 import documents
from services.faces.open311.answers import (
    Open311Error,
    answer,
    checked_format,
    paging,
    refusals,
    split,
)
from services.faces.open311.given import given_request
from services.faces.open311.listing import LIMIT, listed
from services.faces.open311.submit import Photo, Submission, media_of, message_of, send
from services.faces.open311.updates import ROOT as UPDATES_ROOT
from services.faces.open311.updates import updates
from shared.clock import Clock, SystemClock
from shared.logging import get_logger
from shared.metrics import HttpMetrics
from shared.metrics.http import install_metrics

log = get_logger("open311")
BASE = "/open311/v2"
CHANGED = "2026-12-01T00:00:00+08:00"
SCHEMAS = {"servicerequestupdates.json": "application/schema+json",
           "servicerequestupdates.xsd": "application/xml"}  # fmt: skip

Text = Annotated[str | None, Query()]
HTTP_ERRORS = {404: "alamat tidak dikenal", 405: "metode tidak diizinkan untuk alamat ini"}
_format = checked_format


def build(
    settings: EdgeSettings | None = None,
    backends: Backends | None = None,
    clock: Clock | None = None,
) -> FastAPI:
    """The Open311 application bound to the services it reads and writes through."""
    settings = settings or EdgeSettings()
    backends = backends or Backends(settings)
    app = FastAPI(
        title="LAPOR! Banjarmasin Open311 GeoReport v2", version="2", lifespan=closing(backends)
    )
    app.include_router(health_router(backends, ("intake", "tracking")))
    app.include_router(_routes(backends, settings, clock or SystemClock()))

    @app.exception_handler(Open311Error)
    async def refused(request: Request, error: Open311Error) -> Response:
        fmt = "xml" if request.url.path.endswith(".xml") else "json"
        return answer(documents.error(error.status, error.description), fmt, "errors", error.status)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        if not request.url.path.startswith(BASE):
            return JSONResponse({"detail": error.detail}, error.status_code, error.headers)
        fmt = "xml" if request.url.path.endswith(".xml") else "json"
        description = HTTP_ERRORS.get(error.status_code, str(error.detail))
        document = documents.error(error.status_code, description)
        return answer(document, fmt, "errors", error.status_code)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> Response:
        fmt = "xml" if request.url.path.endswith(".xml") else "json"
        problem: dict[str, Any] = next(iter(error.errors()), {})
        where = ".".join(str(p) for p in problem.get("loc", ()))
        description = f"{where}: {problem.get('msg', 'tidak valid')}"
        return answer(documents.error(400, description), fmt, "errors", 400)

    @app.exception_handler(Unavailable)
    @app.exception_handler(BackendError)
    async def unavailable(request: Request, error: Exception) -> Response:
        log.warning("open311.backend_failed", path=request.url.path, error=str(error))
        fmt = "xml" if request.url.path.endswith(".xml") else "json"
        return answer(documents.error(503, "layanan sedang tidak tersedia"), fmt, "errors", 503)

    install_metrics(app, HttpMetrics())
    return app


def _routes(backends: Backends, settings: EdgeSettings, clock: Clock) -> APIRouter:
    router = APIRouter(prefix=BASE, responses=refusals(400, 404, 503))

    @router.get("/discovery.{fmt}")
    def discovery(fmt: str, request: Request) -> Response:
        """Where this GeoReport endpoint is and which formats it speaks."""
        base = str(request.base_url).rstrip("/") + BASE
        return answer(documents.discovery(base, CHANGED), _format(fmt), "discovery")

    @router.get("/services.{fmt}")
    def services(fmt: str) -> Response:
        """Every service (problem category) a citizen may report."""
        return answer(documents.services(), _format(fmt), "services")

    @router.get("/services/{code}.{fmt}")
    def definition(code: str, fmt: str) -> Response:
        """A service's optional attributes (kind, anonim, rahasia)."""
        fmt = _format(fmt)
        found = documents.definition(code)
        if found is None:
            raise Open311Error(404, f"service_code {code!r} tidak dikenal")
        return answer(found, fmt, "service_definition")

    @router.post("/requests.{fmt}", responses=refusals(403), openapi_extra=FORM)
    async def create(fmt: str, request: Request) -> Response:
        """A new service request: through intake as the open311 channel."""
        fmt = _format(fmt)
        fields = await _form(request)
        api_key = _api_key(fields.get("api_key") or request.query_params.get("api_key"))
        submission = _submission(fields, clock.now())
        outcome = _submit(backends, submission, api_key, await media_of(request))
        return answer([outcome], fmt, "service_requests")

    @router.get("/requests.{fmt}")
    def listing(
        fmt: str,
        service_request_id: Text = None,
        service_code: Text = None,
        start_date: Text = None,
        end_date: Text = None,
        status: Text = None,
        page: Text = None,
        page_size: Text = None,
        extensions: Text = None,
    ) -> Response:
        """Public service requests with the spec's filters (90 days, at most 1,000), paged."""
        fmt = _format(fmt)
        given = {"service_request_id": service_request_id, "service_code": service_code,
                 "start_date": start_date, "end_date": end_date, "status": status}  # fmt: skip
        query = {name: value for name, value in given.items() if value is not None}
        asked = paging(page, page_size)
        ids = split(service_request_id)
        if ids:
            found = [r for r in (_one(backends, settings, i) for i in ids[:LIMIT]) if r]
        else:
            found = [(documents.request(r), r) for r in listed(backends, query, clock.now(), asked)]
        return answer(_documents(found, extensions), fmt, "service_requests")

    @router.get("/requests/{service_request_id}.{fmt}")
    def one(service_request_id: str, fmt: str, extensions: Text = None) -> Response:
        """One service request, as an array of one (the spec's text); at once once given."""
        fmt = _format(fmt)
        found = _one(backends, settings, service_request_id)
        if found is None:
            raise Open311Error(404, f"service_request_id {service_request_id!r} tidak ditemukan")
        return answer(_documents([found], extensions), fmt, "service_requests")

    @router.get("/servicerequestupdates.{fmt}")
    def request_updates(
        fmt: str, start_date: Text = None, end_date: Text = None,
        page: Text = None, page_size: Text = None,
    ) -> Response:  # fmt: skip
        """mySociety's extension: updates from start_date (inclusive) to end_date, oldest first."""
        fmt = _format(fmt)
        window = {"start_date": start_date, "end_date": end_date}
        found = updates(backends, window, clock.now(), paging(page, page_size))
        return answer(found, fmt, UPDATES_ROOT)

    @router.get("/schemas/{name}", response_class=Response, responses=refusals(404))
    def schema(name: str) -> Response:
        """The published schemas of servicerequestupdates (JSON Schema and XSD)."""
        if name not in SCHEMAS:
            raise Open311Error(404, f"skema {name!r} tidak dikenal")
        text = files("services.faces.open311").joinpath("schemas", name).read_bytes()
        return Response(text, media_type=SCHEMAS[name])

    @router.get("/tokens/{token}.{fmt}", responses=refusals(403))
    def token(token: str, fmt: str, api_key: Text = None) -> Response:
        """The service_request_id a POST's token became, once intake has recorded it."""
        fmt = _format(fmt)
        key = _api_key(api_key or _secret(settings))
        return answer([_token(backends, token, key)], fmt, "service_requests")

    return router


FIELDS = (
    "api_key", "service_code", "description", "lat", "long", "address_string", "email",
    "first_name", "last_name", "phone", "device_id", "account_id", "media_url",
    "attribute[jenis]", "attribute[anonim]", "attribute[rahasia]",
)  # fmt: skip
MEDIA = {"type": "string", "format": "binary", "description": "A photo (JPEG, PNG, WebP)"}
PROPERTIES: dict[str, dict[str, str]] = {name: {"type": "string"} for name in FIELDS}
FORM_SCHEMA = {
    "type": "object",
    "properties": PROPERTIES,
    "required": ["service_code", "description"],
}
FORM = {
    "requestBody": {
        "content": {
            "application/x-www-form-urlencoded": {"schema": FORM_SCHEMA},
            "multipart/form-data": {
                "schema": {
                    **FORM_SCHEMA,
                    "properties": {**PROPERTIES, "media": MEDIA},
                }
            },
        }
    }
}


def _api_key(value: str | None) -> str:
    """The key as given; 403 when absent, or not printable ASCII (no issued key is)."""
    if not value:
        raise Open311Error(403, "api_key wajib diisi")
    if not (value.isascii() and value.isprintable()):
        raise Open311Error(403, "api_key tidak valid")
    return value


def _secret(settings: EdgeSettings) -> str | None:
    secret = settings.open311_adapter_token
    return secret.get_secret_value() if secret else None


async def _form(request: Request) -> dict[str, str]:
    try:
        return await read_form(request)
    except FormRefused as error:
        raise Open311Error(400, str(error)) from error


def _submission(fields: dict[str, str], now: datetime) -> Submission:
    code = (fields.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, "service_code wajib diisi")
    if category(code) is None:
        raise Open311Error(400, f"service_code {code!r} tidak dikenal")
    try:
        return message_of(fields, now)
    except ValueError as error:
        raise Open311Error(400, str(error)) from error


def _submit(
    backends: Backends, submission: Submission, api_key: str, photos: list[Photo]
) -> dict[str, Any]:
    reply = send(backends, submission.message, api_key, photos)
    if reply.status_code in (401, 403):
        raise Open311Error(403, "api_key tidak valid untuk mengirim laporan")
    if reply.status_code == 202:
        return {"token": submission.token, "service_notice": "Laporan sedang diproses"}
    if reply.status_code not in (200, 201):
        raise Open311Error(400, _problem(reply))
    return _outcome(reply.json(), submission.token)


def _outcome(status: dict[str, Any], token: str) -> dict[str, Any]:
    notice = NOTICES.get(status.get("status", ""), status.get("status"))
    if status.get("reason"):
        notice = f"{notice}: {status['reason']}"
    if status.get("tracking_id"):
        return {"service_request_id": status["tracking_id"], "service_notice": notice}
    return {"token": token, "service_notice": notice}


NOTICES = {
    "accepted": "Laporan diterima",
    "held": "Laporan menunggu verifikasi admin",
    "archived": "Laporan diarsipkan",
    "duplicate": "Laporan yang sama sudah diterima",
}


def _problem(reply: Any) -> str:
    try:
        detail = reply.json().get("detail")
    except ValueError:
        detail = None
    return f"laporan ditolak: {detail}" if detail else f"laporan ditolak ({reply.status_code})"


def _token(backends: Backends, token: str, api_key: str) -> dict[str, Any]:
    reply = backends.intake_status("open311", token, api_key)
    if reply.status_code in (401, 403):
        raise Open311Error(403, "api_key tidak valid")
    if reply.status_code == 404:
        raise Open311Error(404, f"token {token!r} tidak ditemukan")
    if reply.status_code != 200:
        raise Open311Error(400, _problem(reply))
    tracking_id = reply.json().get("tracking_id")
    if tracking_id:
        return {"service_request_id": tracking_id, "token": token}
    return {"token": token}


Found = tuple[dict[str, Any], dict[str, Any]]  # the request document, and what it was made of


def _one(backends: Backends, settings: EdgeSettings, tracking_id: str) -> Found | None:
    """A public request by id: tracking's, else the one intake vouches this face gave out."""
    try:
        report = backends.report(tracking_id)
    except BackendError as error:
        raise Open311Error(400, error.detail) from error
    except Unavailable:  # an id intake vouches for still answers; any other waits for tracking
        found = _given(backends, settings, tracking_id)
        if found is None:
            raise
        return found
    if report is not None:
        if report.get("rahasia") or report.get("hidden"):
            return None  # never listed: rahasia, or hidden by moderation
        return documents.request(report), report
    return _given(backends, settings, tracking_id)


def _given(backends: Backends, settings: EdgeSettings, tracking_id: str) -> Found | None:
    outcome = given_request(backends, tracking_id, _secret(settings))
    if outcome is None:
        return None
    return outcome, {"channel": "open311", "status": outcome["status_notes"]}


def _documents(found: list[Found], extensions: str | None) -> list[dict[str, Any]]:
    if (extensions or "").strip().lower() not in ("true", "1", "ya"):
        return [document for document, _ in found]
    return [
        {**document, "extended_attributes": documents.extended_attributes(report)}
        for document, report in found
    ]
