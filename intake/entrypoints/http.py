"""Intake's HTTP routes: the adapters' front, the admin's queue, the identity vault."""

# No `from __future__ import annotations`: FastAPI must resolve the local Annotated aliases.

import asyncio
from dataclasses import asdict
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from intake.application.app import IntakeApplication
from intake.domain.duplicates import POSSIBLE_DUPLICATE
from intake.entrypoints.body import read_message
from intake.entrypoints.links import status_link_router
from intake.entrypoints.media import (
    attach_photos,
    is_multipart,
    media_router,
    read_upload,
    refuse_media_links,
)
from intake.entrypoints.outcomes import outcome_router
from intake.entrypoints.schemas import (
    ArchiveRequest,
    DecisionPublic,
    DeliveryAddressPublic,
    ErasurePublic,
    ErasureRequest,
    HeldPublic,
    IdentityPublic,
    IntakeStatusPublic,
    LookUpPublic,
    PersonErasurePublic,
    VerifyRequest,
)
from intake.settings import IntakeSettings
from shared.auth import Principal, TokenStore
from shared.contracts import Channel, ContactKind, IntakeMessage
from shared.http import AUTH_ERRORS, Paging, errors, require


def intake_router(
    app: IntakeApplication, tokens: TokenStore, settings: IntakeSettings
) -> APIRouter:
    """The routes, bound to one application and one token store."""
    router = APIRouter(tags=["intake"])
    router.include_router(_adapter_routes(app, tokens, settings))
    router.include_router(_admin_routes(app, tokens))
    router.include_router(status_link_router(app, tokens))
    router.include_router(outcome_router(app, tokens))
    router.include_router(media_router(app, tokens))
    return router


def _adapter_routes(
    app: IntakeApplication, tokens: TokenStore, settings: IntakeSettings
) -> APIRouter:
    router = APIRouter()
    Adapter = Annotated[Principal, Depends(require(tokens, "adapter"))]
    VaultCaller = Annotated[Principal, Depends(require(tokens, "notification", "adapter", "skpd"))]
    max_bytes = settings.common.max_message_bytes
    photo_rules = settings.photo_rules()

    @router.post(
        "/v1/reports",
        status_code=201,
        response_model=IntakeStatusPublic,
        openapi_extra={"requestBody": _message_body()},
        responses={
            200: {"model": IntakeStatusPublic, "description": "The same message again"},
            202: {"description": "Still being recorded: see Location"},
            **errors(400, *AUTH_ERRORS, 413, 415, 422, 503),
        },
    )
    async def submit(request: Request, _: Adapter) -> JSONResponse:
        """Record one citizen message (an IntakeMessage body, or a form of the message and its
        photos) and answer its outcome."""
        urls: list[str] = []
        if is_multipart(request):
            message, photos = await read_upload(request, max_bytes, photo_rules)
            message, urls = await attach_photos(app, message, photos)
        else:
            message = await read_message(request, max_bytes)
            refuse_media_links(message)
        location = f"/v1/intake/{message.channel.value}/{quote(message.message_id)}"
        recording = asyncio.wrap_future(app.submissions.submit(message))
        done, _pending = await asyncio.wait({recording}, timeout=settings.submit_wait_seconds)
        if not done:
            body = {"detail": "laporan sedang diproses", "location": location}
            return JSONResponse(body, status_code=202, headers={"Location": location})
        if urls:  # photos of a message not recorded as a new report are dropped again
            await asyncio.to_thread(app.photos.forget_unlinked, urls)
        status, created = recording.result()
        public = IntakeStatusPublic(**asdict(status)).model_dump(mode="json")
        return JSONResponse(public, status_code=201 if created else 200)

    @router.get(
        "/v1/intake/{channel}/{message_id:path}",
        response_model=IntakeStatusPublic,
        responses=errors(*AUTH_ERRORS, 404, 503),
    )
    def intake_status(channel: Channel, message_id: str, _: Adapter) -> IntakeStatusPublic:
        """What became of an adapter's message, and its tracking id."""
        status = app.intake_status(channel.value, message_id)
        return IntakeStatusPublic(**asdict(status))

    @router.get(
        "/v1/vault/{reporter_ref}",
        response_model=DeliveryAddressPublic,
        responses=errors(*AUTH_ERRORS, 404, 410, 503),
    )
    def look_up_identity(
        reporter_ref: str, caller: VaultCaller, contact: ContactKind | None = None
    ) -> DeliveryAddressPublic:
        """The delivery address behind a reporter_ref; every look-up is recorded.

        An adapter names the `contact` it delivers to (else the one notification chooses); a
        contact that sent STOP is refused (403 `opted-out`), as is one typed into a form by
        someone else that had its few messages today (403 `daily-cap`)."""
        kind = contact.value if contact else None
        address = app.vault.look_up(reporter_ref, caller.role, kind, caller.name)
        return DeliveryAddressPublic(**asdict(address))

    return router


def _message_body() -> dict[str, object]:
    """The OpenAPI request body of POST /v1/reports (read by hand, so never a 5xx)."""
    schema = IntakeMessage.model_json_schema()
    defs = schema.pop("$defs", {})
    form = {
        "type": "object",
        "required": ["report"],
        "properties": {
            "report": {"type": "string", "description": "The IntakeMessage as JSON"},
            "photo": {
                "type": "array",
                "maxItems": 5,
                "items": {"type": "string", "format": "binary"},
                "description": "JPEG, PNG or WebP, at most 10 MB each",
            },
        },
    }
    return {
        "required": True,
        "content": {
            "application/json": {"schema": _inline(schema, defs)},
            "multipart/form-data": {"schema": form},
        },
    }


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    """The schema with each `$ref` to its own definitions written out (none is recursive)."""
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        if ref.startswith("#/$defs/"):
            return _inline(defs[ref.removeprefix("#/$defs/")], defs)
        return {k: _inline(v, defs) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node


DECISION_ERRORS = errors(400, *AUTH_ERRORS, 404, 409, 503)


def _admin_routes(app: IntakeApplication, tokens: TokenStore) -> APIRouter:
    router = APIRouter()
    Admin = Annotated[Principal, Depends(require(tokens, "admin"))]

    @router.get(
        "/v1/held", response_model=list[HeldPublic], responses=errors(*AUTH_ERRORS, 422, 503)
    )
    def held(_: Admin, response: Response, page: Paging) -> list[HeldPublic]:
        """Held reports waiting for a decision, oldest first, with any duplicate flag.

        `limit`/`offset` give one page; `X-Total-Count` says how many wait in all.
        """
        response.headers["X-Total-Count"] = str(app.admin.held_count())
        return [
            HeldPublic(**asdict(w), flag=POSSIBLE_DUPLICATE if w.possible_duplicate_of else None)
            for w in app.admin.held(page.limit, page.offset)
        ]

    @router.post(
        "/v1/held/{tracking_id}/verify", response_model=DecisionPublic, responses=DECISION_ERRORS
    )
    def verify(
        tracking_id: str, caller: Admin, body: VerifyRequest | None = None
    ) -> DecisionPublic:
        """Verify a held report: it goes on to routing (the admin's name recorded)."""
        note = (body or VerifyRequest()).note
        decision = app.admin.verify(tracking_id, note, (caller.role, caller.name))
        return DecisionPublic(**asdict(decision))

    @router.post(
        "/v1/held/{tracking_id}/archive", response_model=DecisionPublic, responses=DECISION_ERRORS
    )
    def archive(tracking_id: str, body: ArchiveRequest, caller: Admin) -> DecisionPublic:
        """Archive a held report with the reason the reporter is told (the admin named)."""
        decision = app.admin.archive(tracking_id, body.reason.strip(), (caller.role, caller.name))
        return DecisionPublic(**asdict(decision))

    @router.get(
        "/v1/reports/{tracking_id}/identity-look-ups",
        response_model=list[LookUpPublic],
        responses=errors(400, *AUTH_ERRORS, 404, 503),
    )
    def look_ups(tracking_id: str, _: Admin) -> list[LookUpPublic]:
        """Every look-up of the reporter's identity and every refusal, oldest first."""
        return [LookUpPublic(**asdict(item)) for item in app.vault.history(tracking_id)]

    @router.delete(
        "/v1/reports/{tracking_id}/identity",
        response_model=ErasurePublic,
        responses=errors(400, *AUTH_ERRORS, 404, 410, 503),
    )
    def erase(tracking_id: str, caller: Admin) -> ErasurePublic:
        """Erase the report's reporter for good, with every report sealed under their key
        (crypto-shredding); the history stays."""
        return ErasurePublic(**asdict(app.vault.erase(tracking_id, caller.role, caller.name)))

    @router.get(
        "/v1/reports/{tracking_id}/identity",
        response_model=IdentityPublic,
        responses=errors(400, *AUTH_ERRORS, 404, 410, 503),
    )
    def read_identity(tracking_id: str, caller: Admin) -> IdentityPublic:
        """The reporter's identity and the unmasked title and text (logged as a look-up);
        410 once the reporter is erased."""
        return IdentityPublic(**asdict(app.vault.identity(tracking_id, caller.role, caller.name)))

    @router.post(
        "/v1/erasures",
        response_model=PersonErasurePublic,
        responses=errors(400, *AUTH_ERRORS, 404, 422, 503),
    )
    def erase_person(body: ErasureRequest, caller: Admin) -> PersonErasurePublic:
        """Erase a person: every report sent from this contact on this channel (their keys
        destroyed in one transaction); answers the tracking ids erased, 404 when none is left."""
        erased = app.vault.erase_person(body.channel.value, body.contact, caller.role, caller.name)
        return PersonErasurePublic(**asdict(erased))

    return router
