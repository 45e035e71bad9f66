"""Reading `POST /v1/reports` bodies: any bad body is a 4xx naming the problem, never a 5xx."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from fastapi import Request
from pydantic import ValidationError

from shared.contracts import IntakeMessage


class BadBody(Exception):
    """The body is not a valid intake message; carries the HTTP status and the detail."""

    def __init__(self, status: int, detail: Any) -> None:
        super().__init__(str(detail))
        self.status = status
        self.detail = detail


async def read_message(request: Request, max_bytes: int) -> IntakeMessage:
    """The IntakeMessage in the body; the front fills in type, version, id and time if absent."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise BadBody(413, f"body of {declared} bytes exceeds the limit of {max_bytes}")
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > max_bytes:
            raise BadBody(413, f"body exceeds the limit of {max_bytes} bytes")
    return parse_message(raw)


def parse_message(raw: bytes) -> IntakeMessage:
    """Decode, parse and validate one body."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise BadBody(400, f"body is not UTF-8: {error.reason} at byte {error.start}") from None
    except json.JSONDecodeError as error:
        raise BadBody(400, f"body is not JSON: {error.msg} at line {error.lineno}") from None
    except RecursionError:
        raise BadBody(400, "body is nested too deeply to be an intake message") from None
    if not isinstance(data, dict):
        raise BadBody(422, f"body must be a JSON object (an IntakeMessage), not {_kind(data)}")
    declared = data.get("event_type", IntakeMessage.event_type)
    if declared != IntakeMessage.event_type:
        raise BadBody(422, [_error(("event_type",), f"must be {IntakeMessage.event_type}")])
    data.setdefault("event_id", str(uuid4()))
    data.setdefault("occurred_at", datetime.now(UTC).isoformat())
    try:
        return IntakeMessage.model_validate(data)
    except ValidationError as error:
        raise BadBody(422, [_error(e["loc"], e["msg"]) for e in error.errors()]) from None
    except RecursionError:
        raise BadBody(422, "a field is nested too deeply") from None


def _error(loc: tuple[Any, ...], msg: str) -> dict[str, Any]:
    return {"loc": ["body", *(str(p) for p in loc)], "msg": msg}


def _kind(data: Any) -> str:
    return {list: "an array", str: "a string", type(None): "null"}.get(type(data), "a value")
