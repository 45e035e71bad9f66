"""The services' HTTP APIs as the faces call them (httpx; never a context's database)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import quote

import httpx

from services.faces.common.settings import EdgeSettings

FEED_PAGE = 500


class BackendError(Exception):
    """A service answered something the face cannot use; `status` is its HTTP status."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


class Unavailable(Exception):
    """A service did not answer."""


def segment(value: str) -> str:
    """One path segment as typed by a caller, percent-encoded: a `/`, `..` or a control
    character in an id must name nothing else at the service (nor break the URL: a 500)."""
    return quote(value, safe="")


def _bearer(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


class Backends:
    """Intake, routing and tracking over HTTP, one pooled client."""

    def __init__(self, settings: EdgeSettings, transport: httpx.BaseTransport | None = None):
        self.urls = {
            "intake": settings.intake_url.rstrip("/"),
            "routing": settings.routing_url.rstrip("/"),
            "tracking": settings.tracking_url.rstrip("/"),
        }
        self._http = httpx.Client(timeout=settings.backend_timeout_seconds, transport=transport)

    def close(self) -> None:
        """Release the connection pool."""
        self._http.close()

    def call(
        self, method: str, service: str, path: str, token: str | None = None, **kwargs: Any
    ) -> httpx.Response:
        """One request (`headers=` adds to the bearer); a network failure becomes Unavailable."""
        headers = {**_bearer(token), **kwargs.pop("headers", {})}
        try:
            return self._http.request(method, self.urls[service] + path, headers=headers, **kwargs)
        except httpx.HTTPError as error:
            raise Unavailable(f"{service} did not answer: {error}") from error

    def json(
        self, method: str, service: str, path: str, token: str | None = None, **kwargs: Any
    ) -> Any:
        """A request whose 2xx JSON body is returned; anything else is a BackendError."""
        answer = self.call(method, service, path, token, **kwargs)
        if answer.status_code >= 300:
            raise BackendError(answer.status_code, _detail(answer))
        return answer.json()

    def submit(self, message: dict[str, Any], token: str) -> httpx.Response:
        """POST /v1/reports as an adapter; the caller reads 200/201/202/4xx."""
        return self.call("POST", "intake", "/v1/reports", token, json=message)

    def intake_status(self, channel: str, message_id: str, token: str) -> httpx.Response:
        """GET /v1/intake/{channel}/{message_id}: what became of a message."""
        path = f"/v1/intake/{segment(channel)}/{segment(message_id)}"
        return self.call("GET", "intake", path, token)

    def report(self, tracking_id: str) -> dict[str, Any] | None:
        """The public status of a report, or None when tracking does not know it."""
        answer = self.call("GET", "tracking", f"/v1/reports/{segment(tracking_id)}")
        if answer.status_code == 404:
            return None
        if answer.status_code >= 300:
            raise BackendError(answer.status_code, _detail(answer))
        result: dict[str, Any] = answer.json()
        return result

    def feed(self) -> Iterator[dict[str, Any]]:
        """Every public report, newest first, page by page."""
        offset = 0
        while True:
            page = self.json(
                "GET", "tracking", "/v1/feed", params={"limit": FEED_PAGE, "offset": offset}
            )
            yield from page["items"]
            offset += len(page["items"])
            if not page["items"] or offset >= page["total"]:
                return


def _detail(answer: httpx.Response) -> str:
    try:
        body = answer.json()
    except ValueError:
        return answer.text[:300]
    detail = body.get("detail", body) if isinstance(body, dict) else body
    return detail if isinstance(detail, str) else str(detail)[:300]


def refusal_reason(reply: Any) -> str:
    """What a refusing service said: its detail (the first field error), else the status."""
    try:
        detail = reply.json().get("detail")
    except ValueError:
        detail = None
    if isinstance(detail, list) and detail:
        detail = detail[0].get("msg")
    return str(detail or reply.status_code)


def closing(backends: Backends) -> Any:
    """A FastAPI lifespan that releases the backends' pool at shutdown."""

    @asynccontextmanager
    async def lifespan(_: Any) -> AsyncIterator[None]:
        yield
        backends.close()

    return lifespan
