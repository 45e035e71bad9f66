"""The public dashboard: aggregate figures only (GET /v1/stats), charts, CSVs for analysts."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from services.faces.common.backends import BackendError, Backends
from services.faces.common.settings import EdgeSettings
from services.faces.web.responses import pages
from services.faces.web.session import signed_in
from shared.auth import TokenStore
from shared.contracts import Channel, ReportKind
from shared.directory import bodies
from shared.geography import kecamatan

FILTERS = ("from", "to", "skpd", "kecamatan", "channel", "kind")
CSV_ROLES = ("analyst", "admin")


def filters_of(request: Request) -> dict[str, str]:
    """The dashboard's filters that are set (the same names as GET /v1/stats)."""
    return {k: v.strip() for k in FILTERS if (v := request.query_params.get(k, "")).strip()}


def charts(stats: dict[str, Any]) -> dict[str, Any]:
    """The data the charts draw: weekly trend, and per-body compliance."""
    weeks = sorted(stats["by_week"])
    served = [b for b in stats["by_skpd"] if b["received"]]
    served.sort(key=lambda b: -b["received"])
    return {
        "minggu": {"label": weeks, "nilai": [stats["by_week"][w] for w in weeks]},
        "skpd": {
            "label": [b["code"] for b in served],
            "tepat": [b["resolved_within_deadline_pct"] or 0 for b in served],
            "diterima": [b["received"] for b in served],
        },
    }


def router(
    backends: Backends, settings: EdgeSettings, tokens: TokenStore, templates: Jinja2Templates
) -> APIRouter:
    """/dasbor and its CSV downloads."""
    routes = APIRouter()
    secret = settings.web_analyst_token
    analyst = secret.get_secret_value() if secret else None

    @routes.get("/dasbor", response_class=HTMLResponse, responses=pages(400))
    def dashboard(request: Request) -> Response:
        """Totals, per-body deadline compliance, weekly trend, table by kecamatan."""
        chosen = filters_of(request)
        person = signed_in(request, tokens)
        context: dict[str, Any] = {
            "pilih": chosen, "skpd": bodies(), "kanal": [c.value for c in Channel],
            "jenis": [k.value for k in ReportKind], "kecamatan": sorted(kecamatan()),
            "unduh": bool(person and person[0].role in CSV_ROLES),
            "query": request.url.query,
        }  # fmt: skip
        try:
            stats = backends.json("GET", "tracking", "/v1/stats", analyst, params=chosen)
        except BackendError as error:
            context["masalah"] = f"Saringan tidak dapat dipakai: {error.detail}"
            status = 400 if error.status in (400, 422) else 503
            return templates.TemplateResponse(request, "dasbor.html", context, status_code=status)
        context.update(s=stats, grafik=json.dumps(charts(stats)).replace("<", "\\u003c"))
        return templates.TemplateResponse(request, "dasbor.html", context)

    @routes.get("/dasbor/{name}.csv", responses=pages(401, 403, 404, 422))
    def download(request: Request, name: str) -> Response:
        """stats.csv or reports.csv with the dashboard's filters (analysts and admins)."""
        person = signed_in(request, tokens)
        if person is None or person[0].role not in CSV_ROLES:
            return RedirectResponse("/staf/masuk?lanjut=/dasbor", status_code=303)
        if name not in ("stats", "reports"):
            return Response("tidak ditemukan", status_code=404)
        reply = backends.call(
            "GET", "tracking", f"/v1/{name}.csv", person[1], params=filters_of(request)
        )
        disposition = f'attachment; filename="lapor-{name}.csv"'
        return Response(
            reply.content, reply.status_code, media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": disposition},
        )  # fmt: skip

    return routes
