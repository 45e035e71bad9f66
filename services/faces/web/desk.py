"""The SKPD desk pages: filters and paging on tracking's server, "mine", assignment, answers."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.faces.common.backends import BackendError, Backends, segment
from services.faces.common.backends import refusal_reason as _reason
from services.faces.common.forms import read_form
from services.faces.web.canned import for_category
from services.faces.web.responses import pages
from services.faces.web.session import signed_in
from shared.auth import TokenStore
from shared.categories import categories
from shared.directory import bodies
from shared.geography import kecamatan

ACTIONS = (
    ("acknowledge", "Terima (mulai diproses)"),
    ("follow-up", "Kirim tindak lanjut"),
    ("resolve", "Selesaikan"),
    ("not-competent", "Kembalikan: bukan wewenang kami"),
    ("classify", "Tetapkan kelas penyelesaian"),
)
STATUSES = (
    ("open", "Belum selesai"),
    ("Terdisposisi: Belum Ditindaklanjuti", "Belum ditindaklanjuti"),
    ("Terdisposisi: Sedang Diproses", "Sedang diproses"),
    ("Terdisposisi: Selesai", "Selesai"),
    ("closed", "Selesai atau diarsipkan"),
)
FILTERS = ("status", "overdue", "assignee", "kecamatan", "category", "q")
DESK_PAGE = 25


def desk_query(params: Any) -> dict[str, str]:
    """The filters a desk page asks tracking for (empty ones left out)."""
    return {name: value.strip() for name in FILTERS if (value := params.get(name, "")).strip()}


def page_number(raw: str) -> int:
    """The page asked for (from 1); anything else is the first."""
    return max(1, min(int(raw), 100_000)) if raw.isdigit() else 1


def _back(path: str, message: str, ok: bool = True) -> RedirectResponse:
    key = "pesan" if ok else "galat"
    return RedirectResponse(f"{path}?{key}={quote(message)}", status_code=303)


def desk_routes(routes: APIRouter, backends: Backends, tokens: TokenStore, page: Any) -> None:
    """A body's desk: one page of its reports as tracking orders and filters them; moves."""

    @routes.get(
        "/skpd/{code}", response_class=HTMLResponse, responses=pages(400, 401, 403, 404, 422)
    )
    def desk(request: Request, code: str) -> Response:
        """A body's reports, overdue first, then by the moment due, filtered and paged."""
        person = signed_in(request, tokens)
        if person is None:
            return RedirectResponse("/staf/masuk", status_code=303)
        asked = request.query_params
        chosen, number = desk_query(asked), page_number(asked.get("halaman", "1"))
        params = {**chosen, "limit": DESK_PAGE, "offset": (number - 1) * DESK_PAGE}
        try:
            found = backends.json("GET", "tracking", f"/v1/skpd/{segment(code)}/reports",
                                  person[1], params=params)  # fmt: skip
        except BackendError as error:
            return page(request, "pesan_staf.html", {"judul": "Tidak dapat dibuka",
                        "isi": error.detail, "orang": person[0]}, error.status)  # fmt: skip
        items = [{**item, "jawaban": for_category(item.get("category"))} for item in found["items"]]
        pages_total = max(1, -(-found["total"] // DESK_PAGE))
        context = {
            "code": code, "items": items, "total": found["total"], "aksi": ACTIONS,
            "orang": person[0], "instansi": bodies(), "saring": chosen, "halaman": number,
            "jumlah_halaman": pages_total, "tautan": urlencode(chosen), "status_pilihan": STATUSES,
            "kecamatan": sorted(kecamatan()), "kategori": categories(),
        }  # fmt: skip
        return page(request, "meja.html", context)

    @routes.post("/skpd/{code}/{tracking_id}")
    async def act(request: Request, code: str, tracking_id: str) -> Response:
        """One move through tracking's desk API, as the signed-in person."""
        person = signed_in(request, tokens)
        if person is None:
            return RedirectResponse("/staf/masuk", status_code=303)
        fields = await read_form(request)
        body: dict[str, Any] = {"action": fields.get("action", "")}
        for name in ("text", "suggested_code", "assignee"):
            if fields.get(name, "").strip():
                body[name] = fields[name].strip()
        if body["action"] == "assign" and body.get("assignee", "").lower() == "saya":
            body["assignee"] = person[0].name or person[0].role
        if fields.get("resolution_days", "").strip().isdigit():
            body["resolution_days"] = int(fields["resolution_days"])
        path = f"/v1/skpd/{segment(code)}/reports/{segment(tracking_id)}/actions"
        reply = backends.call("POST", "tracking", path, person[1], json=body)
        if reply.status_code == 202:
            return _back(f"/staf/skpd/{code}", f"{tracking_id}: tindakan dikirim")
        return _back(f"/staf/skpd/{code}", f"{tracking_id}: ditolak ({_reason(reply)})", ok=False)
