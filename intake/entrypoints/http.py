"""Intake's HTTP routes: message status for adapters, and the identity vault."""

# No `from __future__ import annotations`: FastAPI must resolve the local Annotated aliases.

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Depends

from intake.application.app import IntakeApplication
from intake.entrypoints.schemas import DeliveryAddressPublic, IntakeStatusPublic
from shared.auth import Principal, TokenStore
from shared.contracts import Channel
from shared.http import require


def intake_router(app: IntakeApplication, tokens: TokenStore) -> APIRouter:
    """The routes, bound to one application and one token store."""
    router = APIRouter(tags=["intake"])
    Adapter = Annotated[Principal, Depends(require(tokens, "adapter"))]
    VaultCaller = Annotated[Principal, Depends(require(tokens, "notification", "adapter", "skpd"))]

    @router.get("/v1/intake/{channel}/{message_id:path}", response_model=IntakeStatusPublic)
    def intake_status(channel: Channel, message_id: str, _: Adapter) -> IntakeStatusPublic:
        """What became of an adapter's message: accepted, held or archived, and its tracking id."""
        status = app.intake_status(channel.value, message_id)
        return IntakeStatusPublic(**asdict(status))

    @router.get("/v1/vault/{reporter_ref}", response_model=DeliveryAddressPublic)
    def look_up_identity(reporter_ref: str, caller: VaultCaller) -> DeliveryAddressPublic:
        """The delivery address behind a reporter_ref; every look-up is recorded."""
        address = app.look_up_identity(reporter_ref, caller.role)
        return DeliveryAddressPublic(**asdict(address))

    return router
