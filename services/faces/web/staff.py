"""Staff pages behind a per-person token: the SKPD desk and the admin's queues."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from services.faces.common.backends import BackendError, Backends, segment
from services.faces.common.backends import refusal_reason as _reason
from services.faces.common.forms import read_form
from services.faces.common.settings import EdgeSettings
from services.faces.web.desk import desk_routes, page_number
from services.faces.web.responses import pages
from services.faces.web.session import COOKIE, signed_in
from services.faces.web.walk_in import walk_in_routes
from shared.auth import Principal, TokenStore, Unauthenticated
from shared.directory import bodies

ADMIN_PAGE = 25


def home_of(principal: Principal) -> str:
    """Where a person lands after signing in."""
    if principal.skpd_code:
        return f"/staf/skpd/{principal.skpd_code}"
    return "/staf/admin" if principal.role == "admin" else "/dasbor"


def _back(path: str, message: str, ok: bool = True) -> RedirectResponse:
    key = "pesan" if ok else "galat"
    return RedirectResponse(f"{path}?{key}={quote(message)}", status_code=303)


def router(
    backends: Backends, settings: EdgeSettings, tokens: TokenStore, templates: Jinja2Templates
) -> APIRouter:
    """Sign-in, the SKPD desk and the admin's queues."""
    routes = APIRouter(prefix="/staf")

    def page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
        context = {**context, "pesan": request.query_params.get("pesan"),
                   "galat": request.query_params.get("galat")}  # fmt: skip
        return templates.TemplateResponse(request, name, context, status_code=status)

    @routes.get("", response_class=HTMLResponse)
    def start(request: Request) -> Response:
        """Signed in: one's own page; otherwise the sign-in form."""
        person = signed_in(request, tokens)
        return RedirectResponse(home_of(person[0]) if person else "/staf/masuk", status_code=303)

    @routes.get("/masuk", response_class=HTMLResponse)
    def login_form(request: Request) -> Response:
        """The sign-in form (a personal token from `lapor tokens issue`)."""
        return page(request, "masuk.html", {})

    @routes.post("/masuk", response_class=HTMLResponse, responses=pages(401))
    async def login(request: Request) -> Response:
        """Check the token; keep it in an HttpOnly cookie."""
        token = (await read_form(request)).get("token", "").strip()
        try:
            principal = tokens.authenticate(token)
        except Unauthenticated:
            return page(request, "masuk.html", {"salah": True}, 401)
        answer = RedirectResponse(home_of(principal), status_code=303)
        answer.set_cookie(
            COOKIE, token, httponly=True, samesite="strict", secure=settings.web_cookie_secure,
            max_age=12 * 3600, path="/",
        )  # fmt: skip
        return answer

    @routes.post("/keluar")
    def logout() -> Response:
        """End the session."""
        answer = RedirectResponse("/staf/masuk", status_code=303)
        answer.delete_cookie(COOKIE, path="/")
        return answer

    desk_routes(routes, backends, tokens, page)
    walk_in_routes(routes, backends, settings, tokens, page)
    _admin_routes(routes, backends, tokens, page)
    return routes


def _admin_routes(routes: APIRouter, backends: Backends, tokens: TokenStore, page: Any) -> None:
    def admin(request: Request) -> tuple[Principal, str] | None:
        person = signed_in(request, tokens)
        return person if person and person[0].role == "admin" else None

    @routes.get("/admin", response_class=HTMLResponse)
    def queues(request: Request) -> Response:
        """Held reports, reports awaiting triage, escalated reports: a page of each."""
        person = admin(request)
        if person is None:
            return RedirectResponse("/staf/masuk", status_code=303)
        token, asked = person[1], request.query_params
        context: dict[str, Any] = {"instansi": bodies(), "orang": person[0]}
        for name, service, path in QUEUES:
            number = page_number(asked.get(f"halaman_{name}") or "1")
            context[name] = queue_page(backends, service, path, token, number)
        return page(request, "admin.html", context)

    @routes.post("/admin/ditahan/{tracking_id}/{decision}")
    async def decide(request: Request, tracking_id: str, decision: str) -> Response:
        """Verify or archive a held report."""
        person = admin(request)
        if person is None or decision not in ("verify", "archive"):
            return RedirectResponse("/staf/masuk", status_code=303)
        fields = await read_form(request)
        body = {"reason": fields.get("reason", "")} if decision == "archive" else {}
        path = f"/v1/held/{segment(tracking_id)}/{decision}"
        reply = backends.call("POST", "intake", path, person[1], json=body)
        if reply.status_code < 300:
            return _back("/staf/admin", f"{tracking_id}: keputusan dicatat")
        return _back("/staf/admin", f"{tracking_id}: ditolak ({_reason(reply)})", ok=False)

    @routes.post("/admin/triase/{tracking_id}")
    async def dispose(request: Request, tracking_id: str) -> Response:
        """Dispose a report awaiting triage to a body."""
        person = admin(request)
        if person is None:
            return RedirectResponse("/staf/masuk", status_code=303)
        fields = await read_form(request)
        reason = fields.get("reason", "").strip() or f"disposisi oleh {person[0].name or 'admin'}"
        body = {"skpd_code": fields.get("skpd_code", ""), "reason": reason}
        path = f"/v1/reports/{segment(tracking_id)}/disposition"
        reply = backends.call("POST", "routing", path, person[1], json=body)
        if reply.status_code < 300:
            return _back("/staf/admin", f"{tracking_id}: didisposisikan ke {body['skpd_code']}")
        return _back("/staf/admin", f"{tracking_id}: ditolak ({_reason(reply)})", ok=False)


QUEUES = (
    ("ditahan", "intake", "/v1/held"),
    ("triase", "routing", "/v1/triage"),
    ("eskalasi", "tracking", "/v1/escalations"),
)


def queue_page(
    backends: Backends, service: str, path: str, token: str, number: int
) -> dict[str, Any]:
    """One page of an admin queue, paged by its service: `{daftar, total, halaman, halaman_akhir}`.

    Tracking answers `{items, total}`; intake's and routing's lists answer a bare array and say
    the total in `X-Total-Count`.
    """
    params = {"limit": ADMIN_PAGE, "offset": (number - 1) * ADMIN_PAGE}
    reply = backends.call("GET", service, path, token, params=params)
    if reply.status_code != 200:
        raise BackendError(reply.status_code, _reason(reply))
    found = reply.json()
    if isinstance(found, dict):
        items, total = found["items"], int(found["total"])
    else:
        items, total = found, int(reply.headers.get("x-total-count", len(found)))
    last = max(1, -(-total // ADMIN_PAGE))
    return {"daftar": items, "total": total, "halaman": number, "halaman_akhir": last}
