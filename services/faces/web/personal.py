"""The reporter's personal status page (`/pantau/{secret}`, the link in each message to them).

The secret proves the reporter, as the same channel and contact do: through it they reply
(tanggapan) to a follow-up and rate 1-5 after a resolution, both recorded by intake like `BALAS`
and `NILAI`. An unknown secret is a plain 404; the tracking id alone never shows these forms.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from services.faces.common.backends import BackendError, Backends, refusal_reason
from services.faces.common.forms import FormRefused, read_form
from services.faces.common.settings import EdgeSettings
from services.faces.web.responses import pages

IN_PROGRESS = "Terdisposisi: Sedang Diproses"
RESOLVED = "Terdisposisi: Selesai"
NOT_FOUND = {"judul": "Halaman tidak ditemukan", "pesan": "Tautan ini tidak dikenal."}
PRIVATE = {"Cache-Control": "no-store"}
CORRECT = {  # what a 422 from intake asks the reporter to correct
    "replies": "tulis tanggapan Anda (paling banyak 4000 karakter).",
    "ratings": "pilih nilai 1 sampai 5; komentar paling banyak 500 karakter.",
}


def may_reply(report: dict[str, Any] | None) -> bool:
    """A reply answers the body: once it acted (in progress or resolved), until closed."""
    return report is not None and report["status"] in (IN_PROGRESS, RESOLVED) and _open(report)


def may_rate(report: dict[str, Any] | None) -> bool:
    """A rating judges a resolution, once, before the case closes."""
    return report is not None and report["status"] == RESOLVED and _open(report)


def _open(report: dict[str, Any]) -> bool:
    return not report.get("closed")


def router(backends: Backends, settings: EdgeSettings, templates: Jinja2Templates) -> APIRouter:
    """The personal page and its two forms."""
    routes = APIRouter(prefix="/pantau")
    token = settings.web_adapter_token.get_secret_value() if settings.web_adapter_token else ""

    def intake(path: str, body: dict[str, Any]) -> Any:
        answer = backends.call("POST", "intake", f"/v1/status-links/{path}", token, json=body)
        if answer.status_code >= 500:
            raise BackendError(answer.status_code, refusal_reason(answer))
        return answer

    def not_found(request: Request) -> Response:
        return templates.TemplateResponse(request, "pesan.html", NOT_FOUND, 404, PRIVATE)

    @routes.get("/{secret}", response_class=HTMLResponse, responses=pages(404))
    def personal(request: Request, secret: str) -> Response:
        """The report's status, with the forms the reporter may use now."""
        opened = intake("open", {"secret": secret})
        if opened.status_code != 200:
            return not_found(request)
        tracking_id = opened.json()["tracking_id"]
        report = backends.report(tracking_id)
        context = {
            "secret": quote(secret, safe=""), "tracking_id": tracking_id, "r": report,
            "boleh_tanggapan": may_reply(report), "boleh_nilai": may_rate(report),
            "pesan_id": uuid.uuid4().hex, "pesan": request.query_params.get("pesan"),
            "galat": request.query_params.get("galat"),
        }  # fmt: skip
        return templates.TemplateResponse(request, "pantau.html", context, headers=PRIVATE)

    @routes.post("/{secret}/tanggapan", responses=pages(404))
    async def reply(request: Request, secret: str) -> Response:
        """Send the reply to intake (as `BALAS` would), then back to the page."""
        return await send(request, secret, "replies", "Tanggapan Anda terkirim.")

    @routes.post("/{secret}/nilai", responses=pages(404))
    async def rate(request: Request, secret: str) -> Response:
        """Send the rating to intake (as `NILAI` would), then back to the page."""
        return await send(request, secret, "ratings", "Terima kasih, nilai Anda terkirim.")

    async def send(request: Request, secret: str, kind: str, done: str) -> Response:
        try:
            fields = await read_form(request)
        except FormRefused as problem:
            return _back(secret, f"Tidak terkirim: {problem}", ok=False)
        body: dict[str, Any] = {"secret": secret, "message_id": fields.get("pesan_id", "")}
        if kind == "replies":
            body["text"] = fields.get("teks", "")
        else:
            body["rating"], body["comment"] = fields.get("nilai", ""), fields.get("komentar", "")
        answer = intake(kind, body)
        if answer.status_code == 404:
            return not_found(request)
        if answer.status_code in (200, 201):
            return _back(secret, done)
        why = CORRECT[kind] if answer.status_code == 422 else refusal_reason(answer)
        return _back(secret, f"Tidak terkirim: {why}", ok=False)

    return routes


def _back(secret: str, message: str, ok: bool = True) -> RedirectResponse:
    key = "pesan" if ok else "galat"
    where = f"/pantau/{quote(secret, safe='')}?{key}={quote(message)}"
    return RedirectResponse(where, status_code=303, headers=PRIVATE)
