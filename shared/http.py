"""HTTP plumbing shared by the services: bearer auth by role, error mapping, the URL text guard."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any, TypeVar

from eventsourcing.persistence import PersistenceError
from fastapi import Depends, FastAPI, Query, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.datastructures import QueryParams
from starlette.types import ASGIApp, Receive, Scope, Send

from shared.auth import Forbidden, Principal, TokenStore, Unauthenticated
from shared.text import forbidden

bearer = HTTPBearer(auto_error=False)

ERROR_REASONS = {
    400: "The request cannot be read (not UTF-8, not JSON, a bad form)",
    401: "No bearer token, or a token nobody issued",
    403: "The token's role may not do this",
    404: "Nothing is known by this name",
    409: "The move is refused in the current state",
    410: "Gone for good (the identity was erased)",
    413: "The body is larger than the limit",
    415: "A part is not of a type accepted here (e.g. a photo that is not an image)",
    422: "A field or parameter is invalid; `detail` names it",
    429: "Too many requests from this address: wait for Retry-After",
    503: "A dependency (event store, broker) is unavailable: try again",
}


class ErrorBody(BaseModel):
    """Every error answer: `detail` names the problem (a text, or one entry per field)."""

    detail: str | list[dict[str, Any]]


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries of these error statuses, each with the ErrorBody model."""
    return {code: {"model": ErrorBody, "description": ERROR_REASONS[code]} for code in codes}


AUTH_ERRORS = (401, 403)

Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


T = TypeVar("T")


class ListPage:
    """One page of a listing answered as a bare array: `limit` (none: all) from `offset`."""

    def __init__(
        self,
        limit: Annotated[int | None, Query(ge=1, le=1000)] = None,
        offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
    ) -> None:
        self.limit, self.offset = limit, offset

    def of(self, items: Sequence[T]) -> Sequence[T]:
        """The items of this page."""
        end = None if self.limit is None else self.offset + self.limit
        return items[self.offset : end]


Paging = Annotated[ListPage, Depends()]


def require(tokens: TokenStore, *roles: str) -> Callable[..., Principal]:
    """A FastAPI dependency that admits only the given roles ("skpd" admits any body)."""

    def dependency(credentials: Credentials) -> Principal:
        token = credentials.credentials if credentials else None
        return tokens.authorize(token, *roles)

    return dependency


def install_auth_errors(app: FastAPI) -> None:
    """401 for a missing or unknown token, 403 for a role that may not act."""

    @app.exception_handler(Unauthenticated)
    async def unauthenticated(_: Request, error: Unauthenticated) -> JSONResponse:
        return JSONResponse(
            {"detail": str(error)}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
        )

    @app.exception_handler(Forbidden)
    async def forbidden(_: Request, error: Forbidden) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=403)


def install_store_errors(app: FastAPI) -> None:
    """503 with Retry-After when the event store or a read model's database does not answer."""

    async def unavailable(_: Request, error: Exception) -> JSONResponse:
        detail = f"the store is unavailable, try again: {type(error).__name__}"
        return JSONResponse({"detail": detail}, status_code=503, headers={"Retry-After": "5"})

    for error_type in (PersistenceError, OperationalError, InterfaceError):
        app.add_exception_handler(error_type, unavailable)


class TextGuard:
    """ASGI middleware: 422 naming the path or query parameter that holds a character no text may.

    A NUL in a query reaches PostgreSQL as a parameter it refuses (a 500); no tracking id, body
    code or filter value holds a control character, a lone surrogate or a non-character.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (error := _url_problem(scope)):
            await JSONResponse({"detail": [error]}, status_code=422)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _url_problem(scope: Scope) -> dict[str, object] | None:
    query = QueryParams(scope.get("query_string", b""))
    parts = [(["path"], str(scope.get("path", "")))]
    parts += [(["query", key], value) for key, value in query.multi_items()]
    for loc, value in parts:
        if reason := forbidden(value):
            return {"loc": loc, "msg": reason, "type": "value_error"}
    return None
