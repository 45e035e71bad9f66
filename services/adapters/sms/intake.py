"""Handing a reporter's SMS to intake (`POST /v1/reports`, role `adapter`)."""

from __future__ import annotations

from typing import Any

import httpx

from shared.contracts import IntakeMessage


class IntakeRefused(Exception):
    """Intake will not record this message as it is (a 4xx): the status and intake's word."""

    def __init__(self, status: int, detail: Any) -> None:
        super().__init__(str(detail))
        self.status = status
        self.detail = detail


class IntakeUnavailable(Exception):
    """Intake could not answer now: Kannel should try the call again."""


class IntakeClient:
    """Posts intake messages; intake answers the outcome (or 202 while it records)."""

    def __init__(self, base_url: str, token: str | None, client: httpx.AsyncClient) -> None:
        self._url = f"{base_url.rstrip('/')}/v1/reports"
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._client = client

    async def submit(self, message: IntakeMessage) -> dict[str, Any]:
        """Intake's answer: the status and tracking id (or where to look while it records)."""
        body = message.model_dump(mode="json")
        try:
            response = await self._client.post(
                self._url, json=body, headers=self._headers, timeout=30
            )
        except httpx.HTTPError as error:
            raise IntakeUnavailable(type(error).__name__) from error
        if response.status_code >= 500 or response.status_code == 429:
            raise IntakeUnavailable(f"intake answered {response.status_code}")
        answer = _json(response)
        if response.status_code >= 400:
            raise IntakeRefused(response.status_code, answer.get("detail", answer))
        return answer


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {"detail": response.text[:200]}
    return body if isinstance(body, dict) else {"detail": body}
