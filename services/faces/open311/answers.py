"""How the Open311 face answers: GeoReport documents, its error array, and its parameters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from services.faces.open311.xml import render
from shared.clock import WITA

MAX_PAGE_SIZE = 1000
MAX_PAGE = 1_000_000


class Open311Error(Exception):
    """A request GeoReport answers with an error document (400, 403 or 404)."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


class ErrorItem(BaseModel):
    """One GeoReport error; every refusal answers an array of these (or `<errors>` in XML)."""

    code: int
    description: str


REFUSALS = {
    400: "A field or parameter is wrong (GeoReport error document)",
    403: "api_key is missing or may not submit (GeoReport error document)",
    404: "Unknown format, service_code, service_request_id or token (GeoReport error document)",
    503: "intake or tracking did not answer (GeoReport error document)",
}


def refusals(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries of these GeoReport refusals."""
    return {code: {"model": list[ErrorItem], "description": REFUSALS[code]} for code in codes}


def answer(document: Any, fmt: str, root: str, status: int = 200) -> Response:
    """The document as JSON or as XML under `root`."""
    if fmt == "xml":
        return Response(render(root, document), status, media_type="text/xml; charset=utf-8")
    return JSONResponse(document, status)


def checked_format(fmt: str) -> str:
    """`json` or `xml`; anything else is a 404 (an unknown document)."""
    if fmt not in ("json", "xml"):
        raise Open311Error(404, f"format {fmt!r} tidak dikenal; gunakan .json atau .xml")
    return fmt


def split(value: str | None) -> list[str]:
    """A comma-separated parameter's values."""
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def moment(value: str | None, name: str) -> datetime | None:
    """A W3C datetime parameter; one without an offset is read as WITA."""
    if not value:
        return None
    try:
        found = datetime.fromisoformat(value.strip().replace(" ", "+"))
    except ValueError as error:
        raise Open311Error(
            400, f"{name} bukan tanggal W3C (contoh 2026-11-01T00:00:00+08:00)"
        ) from error
    if found.tzinfo is None:
        found = found.replace(tzinfo=WITA)
    return found


@dataclass(frozen=True)
class Paging:
    """`page` (from 1) and `page_size` as a client asked them; `None` when it asked no page."""

    page: int
    size: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size


def paging(page: str | None, page_size: str | None, default_size: int = 50) -> Paging | None:
    """The paging a client asked for (either parameter asks it), or None."""
    if page is None and page_size is None:
        return None
    number = _whole(page, "page", 1, MAX_PAGE) if page is not None else 1
    size = _whole(page_size, "page_size", default_size, MAX_PAGE_SIZE)
    return Paging(number, size)


def _whole(value: str | None, name: str, default: int, most: int) -> int:
    if value is None or not value.strip():
        return default
    try:
        number = int(value)
    except ValueError as error:
        raise Open311Error(400, f"{name} harus berupa bilangan bulat") from error
    if not 1 <= number <= most:
        raise Open311Error(400, f"{name} harus antara 1 dan {most}")
    return number
