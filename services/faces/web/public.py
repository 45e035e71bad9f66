"""The public record on the web: `/laporan` (list and map, filtered and paged by tracking's
public query), a report's public page (photos through this face, the pin rounded, a flag form)
and the photos themselves (intake's `/v1/media/...`, proxied)."""

from __future__ import annotations

import math
import re
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from services.faces.common.backends import BackendError, Backends, refusal_reason, segment
from services.faces.common.catalogue import categories
from services.faces.common.forms import FormRefused, read_form
from services.faces.common.settings import EdgeSettings
from services.faces.web.citizen import map_settings, places
from services.faces.web.responses import pages
from services.faces.web.session import signed_in
from shared.auth import TokenStore
from shared.directory import bodies

PAGE_SIZE = 20
PIN_DECIMALS = 3  # about 100 m: a public pin never points at a house
MEDIA = re.compile(r"/v1/media/([A-Za-z0-9._-]+)/?$")
STATUSES = (
    ("open", "Masih berjalan"),
    ("closed", "Sudah ditutup"),
    ("Belum Terverifikasi", "Belum Terverifikasi"),
    ("Terdisposisi: Belum Ditindaklanjuti", "Terdisposisi: Belum Ditindaklanjuti"),
    ("Terdisposisi: Sedang Diproses", "Terdisposisi: Sedang Diproses"),
    ("Terdisposisi: Selesai", "Terdisposisi: Selesai"),
    ("Tertunda", "Tertunda"),
    ("Arsip", "Arsip"),
)
PASSED_ON = ("etag", "content-security-policy")  # of intake's answer for a photo
FILTERS = ("kecamatan", "skpd", "status", "category", "q")
MAX_WORDS = 200
MAX_REASON = 500
UNLISTED = ("Daftar laporan publik sedang tidak tersedia. Anda tetap dapat mengecek status "
            "dengan nomor laporan.")  # fmt: skip
FLAG_ANSWERS = {
    404: "Laporan tidak ditemukan atau tidak lagi ditampilkan untuk publik.",
    409: "Laporan ini sudah disembunyikan sambil menunggu peninjauan admin.",
    429: "Terlalu banyak penandaan dari alamat Anda. Silakan coba lagi nanti.",
}


class FilterProblem(ValueError):
    """A filter value the page does not know (say which)."""


def photos(attachments: list[str] | None) -> list[dict[str, str]]:
    """A report's attachments as the pages show them: intake's media through this face
    (`/media/<id>` and its thumbnail), any other link as a link."""
    shown = []
    for url in attachments or []:
        found = MEDIA.search(urlsplit(url).path)
        if found:
            media = quote(found.group(1), safe="")
            shown.append({"src": f"/media/{media}", "thumb": f"/media/{media}/thumb"})
        elif url.startswith(("https://", "http://")):
            shown.append({"link": url})
    return shown


def rounded(value: Any) -> float | None:
    """A coordinate rounded to about 100 m, or None."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return round(number, PIN_DECIMALS) if math.isfinite(number) else None


def pin_of(report: dict[str, Any]) -> dict[str, float] | None:
    """The report's public pin (rounded), from its location or its own fields."""
    where = report.get("location") or report
    latitude, longitude = rounded(where.get("latitude")), rounded(where.get("longitude"))
    if latitude is None or longitude is None:
        return None
    return {"lat": latitude, "lon": longitude}


def filters_of(query: dict[str, str]) -> dict[str, str]:
    """The filters chosen on the list page, checked against what the city has."""
    chosen = {k: query[k].strip() for k in FILTERS if query.get(k, "").strip()}
    known = {
        "kecamatan": (set(places()), "Kecamatan"),
        "skpd": ({b.code for b in bodies()}, "Instansi"),
        "status": ({code for code, _ in STATUSES}, "Status"),
        "category": ({c.code for c in categories()}, "Kategori"),
    }
    if len(chosen.get("q", "")) > MAX_WORDS:
        raise FilterProblem(f"Kata kunci paling panjang {MAX_WORDS} huruf.")
    for name, value in chosen.items():
        if name not in known:
            continue
        values, label = known[name]
        if value not in values:
            raise FilterProblem(f"{label} {value} tidak dikenal.")
    return chosen


def page_number(raw: str | None) -> int:
    """The page asked for (1 when absent)."""
    if not raw:
        return 1
    if not raw.isdigit() or not 1 <= int(raw) <= 100_000:
        raise FilterProblem("Nomor halaman tidak valid.")
    return int(raw)


def router(
    backends: Backends, settings: EdgeSettings, tokens: TokenStore, templates: Jinja2Templates
) -> APIRouter:
    """`/laporan`, `/laporan/{tracking_id}` and its flag form, `/media/...`."""
    routes = APIRouter()

    def listing(request: Request, context: dict[str, Any], status: int = 200) -> Response:
        context = {"wilayah": places(), "instansi": bodies(), "status_pilihan": STATUSES,
                   "kategori": categories(), "peta": map_settings(settings), **context}  # fmt: skip
        return templates.TemplateResponse(request, "laporan.html", context, status_code=status)

    @routes.get("/laporan", response_class=HTMLResponse, responses=pages(400, 404, 503))
    def public_reports(request: Request, id: str = "") -> Response:
        """Public reports as a list and on a map, filtered and paged by tracking; with `id`,
        the report's page."""
        if id.strip():
            return RedirectResponse(f"/laporan/{quote(id.strip().upper(), safe='')}", 303)
        query = dict(request.query_params)
        try:
            chosen, page = filters_of(query), page_number(query.get("page"))
        except FilterProblem as problem:
            return listing(request, _empty(query, str(problem)), 400)
        reply = backends.call(
            "GET", "tracking", "/v1/public/reports",
            params={**chosen, "page": page, "page_size": PAGE_SIZE},
        )  # fmt: skip
        if reply.status_code >= 500 or reply.status_code == 404:  # the look-up form still works
            return listing(request, _empty(query, UNLISTED), 503)
        if reply.status_code != 200:
            return listing(
                request, _empty(query, f"Saringan ditolak: {refusal_reason(reply)}"), 400
            )
        found = reply.json()
        items = [{**item, "pin": pin_of(item)} for item in found["items"]]
        pins = [{"id": i["tracking_id"], "judul": i.get("title") or i["tracking_id"],
                 "status": i.get("status", ""), **i["pin"]} for i in items if i["pin"]]  # fmt: skip
        pages_ = max(1, math.ceil(found["total"] / PAGE_SIZE))
        link = {k: v for k, v in chosen.items()}
        context = {
            "s": query, "items": items, "total": found["total"], "titik": pins,
            "halaman": page, "jumlah_halaman": pages_,
            "sebelumnya": urlencode({**link, "page": page - 1}) if page > 1 else None,
            "berikutnya": urlencode({**link, "page": page + 1}) if page < pages_ else None,
        }  # fmt: skip
        return listing(request, context)

    @routes.get("/laporan/{tracking_id}", response_class=HTMLResponse, responses=pages(404))
    def report_page(request: Request, tracking_id: str) -> Response:
        """A report's status, body, text, photos, rounded pin and timeline; the flag form."""
        report = _report(backends, tracking_id)
        if report is None:
            missing = {"judul": "Laporan tidak ditemukan",
                       "pesan": f"Tidak ada laporan dengan nomor {tracking_id}."}  # fmt: skip
            return templates.TemplateResponse(request, "pesan.html", missing, status_code=404)
        context = {"r": report, "peta": map_settings(settings),
                   "pesan": request.query_params.get("pesan"),
                   "galat": request.query_params.get("galat")}  # fmt: skip
        return templates.TemplateResponse(request, "status.html", context)

    @routes.post("/laporan/{tracking_id}/tandai", responses=pages(400, 404))
    async def flag(request: Request, tracking_id: str) -> Response:
        """Flag a public report for the admin's review (tracking counts and rate-limits)."""
        back = f"/laporan/{quote(tracking_id, safe='')}"
        try:
            reason = (await read_form(request)).get("alasan", "").strip()
        except FormRefused as refused:
            return _back(back, f"Penandaan tidak dapat dibaca: {refused}", ok=False)
        if not reason or len(reason) > MAX_REASON:
            return _back(back, f"Tulis alasan penandaan (paling banyak {MAX_REASON} huruf).", False)
        client = request.client.host if request.client else ""
        reply = backends.call(
            "POST", "tracking", f"/v1/public/reports/{segment(tracking_id)}/flags",
            json={"reason": reason}, headers={"X-Forwarded-For": client} if client else {},
        )  # fmt: skip
        if reply.status_code < 300:
            return _back(back, _flagged(reply))
        if reply.status_code >= 500:
            raise BackendError(reply.status_code, refusal_reason(reply))
        known = FLAG_ANSWERS.get(reply.status_code)
        return _back(back, known or f"Penandaan ditolak: {refusal_reason(reply)}", ok=False)

    @routes.get("/media/{media_id}", responses=pages(404))
    def photo(request: Request, media_id: str) -> Response:
        """A report's photo as intake serves it (cleaned of metadata there)."""
        return _media(request, f"/v1/media/{segment(media_id)}")

    @routes.get("/media/{media_id}/thumb", responses=pages(404))
    def thumbnail(request: Request, media_id: str) -> Response:
        """A photo's thumbnail as intake serves it."""
        return _media(request, f"/v1/media/{segment(media_id)}/thumb")

    def _media(request: Request, path: str) -> Response:
        person = signed_in(request, tokens)  # staff see photos not yet public
        reply = backends.call("GET", "intake", path, person[1] if person else None)
        if reply.status_code >= 500:
            raise BackendError(reply.status_code, refusal_reason(reply))
        if reply.status_code != 200:
            status = reply.status_code if reply.status_code in (401, 403, 404) else 404
            return Response("Foto tidak tersedia.", status_code=status, media_type="text/plain")
        kind = reply.headers.get("content-type", "")
        headers = {k: reply.headers[k] for k in PASSED_ON if k in reply.headers}
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Cache-Control"] = (
            "private, no-store" if person else reply.headers.get("cache-control", "no-store")
        )
        return Response(
            reply.content, media_type=kind if kind.startswith("image/") else
            "application/octet-stream", headers=headers,
        )  # fmt: skip

    return routes


def _report(backends: Backends, tracking_id: str) -> dict[str, Any] | None:
    """The report, or None also when tracking refuses the id itself (a character no id has)."""
    try:
        return backends.report(tracking_id)
    except BackendError as error:
        if error.status >= 500:
            raise
        return None


def _flagged(reply: Any) -> str:
    """What tracking did with a flag: counted, already counted from this address, or hidden."""
    try:
        answer = reply.json()
    except ValueError:
        answer = {}
    if not isinstance(answer, dict):
        answer = {}
    if answer.get("counted") is False:
        return "Anda sudah menandai laporan ini sebelumnya. Terima kasih."
    if answer.get("hidden"):
        return "Terima kasih. Laporan ini kini disembunyikan sambil menunggu tinjauan admin."
    return "Terima kasih. Laporan ini ditandai untuk ditinjau admin."


def _empty(query: dict[str, str], problem: str) -> dict[str, Any]:
    """The list page with the filters as given and what is wrong with them."""
    return {"s": query, "galat": problem, "items": [], "total": 0, "halaman": 1,
            "jumlah_halaman": 1}  # fmt: skip


def _back(path: str, message: str, ok: bool = True) -> RedirectResponse:
    return RedirectResponse(f"{path}?{'pesan' if ok else 'galat'}={quote(message)}", 303)
