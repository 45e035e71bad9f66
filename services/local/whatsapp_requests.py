"""How the Graph API judges a messages request: the documented checks and error bodies, for the
local WhatsApp stand-in (`services/local/whatsapp_graph.py`)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

MAX_TEXT = 4096
NUMBER = re.compile(r"^\+?[0-9]{6,15}$")


@dataclass(frozen=True)
class Refused(Exception):
    """A request the Graph API would refuse: HTTP status, Graph error code, the words."""

    status: int
    code: int
    message: str
    details: str = ""
    type: str = "OAuthException"

    def body(self, trace: str) -> dict[str, Any]:
        """The documented error body: `{"error": {message, type, code, error_data, fbtrace_id}}`."""
        error: dict[str, Any] = {"message": self.message, "type": self.type, "code": self.code}
        if self.details:
            error["error_data"] = {"messaging_product": "whatsapp", "details": self.details}
        error["fbtrace_id"] = trace
        return {"error": error}


@dataclass(frozen=True)
class Accepted:
    """A request the API takes: who it goes to and what kind of message it is."""

    to: str
    wa_id: str
    type: str


def invalid(details: str) -> Refused:
    """Graph's generic invalid-parameter refusal."""
    return Refused(400, 100, "(#100) Invalid parameter", details)


def judge(
    raw: bytes, templates: dict[tuple[str, str], int], authorised: bool, number_known: bool
) -> Accepted:
    """The request accepted as the Graph API would, or Refused with its documented error."""
    if not authorised:
        raise Refused(401, 190, "Invalid OAuth access token - Cannot parse access token")
    if not number_known:
        raise Refused(
            400,
            100,
            "Unsupported post request. Object with the given ID does not exist, cannot be loaded "
            "due to missing permissions, or does not support this operation",
            type="GraphMethodException",
        )
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError) as error:
        raise invalid("the request body is not JSON") from error
    if not isinstance(body, dict):
        raise invalid("the request body must be a JSON object")
    if body.get("messaging_product") != "whatsapp":
        raise Refused(400, 100, "(#100) The parameter messaging_product is required.")
    to = body.get("to")
    if not isinstance(to, str) or not NUMBER.match(to.strip()):
        raise invalid("Param to must be a phone number in international format")
    kind = body.get("type", "text")
    if kind == "text":
        _text(body.get("text"))
    elif kind == "template":
        _template(body.get("template"), templates)
    else:
        raise invalid(f"Param type {str(kind)[:40]!r} is not supported by this stand-in")
    return Accepted(to, to.strip().lstrip("+"), str(kind))


def _text(text: Any) -> None:
    body = text.get("body") if isinstance(text, dict) else None
    if not isinstance(body, str) or not body.strip():
        raise Refused(400, 100, "(#100) The parameter text['body'] is required.")
    if len(body) > MAX_TEXT:
        raise invalid(f"Param text['body'] must be at most {MAX_TEXT} characters long.")


def _template(template: Any, templates: dict[tuple[str, str], int]) -> None:
    if not isinstance(template, dict) or not isinstance(template.get("name"), str):
        raise Refused(400, 100, "(#100) The parameter template['name'] is required.")
    language = template.get("language")
    code = language.get("code") if isinstance(language, dict) else None
    if not isinstance(code, str):
        raise Refused(400, 100, "(#100) The parameter template['language']['code'] is required.")
    name = template["name"]
    expected = templates.get((name, code))
    if expected is None:
        raise Refused(
            404,
            132001,
            "(#132001) Template name does not exist in the translation",
            f"template name ({name[:60]}) does not exist in {code[:20]}",
        )
    given = _body_parameters(template.get("components"))
    if given != expected:
        raise Refused(
            400,
            132000,
            "(#132000) Number of parameters does not match the expected number of params",
            f"body: number of localizable_params ({given}) does not match the expected "
            f"number of params ({expected})",
        )


def _body_parameters(components: Any) -> int:
    if not isinstance(components, list):
        return 0
    count = 0
    for component in components:
        if isinstance(component, dict) and component.get("type") == "body":
            parameters = component.get("parameters")
            if isinstance(parameters, list):
                count += sum(
                    1
                    for p in parameters
                    if isinstance(p, dict) and p.get("type") == "text" and p.get("text")
                )
    return count
