"""Staff sessions: a per-person token, kept in an HttpOnly, SameSite=Strict cookie."""

from __future__ import annotations

from fastapi import Request

from shared.auth import Principal, TokenStore, Unauthenticated

COOKIE = "lapor_petugas"


def signed_in(request: Request, tokens: TokenStore) -> tuple[Principal, str] | None:
    """The signed-in person and their token, or None."""
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    try:
        return tokens.authenticate(token), token
    except Unauthenticated:
        return None
