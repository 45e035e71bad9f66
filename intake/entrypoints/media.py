"""Photos at intake's edge: the multipart `POST /v1/reports`, `GET /v1/media/{media_id}`, and
the sweep of photos kept for no report (`POST /v1/media/sweep`, and the leader's periodic job).

A multipart body is a form field `report` (the JSON an adapter posts) and up to five file parts
`photo`. Every photo is cleaned before any is stored, so a refused photo refuses the whole
request and leaves nothing behind; photos of a message that is not recorded as a report are
dropped again.
"""

# No `from __future__ import annotations`: FastAPI must resolve the local Annotated aliases.

import asyncio
import contextlib
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import AwareDatetime, BaseModel
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from intake.application.app import IntakeApplication
from intake.domain.photos import PhotoRules, PhotoTooLarge, TooManyPhotos, media_ids
from intake.entrypoints.body import BadBody, parse_message
from shared.auth import Principal, TokenStore
from shared.contracts import IntakeMessage
from shared.http import AUTH_ERRORS, Credentials, errors, require
from shared.logging import get_logger
from shared.runtime import Background

log = get_logger(__name__)

FORM_OVERHEAD = 64 * 1024  # part headers and boundaries
MAX_PARTS = 12
# Seconds a cache may keep a photo: moderation may hide a public one, and a cache then serves it
# at most this long (a revalidation is a cheap 304 that checks who may see it again).
MAX_AGE = 60


def is_multipart(request: Request) -> bool:
    """Whether the body is a form with files rather than the JSON message."""
    return request.headers.get("content-type", "").startswith("multipart/form-data")


async def read_upload(
    request: Request, max_json_bytes: int, rules: PhotoRules
) -> tuple[IntakeMessage, list[bytes]]:
    """The message in the `report` field and the bytes of each `photo` part."""
    limit = rules.max_photos * rules.max_bytes + max_json_bytes + FORM_OVERHEAD
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BadBody(413, f"body of {declared} bytes exceeds the limit of {limit}")
    parser = MultiPartParser(
        request.headers,
        _capped(request.stream(), limit),
        max_files=MAX_PARTS,
        max_fields=MAX_PARTS,
        max_part_size=max_json_bytes,
    )
    try:
        form = await parser.parse()
    except MultiPartException as error:
        raise BadBody(400, f"the form cannot be read: {error.message}") from None
    try:
        return _message(form.getlist("report")), await _photos(form.getlist("photo"), rules)
    finally:
        await form.close()


async def _capped(stream: AsyncIterator[bytes], limit: int) -> AsyncGenerator[bytes, None]:
    received = 0
    async for chunk in stream:
        received += len(chunk)
        if received > limit:
            raise BadBody(413, f"body exceeds the limit of {limit} bytes")
        yield chunk


def _message(fields: list[Any]) -> IntakeMessage:
    if len(fields) != 1 or not isinstance(fields[0], str):
        detail = "exactly one form field `report` (the JSON message, no filename) is required"
        raise BadBody(422, [{"loc": ["body", "report"], "msg": detail}])
    return parse_message(fields[0].encode("utf-8", errors="surrogatepass"))


async def _photos(parts: list[Any], rules: PhotoRules) -> list[bytes]:
    if any(not isinstance(part, UploadFile) for part in parts):
        raise BadBody(422, [{"loc": ["body", "photo"], "msg": "each `photo` must be a file"}])
    if len(parts) > rules.max_photos:
        raise TooManyPhotos(f"paling banyak {rules.max_photos} foto per laporan")
    photos = []
    for part in parts:
        if (part.size or 0) > rules.max_bytes:
            raise PhotoTooLarge(f"foto lebih dari {rules.max_bytes // (1024 * 1024)} MB")
        photos.append(await part.read())
    return photos


def refuse_media_links(message: IntakeMessage) -> None:
    """Intake's own photo URLs come only from uploaded parts, never typed into `attachments`:
    else a report could carry (and publish) another report's photo."""
    if media_ids(message.attachments):
        detail = "photos of intake are uploaded as `photo` parts, not linked"
        raise BadBody(422, [{"loc": ["body", "attachments"], "msg": detail}])


async def attach_photos(
    app: IntakeApplication, message: IntakeMessage, photos: list[bytes]
) -> tuple[IntakeMessage, list[str]]:
    """Clean every photo (all or none), store them, and the message carrying their URLs."""
    refuse_media_links(message)
    if len(message.attachments) + len(photos) > app.photos.max_photos:
        raise TooManyPhotos(f"paling banyak {app.photos.max_photos} lampiran per laporan")
    cleaned = await asyncio.to_thread(app.photos.clean, photos)
    urls = await asyncio.to_thread(app.photos.keep, cleaned)
    data = message.model_dump(mode="json")
    data["attachments"] = [*data["attachments"], *urls]
    return IntakeMessage.model_validate(data), urls


def media_router(app: IntakeApplication, tokens: TokenStore) -> APIRouter:
    """A photo and its thumbnail, for whoever may see them."""
    router = APIRouter(tags=["media"])
    answers: dict[int | str, dict[str, Any]] = {
        200: {"content": {"image/jpeg": {}, "image/png": {}, "image/webp": {}}},
        304: {"description": "Not modified (If-None-Match)"},
        **errors(401, 404, 503),
    }

    def serve(media_id: str, request: Request, credentials: Credentials, thumb: bool) -> Response:
        role = tokens.authenticate(credentials.credentials).role if credentials else None
        served = app.photos.open(media_id, role, thumb)
        tag = f'"{media_id}{"-thumb" if thumb else ""}"'
        who = "public" if served.public else "private"
        headers = {
            "ETag": tag,
            "Cache-Control": f"{who}, max-age={MAX_AGE}, must-revalidate",
            "Vary": "Authorization",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Content-Disposition": "inline",
        }
        if request.headers.get("if-none-match") == tag:
            return Response(status_code=304, headers=headers)
        return Response(served.content, media_type=served.content_type, headers=headers)

    Admin = Annotated[Principal, Depends(require(tokens, "admin"))]

    @router.post("/v1/media/sweep", response_model=SweepPublic, responses=errors(*AUTH_ERRORS))
    def sweep(_: Admin) -> SweepPublic:
        """Forget the photos no report carries, kept longer ago than the grace period (what the
        leading replica also does periodically); the ids forgotten."""
        swept = app.photos.sweep()
        return SweepPublic(forgotten=swept.forgotten, kept_before=swept.kept_before)

    @router.get("/v1/media/{media_id}", response_class=Response, responses=answers)
    def photo(media_id: str, request: Request, credentials: Credentials) -> Response:
        """A report's cleaned photo: public once the report is public and a person looked at
        it (the body acknowledged it, or the admin verified it); before, staff only."""
        return serve(media_id, request, credentials, thumb=False)

    @router.get("/v1/media/{media_id}/thumb", response_class=Response, responses=answers)
    def thumbnail(media_id: str, request: Request, credentials: Credentials) -> Response:
        """The photo's thumbnail (at most 320 pixels a side), seen by the same people."""
        return serve(media_id, request, credentials, thumb=True)

    return router


class SweepPublic(BaseModel):
    """The photos a sweep forgot: kept before `kept_before`, carried by no report."""

    forgotten: list[str]
    kept_before: AwareDatetime


def sweeping(app: IntakeApplication, every: float) -> Background:
    """The leader's job: sweep at once, then every `every` seconds until the term ends."""

    async def run(over: asyncio.Event) -> None:
        while not over.is_set():
            try:
                swept = await asyncio.to_thread(app.photos.sweep)
                if swept.forgotten:
                    log.info("photos-swept", count=len(swept.forgotten))
            except Exception:  # a database away for a moment: the next round tries again
                log.exception("photo-sweep-failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(over.wait(), timeout=every)

    return run
