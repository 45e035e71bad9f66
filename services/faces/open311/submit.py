"""A POSTed GeoReport form as an intake message of the `open311` channel."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from fastapi import Request
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from services.faces.common.backends import Backends
from services.faces.common.catalogue import category
from shared.contracts import Channel, IntakeMessage, Location, Reporter, ReportKind
from shared.geography import find_place

YES = ("ya", "true", "1", "yes")
MAX_MEDIA = 5
Photo = tuple[str, bytes, str]
"""A file part as httpx sends it: filename, bytes, declared content type."""


@dataclass(frozen=True)
class Submission:
    """The token a client polls, and the message body intake is sent."""

    token: str
    message: dict[str, Any]


def message_of(fields: dict[str, str], now: datetime) -> Submission:
    """The intake message of a form; ValueError names what is wrong."""
    description = (fields.get("description") or "").strip()
    if not description:
        raise ValueError("description wajib diisi")
    token = f"o311-{uuid.uuid4().hex}"
    try:
        message = IntakeMessage(
            channel=Channel.OPEN311,
            message_id=token,
            occurred_at=now,
            received_at=now,
            kind=ReportKind(_attribute(fields, "jenis") or ReportKind.PENGADUAN.value),
            title=_title(fields),
            text=description,
            location=_location(fields),
            reporter=_reporter(fields, token),
            anonim=_attribute(fields, "anonim") in YES,
            rahasia=_attribute(fields, "rahasia") in YES,
            attachments=tuple(u for u in [fields.get("media_url", "").strip()] if u),
            category=fields["service_code"].strip(),
        )
    except ValidationError as error:
        raise ValueError(_first_problem(error)) from error
    return Submission(token, message.wire())


async def media_of(request: Request) -> list[Photo]:
    """The `media` files of a multipart POST (as the `three` client sends a photo); intake
    checks them, so they are passed on as received."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return []
    form = await request.form()  # parsed once: read_form read this same form
    parts = [p for p in form.getlist("media") if isinstance(p, UploadFile)][: MAX_MEDIA + 1]
    return [
        (part.filename or "media", await part.read(), part.content_type or "") for part in parts
    ]


def send(
    backends: Backends, message: dict[str, Any], api_key: str, photos: list[Photo]
) -> httpx.Response:
    """POST the message to intake: as JSON, or with photos as intake's multipart form."""
    if not photos:
        return backends.submit(message, api_key)
    form = {"report": json.dumps(message)}
    files = [("photo", photo) for photo in photos]
    return backends.call("POST", "intake", "/v1/reports", api_key, data=form, files=files)


def _title(fields: dict[str, str]) -> str:
    found = category(fields.get("service_code", "").strip())
    return found.name if found else ""


def _attribute(fields: dict[str, str], name: str) -> str:
    return (fields.get(f"attribute[{name}]") or "").strip().lower()


def _number(fields: dict[str, str], name: str) -> float | None:
    value = (fields.get(name) or "").strip()
    if not value:
        return None
    try:
        return float(value)
    except ValueError as error:
        raise ValueError(f"{name} harus berupa angka") from error


def _location(fields: dict[str, str]) -> Location:
    address = (fields.get("address_string") or "").strip() or None
    place = find_place(address) if address else None
    return Location(
        kecamatan=place.kecamatan if place else None,
        kelurahan=place.kelurahan if place else None,
        address=address,
        latitude=_number(fields, "lat"),
        longitude=_number(fields, "long"),
    )


def _reporter(fields: dict[str, str], token: str) -> Reporter:
    name = " ".join(p.strip() for p in (fields.get("first_name"), fields.get("last_name")) if p)
    account = (fields.get("account_id") or fields.get("device_id") or "").strip()
    return Reporter(
        name=name or None,
        email=(fields.get("email") or "").strip() or None,
        phone=(fields.get("phone") or "").strip() or None,
        handle=f"open311:{account or token}",
    )


def _first_problem(error: ValidationError) -> str:
    problem = error.errors()[0]
    where = ".".join(str(p) for p in problem.get("loc", ()))
    return f"{where}: {problem.get('msg', 'tidak valid')}" if where else str(problem.get("msg"))
