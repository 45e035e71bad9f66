"""The web face: one FastAPI app serving Jinja2 pages and the project's own static files."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from services.faces.common.backends import BackendError, Backends, Unavailable, closing
from services.faces.common.health import health_router
from services.faces.common.settings import EdgeSettings
from services.faces.web import citizen, dashboard, moderation, personal, public, staff
from services.faces.web.responses import pages
from shared.auth import TokenStore
from shared.clock import WITA
from shared.metrics import HttpMetrics
from shared.metrics.http import install_metrics
from shared.settings import CommonSettings
from shared.tokens.wiring import following, projected_tokens

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")


def waktu(value: str | datetime | None) -> str:
    """A time as Banjarmasin reads it: `1 Des 2026 14:05 WITA`."""
    if not value:
        return "-"
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    local = moment.astimezone(WITA)
    return f"{local.day} {MONTHS[local.month - 1]} {local.year} {local:%H:%M} WITA"


templates.env.filters["waktu"] = waktu
templates.env.filters["foto"] = public.photos
templates.env.filters["titik"] = public.pin_of


def build(
    settings: EdgeSettings | None = None,
    backends: Backends | None = None,
    tokens: TokenStore | None = None,
) -> FastAPI:
    """The web application bound to the services' HTTP APIs and the staff token store."""
    settings = settings or EdgeSettings()
    backends = backends or Backends(settings)
    common = CommonSettings()
    tokens = tokens or projected_tokens(common, name="web")  # no database: kept in memory
    app = FastAPI(
        title="LAPOR! Banjarmasin",
        docs_url=None,
        redoc_url=None,
        lifespan=following(tokens, closing(backends)),
    )
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(health_router(backends, ("intake", "tracking"), tokens))
    down = pages(503)  # any page whose service does not answer (the handler below)
    app.include_router(citizen.router(backends, settings, templates), responses=down)
    app.include_router(public.router(backends, settings, tokens, templates), responses=down)
    app.include_router(personal.router(backends, settings, templates), responses=down)
    app.include_router(dashboard.router(backends, settings, tokens, templates), responses=down)
    app.include_router(moderation.router(backends, tokens, templates), responses=down)
    app.include_router(staff.router(backends, settings, tokens, templates), responses=down)

    @app.exception_handler(Unavailable)
    @app.exception_handler(BackendError)
    async def unavailable(request: Request, error: Exception) -> HTMLResponse:
        return templates.TemplateResponse(
            request,
            "pesan.html",
            {"judul": "Layanan sedang tidak tersedia", "pesan": "Silakan coba lagi nanti."},
            status_code=503,
        )

    install_metrics(app, HttpMetrics())
    return app
