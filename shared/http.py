"""HTTP plumbing shared by the services: bearer auth by role and error mapping."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shared.auth import Forbidden, Principal, TokenStore, Unauthenticated

bearer = HTTPBearer(auto_error=False)

Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


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
