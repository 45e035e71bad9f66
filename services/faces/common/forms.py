"""Reading an HTML or GeoReport form body without extra dependencies."""

from __future__ import annotations

from urllib.parse import parse_qsl

from fastapi import Request

MAX_FORM_BYTES = 65_536


class FormRefused(ValueError):
    """A form body the faces do not read (wrong type or too large)."""


async def read_form(request: Request) -> dict[str, str]:
    """The fields of a urlencoded (or multipart, text fields only) body; last value wins."""
    kind = request.headers.get("content-type", "")
    if kind.startswith("multipart/form-data"):
        form = await request.form()
        return {k: v for k, v in form.items() if isinstance(v, str)}
    if kind and not kind.startswith("application/x-www-form-urlencoded"):
        raise FormRefused("kirim sebagai application/x-www-form-urlencoded")
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise FormRefused(f"isian lebih dari {MAX_FORM_BYTES} byte")
    return dict(parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True))
