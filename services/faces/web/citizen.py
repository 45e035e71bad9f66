"""Citizens' pages: the report form (through intake's front, photos and a map pin included)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError

from services.faces.common.backends import Backends
from services.faces.common.catalogue import categories
from services.faces.common.forms import FormRefused
from services.faces.common.settings import EdgeSettings
from services.faces.web.photos import MAX_PHOTOS, Photo, PhotoProblem, read_report_form, refusal
from services.faces.web.responses import pages
from shared.contracts import Channel, IntakeMessage, Location, Reporter, ReportKind
from shared.geography import kelurahan

KINDS = (
    ("pengaduan", "Pengaduan", "keluhan atas layanan atau masalah"),
    ("aspirasi", "Aspirasi", "saran atau usulan"),
    ("permintaan-informasi", "Permintaan informasi", "pertanyaan kepada pemerintah kota"),
)
OUTCOMES = {
    "accepted": "Laporan Anda diterima dan diteruskan ke instansi yang berwenang.",
    "held": "Laporan Anda diterima dan menunggu verifikasi admin.",
    "archived": "Laporan Anda diarsipkan",
    "duplicate": "Laporan yang sama sudah pernah diterima.",
}


class FormProblem(ValueError):
    """What the citizen must correct, in Bahasa Indonesia."""


def places() -> dict[str, list[str]]:
    """Kelurahan by kecamatan, for the form's grouped list."""
    grouped: dict[str, list[str]] = {}
    for item in kelurahan():
        grouped.setdefault(item.kecamatan, []).append(item.name)
    return grouped


def message_of(fields: dict[str, str], now: datetime) -> IntakeMessage:
    """The intake message a filled form makes; FormProblem names what to correct."""
    text = fields.get("isi", "").strip()
    if not text:
        raise FormProblem("Isi laporan wajib diisi.")
    kecamatan, kelurahan_name = _place(fields)
    try:
        return IntakeMessage(
            channel=Channel.WEB,
            message_id=f"web-{uuid.uuid4().hex}",
            occurred_at=now,
            received_at=now,
            kind=ReportKind(fields.get("jenis") or "pengaduan"),
            title=fields.get("judul", "").strip(),
            text=text,
            location=Location(
                kecamatan=kecamatan,
                kelurahan=kelurahan_name,
                address=fields.get("alamat", "").strip() or None,
                **_pin(fields),
            ),
            reporter=_reporter(fields),
            anonim=fields.get("anonim") == "ya",
            rahasia=fields.get("rahasia") == "ya",
            category=fields.get("kategori") or None,
        )
    except ValidationError as error:
        raise FormProblem(_problem(error)) from error


def _place(fields: dict[str, str]) -> tuple[str | None, str | None]:
    kecamatan = fields.get("kecamatan") or None
    name = fields.get("kelurahan") or None
    if kecamatan and kecamatan not in places():
        raise FormProblem("Kecamatan tidak dikenal.")
    if name:
        owner = next((k.kecamatan for k in kelurahan() if k.name == name), None)
        if owner is None:
            raise FormProblem("Kelurahan tidak dikenal.")
        if kecamatan and owner != kecamatan:
            raise FormProblem(f"Kelurahan {name} tidak berada di Kecamatan {kecamatan}.")
        kecamatan = owner
    return kecamatan, name


def _reporter(fields: dict[str, str]) -> Reporter:
    contact = {k: fields.get(k, "").strip() or None for k in ("nama", "telepon", "email")}
    if not any(contact.values()):
        raise FormProblem("Isi setidaknya satu kontak (nama, telepon atau e-mail).")
    return Reporter(name=contact["nama"], phone=contact["telepon"], email=contact["email"])


def _pin(fields: dict[str, str]) -> dict[str, float]:
    """The map pin (`lintang`, `bujur`), both or neither; the map fills them in."""
    raw = (fields.get("lintang", "").strip(), fields.get("bujur", "").strip())
    if not any(raw):
        return {}
    try:
        latitude, longitude = (float(value) for value in raw)
    except ValueError as error:
        raise FormProblem("Titik di peta tidak valid: pilih lagi titik di peta.") from error
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise FormProblem("Titik di peta tidak valid: pilih lagi titik di peta.")
    return {"latitude": round(latitude, 6), "longitude": round(longitude, 6)}


FIELD_NAMES = {
    "text": "isi laporan", "title": "judul", "phone": "telepon", "email": "e-mail",
    "name": "nama", "address": "alamat", "category": "kategori", "latitude": "titik peta",
    "longitude": "titik peta",
}  # fmt: skip


def _problem(error: ValidationError) -> str:
    first = error.errors()[0]
    names = [FIELD_NAMES.get(str(p), str(p)) for p in first.get("loc", ()) if not str(p).isdigit()]
    where = names[-1] if names else "isian"
    return f"Periksa {where}: {first.get('msg', 'tidak valid')}."


def router(backends: Backends, settings: EdgeSettings, templates: Jinja2Templates) -> APIRouter:
    """The form and the submission's outcome."""
    routes = APIRouter()
    token = settings.web_adapter_token.get_secret_value() if settings.web_adapter_token else ""

    def form(
        request: Request, fields: dict[str, str], problem: str | None, status: int
    ) -> Response:
        context = {"f": fields, "masalah": problem, "jenis": KINDS, "wilayah": places(),
                   "kategori": categories(), "maks_foto": MAX_PHOTOS,
                   "peta": map_settings(settings)}  # fmt: skip
        return templates.TemplateResponse(request, "lapor.html", context, status_code=status)

    @routes.get("/", response_class=HTMLResponse)
    def home(request: Request) -> Response:
        """The report form."""
        return form(request, {}, None, 200)

    @routes.post("/lapor", response_class=HTMLResponse, responses=pages(400, 413, 415, 422))
    async def submit(request: Request) -> Response:
        """Send the form to intake as the web channel (multipart when photos are attached: a
        field `report` with the JSON and one part `photo` each); show the tracking id."""
        fields: dict[str, str] = {}
        photos: list[Photo] = []
        try:
            fields, photos = await read_report_form(request)
            message = message_of(fields, datetime.now(UTC))
        except PhotoProblem as problem:
            return form(request, fields, str(problem), problem.status)
        except (FormProblem, FormRefused) as problem:
            return form(request, fields, str(problem), 400)
        reply = _send(backends, message, photos, token)
        if reply.status_code == 202:
            return RedirectResponse(f"/kiriman/{message.message_id}", status_code=303)
        if reply.status_code not in (200, 201):
            return form(request, fields, refusal(reply), _status_of(reply.status_code))
        return outcome(request, reply.json())

    def outcome(request: Request, status: dict[str, Any]) -> Response:
        text = OUTCOMES.get(status.get("status", ""), "Laporan Anda sudah diterima.")
        if status.get("reason"):
            text = f"{text} ({status['reason']})"
        context = {"status": status, "pesan": text}
        return templates.TemplateResponse(request, "terkirim.html", context)

    @routes.get("/kiriman/{message_id}", response_class=HTMLResponse)
    def pending(request: Request, message_id: str) -> Response:
        """A submission intake has not answered yet: refresh until it has."""
        reply = backends.intake_status("web", message_id, token)
        if reply.status_code == 200 and reply.json().get("tracking_id"):
            return outcome(request, reply.json())
        context = {"status": {"status": "pending"}, "pesan": "Laporan Anda sedang diproses."}
        return templates.TemplateResponse(request, "terkirim.html", context)

    return routes


def _send(backends: Backends, message: IntakeMessage, photos: list[Photo], token: str) -> Any:
    """JSON without photos (as before); multipart/form-data with them."""
    if not photos:
        return backends.submit(message.wire(), token)
    files = [("photo", (p.filename, p.content, p.content_type)) for p in photos]
    data = {"report": json.dumps(message.wire(), ensure_ascii=False)}
    return backends.call("POST", "intake", "/v1/reports", token, data=data, files=files)


def _status_of(code: int) -> int:
    """The page's status for intake's refusal: its own 413/415/422, else 400 (503 when down)."""
    return code if code in (413, 415, 422) else 400 if code < 500 else 503


def map_settings(settings: EdgeSettings) -> dict[str, Any]:
    """What the page's map needs: the tile URL and attribution, the city's centre."""
    return {"ubin": settings.web_map_tile_url, "atribusi": settings.web_map_attribution,
            "pusat": [settings.web_map_latitude, settings.web_map_longitude],
            "zoom": settings.web_map_zoom}  # fmt: skip
