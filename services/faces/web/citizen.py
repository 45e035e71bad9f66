"""Citizens' pages: the report form (through intake's front) and a report's public status."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError

from services.faces.common.backends import BackendError, Backends, refusal_reason
from services.faces.common.catalogue import categories
from services.faces.common.forms import FormRefused, read_form
from services.faces.common.settings import EdgeSettings
from services.faces.web.responses import pages
from shared.contracts import Channel, IntakeMessage, Location, Reporter, ReportKind
from shared.geography import kelurahan

KINDS = (
    ("pengaduan", "Pengaduan", "keluhan atas layanan atau masalah"),
    ("aspirasi", "Aspirasi", "saran atau usulan"),
    ("permintaan-informasi", "Permintaan informasi", "pertanyaan kepada pemerintah kota"),
)
PHOTOS = 3
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
            ),
            reporter=_reporter(fields),
            anonim=fields.get("anonim") == "ya",
            rahasia=fields.get("rahasia") == "ya",
            attachments=tuple(_photos(fields)),
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


def _photos(fields: dict[str, str]) -> list[str]:
    return [u for i in range(1, PHOTOS + 1) if (u := fields.get(f"foto{i}", "").strip())]


FIELD_NAMES = {
    "text": "isi laporan", "title": "judul", "phone": "telepon", "email": "e-mail",
    "name": "nama", "attachments": "tautan foto", "address": "alamat", "category": "kategori",
}  # fmt: skip


def _problem(error: ValidationError) -> str:
    first = error.errors()[0]
    names = [FIELD_NAMES.get(str(p), str(p)) for p in first.get("loc", ()) if not str(p).isdigit()]
    where = names[-1] if names else "isian"
    return f"Periksa {where}: {first.get('msg', 'tidak valid')}."


def router(backends: Backends, settings: EdgeSettings, templates: Jinja2Templates) -> APIRouter:
    """The public pages: form, submission outcome, status by tracking id."""
    routes = APIRouter()
    token = settings.web_adapter_token.get_secret_value() if settings.web_adapter_token else ""

    def form(
        request: Request, fields: dict[str, str], problem: str | None, status: int
    ) -> Response:
        context = {"f": fields, "masalah": problem, "jenis": KINDS, "wilayah": places(),
                   "kategori": categories(), "foto": range(1, PHOTOS + 1)}  # fmt: skip
        return templates.TemplateResponse(request, "lapor.html", context, status_code=status)

    @routes.get("/", response_class=HTMLResponse)
    def home(request: Request) -> Response:
        """The report form."""
        return form(request, {}, None, 200)

    @routes.post("/lapor", response_class=HTMLResponse, responses=pages(400))
    async def submit(request: Request) -> Response:
        """Send the form to intake as the web channel; show the tracking id."""
        fields: dict[str, str] = {}
        try:
            fields = await read_form(request)
            message = message_of(fields, datetime.now(UTC))
        except (FormProblem, FormRefused) as problem:
            return form(request, fields, str(problem), 400)
        reply = backends.submit(message.wire(), token)
        if reply.status_code == 202:
            return RedirectResponse(f"/kiriman/{message.message_id}", status_code=303)
        if reply.status_code not in (200, 201):
            return form(request, fields, _refusal(reply), 400 if reply.status_code < 500 else 503)
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

    @routes.get("/laporan", response_class=HTMLResponse, responses=pages(404))
    def find(request: Request, id: str = "") -> Response:
        """The look-up form; with an id, the status page."""
        if id.strip():
            return RedirectResponse(f"/laporan/{id.strip().upper()}", status_code=303)
        return templates.TemplateResponse(request, "cari.html", {})

    @routes.get("/laporan/{tracking_id}", response_class=HTMLResponse, responses=pages(404))
    def status_page(request: Request, tracking_id: str) -> Response:
        """A report's status bucket, body, deadline and timeline."""
        report = _report(backends, tracking_id)
        if report is None:
            context = {"judul": "Laporan tidak ditemukan",
                       "pesan": f"Tidak ada laporan dengan nomor {tracking_id}."}  # fmt: skip
            return templates.TemplateResponse(request, "pesan.html", context, status_code=404)
        return templates.TemplateResponse(request, "status.html", {"r": report})

    return routes


def _report(backends: Backends, tracking_id: str) -> dict[str, Any] | None:
    """The report, or None also when tracking refuses the id itself (a character no id has)."""
    try:
        return backends.report(tracking_id)
    except BackendError as error:
        if error.status >= 500:
            raise
        return None


def _refusal(reply: Any) -> str:
    return f"Laporan belum dapat dikirim: {refusal_reason(reply)}"
