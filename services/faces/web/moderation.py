"""The admin's moderation queue page, over tracking's moderation API.

Tracking's paths and bodies are named once here (`QUEUE`, `act_path`, `body_of`): the queue
`GET /v1/moderation?reason=flagged|hidden|pin&page=&page_size=` answers `{"items", "total"}`,
items with `tracking_id`, the original `title`/`text`, the `public_title`/`public_text`,
`hidden`, `flags`, `pin_outside_city` and `acts` (`act`, `at`, `role`, `name`, `reason`); each
act is `POST /v1/moderation/{tracking_id}/{hide|show|correct}` with `{"reason"}` (correct: also
the corrected public `title` and `text`), answered 2xx, else 4xx with a `detail`."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from services.faces.common.backends import Backends, refusal_reason, segment
from services.faces.common.forms import FormRefused, read_form
from services.faces.web.responses import pages
from services.faces.web.session import signed_in
from shared.auth import Principal, TokenStore

QUEUE = "/v1/moderation"
ACTS = {"hide": "Sembunyikan", "show": "Tampilkan lagi", "correct": "Koreksi"}
DONE = {"hide": "disembunyikan", "show": "ditampilkan lagi", "correct": "dikoreksi"}
HOME = "/staf/admin/moderasi"
REASONS = (("", "Semua"), ("flagged", "Ditandai publik"), ("hidden", "Disembunyikan"),
           ("pin", "Titik di luar kota"))  # fmt: skip
ACT_NAMES = {"flagged": "ditandai", "hidden": "disembunyikan", "shown": "ditampilkan lagi",
             "corrected": "dikoreksi"}  # fmt: skip
PAGE_SIZE = 50


def act_path(tracking_id: str, act: str) -> str:
    """Tracking's path for one moderation act."""
    return f"{QUEUE}/{segment(tracking_id)}/{act}"


def body_of(act: str, fields: dict[str, str]) -> dict[str, str]:
    """The act's JSON body from the page's form; ValueError names what is missing."""
    body = {"reason": fields.get("reason", "").strip()}
    if not body["reason"]:
        raise ValueError("Alasan wajib diisi.")
    if act == "correct":
        body["title"] = fields.get("title", "").strip()
        body["text"] = fields.get("text", "").strip()
        if not body["title"] or not body["text"]:
            raise ValueError("Judul dan isi koreksi wajib diisi.")
    return body


def queue_params(query: dict[str, str]) -> dict[str, Any]:
    """The queue's filter and page from the page's query (anything unknown: all, page 1)."""
    reason = query.get("reason", "")
    page = query.get("page", "")
    params: dict[str, Any] = {"page": int(page) if page.isdigit() and 0 < int(page) < 10**6
                              else 1, "page_size": PAGE_SIZE}  # fmt: skip
    if reason in dict(REASONS) and reason:
        params["reason"] = reason
    return params


def _back(message: str, ok: bool = True) -> RedirectResponse:
    return RedirectResponse(f"{HOME}?{'pesan' if ok else 'galat'}={quote(message)}", 303)


def router(backends: Backends, tokens: TokenStore, templates: Jinja2Templates) -> APIRouter:
    """`/staf/admin/moderasi`: flagged and hidden reports, and the admin's three acts."""
    routes = APIRouter(prefix=HOME)

    def admin(request: Request) -> tuple[Principal, str] | None:
        person = signed_in(request, tokens)
        return person if person and person[0].role == "admin" else None

    @routes.get("", response_class=HTMLResponse, responses=pages(503))
    def queue(request: Request) -> Response:
        """Reports flagged by the public or hidden, most flagged first as tracking orders."""
        person = admin(request)
        if person is None:
            return RedirectResponse("/staf/masuk", status_code=303)
        params = queue_params(dict(request.query_params))
        reply = backends.call("GET", "tracking", QUEUE, person[1], params=params)
        problem = None if reply.status_code == 200 else refusal_reason(reply)
        found = reply.json() if problem is None else {"items": [], "total": 0}
        page, total = params["page"], found["total"]
        link = {k: v for k, v in params.items() if k == "reason"}
        context = {
            "items": found["items"], "total": total, "aksi": ACTS, "nama_aksi": ACT_NAMES,
            "alasan_pilihan": REASONS, "alasan": params.get("reason", ""), "halaman": page,
            "sebelumnya": urlencode({**link, "page": page - 1}) if page > 1 else None,
            "berikutnya": urlencode({**link, "page": page + 1})
            if page * PAGE_SIZE < total else None,
            "orang": person[0], "masalah": problem,
            "pesan": request.query_params.get("pesan"),
            "galat": request.query_params.get("galat"),
        }  # fmt: skip
        status = 200 if problem is None else 503
        return templates.TemplateResponse(request, "moderasi.html", context, status_code=status)

    @routes.post("/{tracking_id}/{act}")
    async def moderate(request: Request, tracking_id: str, act: str) -> Response:
        """Hide, show or correct one report, as the signed-in admin, with the reason."""
        person = admin(request)
        if person is None:
            return RedirectResponse("/staf/masuk", status_code=303)
        if act not in ACTS:
            return _back(f"{tracking_id}: tindakan tidak dikenal", ok=False)
        try:
            body = body_of(act, await read_form(request))
        except (ValueError, FormRefused) as problem:
            return _back(f"{tracking_id}: {problem}", ok=False)
        reply = backends.call("POST", "tracking", act_path(tracking_id, act), person[1], json=body)
        if reply.status_code < 300:
            return _back(f"{tracking_id}: {DONE[act]}")
        return _back(f"{tracking_id}: ditolak ({refusal_reason(reply)})", ok=False)

    return routes
