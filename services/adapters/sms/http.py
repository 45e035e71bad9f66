"""The adapter's HTTP side, called by smsbox: get-url (each MO message) and dlr-url (reports)."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from aiokafka.errors import KafkaError
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from services.adapters.sms.adapter import SmsAdapter
from services.adapters.sms.inbound import BadSms, read_mo
from services.adapters.sms.intake import IntakeRefused, IntakeUnavailable
from services.adapters.sms.kannel import DLR_STATUS, query_bytes, signed
from shared.clock import Clock
from shared.contracts import DeliveryReported, IntakeMessage
from shared.http import errors
from shared.logging import get_logger

log = get_logger(__name__)

Publish = Callable[[DeliveryReported], Awaitable[None]]


class Intake(Protocol):
    """Where reporters' messages go."""

    async def submit(self, message: IntakeMessage) -> dict[str, object]: ...


@dataclass(frozen=True)
class Inbound:
    """What the two callbacks need."""

    intake: Intake
    adapter: SmsAdapter
    publish: Publish
    clock: Clock
    key: str | None
    max_text_bytes: int


def refuse(status: int, detail: object) -> JSONResponse:
    """A refusal naming the problem; nothing is published."""
    return JSONResponse({"detail": detail}, status_code=status)


def kannel_router(inbound: Inbound) -> APIRouter:
    """`GET /v1/kannel/mo` and `GET /v1/kannel/dlr`, the URLs in Kannel's configuration."""
    router = APIRouter(tags=["kannel"])
    answers = {**errors(400, 403, 413, 422, 503), 415: {"description": "A binary (8-bit) SMS"}}

    @router.get("/v1/kannel/mo", responses=answers)
    async def mobile_originated(request: Request) -> JSONResponse:
        """One SMS to the short code (smsbox's get-url): recorded by intake as channel `sms`."""
        fields = query_bytes(request.scope.get("query_string", b""))
        if not _keyed(inbound.key, fields):
            return refuse(403, "kunci (key) salah")
        try:
            sms = read_mo(fields, inbound.max_text_bytes)
            message = sms.intake_message(inbound.clock.now())
        except BadSms as error:
            log.info("sms-refused", status=error.status, detail=error.detail)
            return refuse(error.status, error.detail)
        except ValueError as error:  # the contract's own checks (pydantic)
            return refuse(422, str(error).splitlines()[-1][:300])
        try:
            answer = await inbound.intake.submit(message)
        except IntakeRefused as error:
            return refuse(error.status if error.status in (413, 422) else 422, error.detail)
        except IntakeUnavailable as error:
            return refuse(503, f"intake tidak tersedia: {error}")
        log.info("sms-received", message_id=sms.message_id, status=answer.get("status"))
        outcome = {key: answer.get(key) for key in ("status", "tracking_id")}
        return JSONResponse(outcome)

    @router.get("/v1/kannel/dlr", responses=answers)
    async def delivery_report(request: Request) -> JSONResponse:
        """Kannel's report on one message (dlr-url): becomes `DeliveryReported`."""
        fields = query_bytes(request.scope.get("query_string", b""))
        try:
            nid = UUID(_text(fields, "nid"))
            attempt = int(_text(fields, "attempt"))
            code = int(_text(fields, "status"))
        except ValueError:
            return refuse(422, "nid, attempt dan status harus ada dan sah")
        if attempt < 1 or code not in DLR_STATUS:
            return refuse(422, f"status DLR {code} atau attempt {attempt} tidak dikenal")
        if not signed(inbound.key, str(nid), attempt, _text(fields, "sig")):
            return refuse(403, "tanda tangan (sig) salah")
        report = inbound.adapter.reported(nid, attempt, code, _text(fields, "answer"))
        try:
            await inbound.publish(report)
        except (KafkaError, OSError, TimeoutError) as error:
            log.warning("dlr-not-published", error=type(error).__name__)
            return refuse(503, "laporan pengiriman belum dapat dicatat")
        return JSONResponse({"status": report.status.value})

    return router


def _keyed(key: str | None, fields: dict[str, bytes]) -> bool:
    return key is None or hmac.compare_digest(fields.get("key", b""), key.encode())


def _text(fields: dict[str, bytes], name: str) -> str:
    return fields.get(name, b"").decode("utf-8", "replace")
