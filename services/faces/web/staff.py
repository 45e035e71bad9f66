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
from services.faces.web.responses import pages
from services.faces.web.session import COOKIE, signed_in
from shared.auth import Principal, TokenStore, Unauthenticated
from shared.directory import bodies

ACTIONS = (
    ("acknowledge", "Terima (mulai diproses)"),
    ("follow-up", "Kirim tindak lanjut"),
    ("resolve", "Selesaikan"),
    ("not-competent", "Kembalikan: bukan wewenang kami"),
    ("classify", "Tetapkan kelas penyelesaian"),
)
DESK_PAGE = 500


def home_of(principal: Principal) -> str:
    """Where a person lands after signing in."""
    if principal.skpd_code:
        return f"/staf/skpd/{principal.skpd_code}"
    return "/staf/admin" if principal.role == "admin" else "/dasbor"


def desk_order(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Overdue first, then the nearest deadline, then the oldest."""
    return sorted(
        items,
        key=lambda i: (not i["overdue"], i["due_at"] is None, i["due_at"] or "", i["received_at"]),
    )


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

    _desk_routes(routes, backends, tokens, page)
    _admin_routes(routes, backends, tokens, page)
    return routes


def _desk_routes(routes: APIRouter, backends: Backends, tokens: TokenStore, page: Any) -> None:
    @routes.get(
        "/skpd/{code}", response_class=HTMLResponse, responses=pages(400, 401, 403, 404, 422)
    )
    def desk(request: Request, code: str) -> Response:
        """A body's reports, overdue first, each with the moves it may make."""
        person = signed_in(request, tokens)
        if person is None:
            return RedirectResponse("/staf/masuk", status_code=303)
        try:
            found = backends.json("GET", "tracking", f"/v1/skpd/{segment(code)}/reports", person[1],
                                  params={"limit": DESK_PAGE})  # fmt: skip
        except BackendError as error:
            return page(request, "pesan_staf.html", {"judul": "Tidak dapat dibuka",
                        "isi": error.detail, "orang": person[0]}, error.status)  # fmt: skip
        items = desk_order(found["items"])
        context = {"code": code, "items": items, "total": found["total"], "aksi": ACTIONS,
                   "orang": person[0], "instansi": bodies()}  # fmt: skip
        return page(request, "meja.html", context)

    @routes.post("/skpd/{code}/{tracking_id}")
    async def act(request: Request, code: str, tracking_id: str) -> Response:
        """One move through tracking's desk API, as the signed-in person."""
        person = signed_in(request, tokens)
        if person is None:
            return RedirectResponse("/staf/masuk", status_code=303)
        fields = await read_form(request)
        body: dict[str, Any] = {"action": fields.get("action", "")}
        for name in ("text", "suggested_code"):
            if fields.get(name, "").strip():
                body[name] = fields[name].strip()
        if fields.get("resolution_days", "").strip().isdigit():
            body["resolution_days"] = int(fields["resolution_days"])
        path = f"/v1/skpd/{segment(code)}/reports/{segment(tracking_id)}/actions"
        reply = backends.call("POST", "tracking", path, person[1], json=body)
        if reply.status_code == 202:
            return _back(f"/staf/skpd/{code}", f"{tracking_id}: tindakan dikirim")
        return _back(f"/staf/skpd/{code}", f"{tracking_id}: ditolak ({_reason(reply)})", ok=False)


def _admin_routes(routes: APIRouter, backends: Backends, tokens: TokenStore, page: Any) -> None:
    def admin(request: Request) -> tuple[Principal, str] | None:
        person = signed_in(request, tokens)
        return person if person and person[0].role == "admin" else None

    @routes.get("/admin", response_class=HTMLResponse)
    def queues(request: Request) -> Response:
        """Held reports, reports awaiting triage, escalated reports."""
        person = admin(request)
        if person is None:
            return RedirectResponse("/staf/masuk", status_code=303)
        token = person[1]
        context = {
            "ditahan": backends.json("GET", "intake", "/v1/held", token),
            "triase": backends.json("GET", "routing", "/v1/triage", token),
            "eskalasi": escalated(backends, token),
            "instansi": bodies(), "orang": person[0],
        }  # fmt: skip
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


def escalated(backends: Backends, token: str) -> list[dict[str, str]]:
    """Reports escalated for a missed deadline and not closed (from reports.csv)."""
    import csv

    reply = backends.call("GET", "tracking", "/v1/reports.csv", token)
    if reply.status_code != 200:
        return []
    rows = csv.DictReader(reply.text.splitlines())
    closed = ("Terdisposisi: Selesai", "Arsip")
    return [r for r in rows if (r.get("escalations") or "0") not in ("", "0")
            and r.get("status") not in closed]  # fmt: skip
