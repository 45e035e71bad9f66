"""The report form as the browser sends it (urlencoded, or multipart with photos), and what
intake's refusal of a photo means to the citizen."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException

from services.faces.common.backends import refusal_reason
from services.faces.common.forms import read_form

MAX_PHOTOS = 5
MAX_PHOTO_BYTES = 10 * 1024 * 1024  # intake's limit as received; checked here before sending
FIELDS = 40  # the form has about twenty fields; more is not this form
REFUSALS = {
    413: "Foto terlalu besar: paling besar 10 MB per foto.",
    415: "Berkas yang dilampirkan bukan foto yang dapat diterima (JPEG, PNG, WebP atau HEIC).",
    422: "Foto rusak atau tidak dapat dibaca. Coba foto lain.",
}


class PhotoProblem(ValueError):
    """Photos the face refuses before sending them, with the HTTP status intake would answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Photo:
    """One attached file, as received."""

    filename: str
    content_type: str
    content: bytes


async def read_report_form(request: Request) -> tuple[dict[str, str], list[Photo]]:
    """The text fields and the attached photos (file inputs left empty are no photo)."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return await read_form(request), []
    try:
        form = await request.form(max_files=MAX_PHOTOS * 2, max_fields=FIELDS)
    except MultiPartException as error:
        raise PhotoProblem(400, f"Isian tidak dapat dibaca: {error.message}") from error
    fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
    files = [v for k, v in form.multi_items() if k == "foto" and isinstance(v, UploadFile)]
    photos = [photo for f in files if (photo := await _read(f)) is not None]
    if len(photos) > MAX_PHOTOS:
        raise PhotoProblem(400, f"Paling banyak {MAX_PHOTOS} foto per laporan.")
    return fields, photos


async def _read(upload: UploadFile) -> Photo | None:
    content = await upload.read(MAX_PHOTO_BYTES + 1)
    await upload.close()
    if not upload.filename and not content:
        return None  # an input the citizen left empty
    if len(content) > MAX_PHOTO_BYTES:
        raise PhotoProblem(413, f"{upload.filename or 'Foto'}: {REFUSALS[413]}")
    if not content:
        raise PhotoProblem(422, f"{upload.filename}: berkas kosong.")
    kind = upload.content_type or "application/octet-stream"
    return Photo(upload.filename or "foto", kind, content)


def refusal(reply: Any) -> str:
    """Intake's refusal in the citizen's words (its own detail after it, for the help desk)."""
    detail = refusal_reason(reply)
    known = REFUSALS.get(reply.status_code)
    if known and not _field_error(reply):
        return f"{known} ({detail})"
    return f"Periksa isian: {detail}"


def _field_error(reply: Any) -> bool:
    """A 422 about a field of the report itself (FastAPI's list of errors), not about a photo."""
    try:
        return isinstance(reply.json().get("detail"), list)
    except (ValueError, AttributeError):
        return False
