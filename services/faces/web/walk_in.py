"""The walk-in desk: staff enter a report for a citizen who came to the office.

The report goes to intake's `POST /v1/reports` with the web face's adapter token, as channel
`walk-in`, naming the officer who entered it (`recorded_by`); the citizen's contact is optional
(without one, the citizen keeps the tracking id printed for them).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from services.faces.common.backends import Backends, refusal_reason
from services.faces.common.forms import read_form
from services.faces.common.settings import EdgeSettings
from services.faces.web.responses import pages
from services.faces.web.session import signed_in
from shared.auth import Principal, TokenStore
from shared.categories import categories
from shared.contracts import Actor, Channel, IntakeMessage, Location, Reporter, ReportKind
from shared.geography import kecamatan

WALK_IN_ROLES = ("admin", "skpd")


class WalkInProblem(ValueError):
    """What the officer must correct, in Bahasa Indonesia."""


def walk_in_message(fields: dict[str, str], officer: Principal, now: datetime) -> IntakeMessage:
    """The intake message of a walk-in report; WalkInProblem names what to correct."""
    text = fields.get("isi", "").strip()
    if not text:
        raise WalkInProblem("Isi laporan wajib diisi.")
    place = fields.get("kecamatan") or None
    if place and place not in kecamatan():
        raise WalkInProblem("Kecamatan tidak dikenal.")
    contact = {k: fields.get(k, "").strip() or None for k in ("nama", "telepon", "email")}
    try:
        return IntakeMessage(
            channel=Channel.WALK_IN, message_id=f"loket-{uuid.uuid4().hex}", occurred_at=now,
            received_at=now, kind=ReportKind(fields.get("jenis") or "pengaduan"),
            title=fields.get("judul", "").strip(), text=text,
            location=Location(kecamatan=place, address=fields.get("alamat", "").strip() or None),
            reporter=Reporter(name=contact["nama"], phone=contact["telepon"],
                              email=contact["email"]),
            category=fields.get("kategori") or None,
            recorded_by=Actor(role=officer.role, name=officer.name),
        )  # fmt: skip
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "isian"
        raise WalkInProblem(f"Periksa {where}: {first.get('msg', 'tidak valid')}.") from error


def walk_in_routes(
    routes: APIRouter, backends: Backends, settings: EdgeSettings, tokens: TokenStore, page: Any
) -> None:
    """`/staf/loket`: the form, and sending it to intake as the officer."""
    token = settings.web_adapter_token.get_secret_value() if settings.web_adapter_token else ""

    def officer(request: Request) -> Principal | None:
        person = signed_in(request, tokens)
        if person is None:
            return None
        role = person[0]
        return role if role.role == "admin" or role.skpd_code else None

    def form(
        request: Request,
        who: Principal,
        fields: dict[str, str],
        status: int = 200,
        problem: str | None = None,
        done: dict[str, Any] | None = None,
    ) -> Response:
        context = {"orang": who, "f": fields, "masalah": problem, "selesai": done,
                   "kecamatan": sorted(kecamatan()), "kategori": categories()}  # fmt: skip
        return page(request, "loket.html", context, status)

    @routes.get("/loket", response_class=HTMLResponse)
    def walk_in_form(request: Request) -> Response:
        """The walk-in form (staff of a body, or the admin)."""
        who = officer(request)
        if who is None:
            return RedirectResponse("/staf/masuk", status_code=303)
        return form(request, who, {})

    @routes.post("/loket", response_class=HTMLResponse, responses=pages(400, 503))
    async def walk_in(request: Request) -> Response:
        """Send a walk-in report to intake; show the tracking id to give the citizen."""
        who = officer(request)
        if who is None:
            return RedirectResponse("/staf/masuk", status_code=303)
        fields = await read_form(request)
        try:
            message = walk_in_message(fields, who, datetime.now(UTC))
        except WalkInProblem as problem:
            return form(request, who, fields, 400, str(problem))
        reply = backends.submit(message.wire(), token)
        if reply.status_code in (200, 201):
            return form(request, who, {}, 200, None, reply.json())
        if reply.status_code == 202:
            done = {"status": "pending", "message_id": message.message_id}
            return form(request, who, {}, 200, None, done)
        refused = f"Laporan belum dapat dikirim: {refusal_reason(reply)}"
        return form(request, who, fields, 400 if reply.status_code < 500 else 503, refused)
