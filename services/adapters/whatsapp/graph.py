"""The Graph API's messages endpoint: `POST /{version}/{phone-number-id}/messages`."""

from __future__ import annotations

from typing import Any

import httpx

MAX_TEXT = 4096  # a text message's body limit
# Cloud API error codes worth another try later: throttling and Meta's own trouble.
RETRYABLE_CODES = frozenset({1, 2, 4, 80007, 130429, 131000, 131016, 131056, 133004})
# Cloud API error codes that retrying cannot help: 131026 "message undeliverable" (the number has
# no WhatsApp, or its app is too old or has not accepted the terms: nothing this adapter can change
# within notification's retry span) and 131021 (the recipient is the business's own number).
# Configuration errors (token, template, 4xx without a code) stay retryable by notification: an
# operator's fix lets the next try through.
FINAL_CODES = frozenset({131021, 131026})
OUTSIDE_WINDOW = 131047  # re-engagement: more than 24 hours since the contact last wrote


class GraphError(Exception):
    """The Graph API refused or could not be reached; `detail` says what it said."""

    def __init__(self, detail: str, *, retryable: bool, code: int | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.retryable = retryable
        self.code = code

    @property
    def final(self) -> bool:
        """Retrying cannot help this recipient (FINAL_CODES)."""
        return self.code in FINAL_CODES


def text_message(to: str, text: str) -> dict[str, Any]:
    """A free-text message (inside the customer-service window)."""
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": "text",
        "text": {"preview_url": False, "body": text[:MAX_TEXT]},
    }


def template_message(to: str, name: str, language: str, parameters: list[str]) -> dict[str, Any]:
    """An approved template whose body parameters are filled in order ({{1}}, {{2}}…)."""
    body = [{"type": "text", "text": value} for value in parameters]
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": "template",
        "template": {
            "name": name,
            "language": {"code": language},
            "components": [{"type": "body", "parameters": body}],
        },
    }


class GraphClient:
    """Sends one message and answers its wamid, or raises GraphError."""

    def __init__(
        self, url: str, token: str | None, client: httpx.AsyncClient, timeout: float = 20.0
    ) -> None:
        self._url = url
        self._headers = {"Authorization": f"Bearer {token or ''}"}
        self._client = client
        self._timeout = timeout

    async def send(self, message: dict[str, Any]) -> str:
        """POST the message; the wamid of the accepted message."""
        try:
            response = await self._client.post(
                self._url, json=message, headers=self._headers, timeout=self._timeout
            )
        except httpx.HTTPError as error:
            detail = f"graph unreachable: {type(error).__name__}"
            raise GraphError(detail, retryable=True) from error
        if response.status_code == 200:
            return _wamid(response)
        raise _error(response)


def _wamid(response: httpx.Response) -> str:
    try:
        wamid = response.json()["messages"][0]["id"]
    except (ValueError, KeyError, IndexError, TypeError) as error:
        raise GraphError("graph answered 200 without a message id", retryable=True) from error
    return str(wamid)


def _error(response: httpx.Response) -> GraphError:
    status = response.status_code
    try:
        error = response.json()["error"]
        code = int(error.get("code"))
        data = error.get("error_data") or {}
        said = str(data.get("details") or error.get("message") or "")
    except (ValueError, KeyError, TypeError):
        code, said = None, response.text[:200]
    retryable = status >= 500 or status == 429 or code in RETRYABLE_CODES
    detail = f"graph {status} ({code}): {said}"[:500] if code else f"graph {status}: {said}"[:500]
    return GraphError(detail, retryable=retryable, code=code)
