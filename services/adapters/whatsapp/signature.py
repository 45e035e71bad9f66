"""Meta's webhook signature: `X-Hub-Signature-256: sha256=<HMAC-SHA256 of the raw body>`."""

from __future__ import annotations

import hashlib
import hmac

PREFIX = "sha256="


def sign(body: bytes, app_secret: str) -> str:
    """The header value Meta sends with `body` (the stand-in signs its webhooks with it too)."""
    return PREFIX + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def is_signed(body: bytes, header: str | None, app_secret: str | None) -> bool:
    """Whether the header is the body's signature with the app secret (constant-time compare)."""
    if not app_secret or not header or not header.startswith(PREFIX):
        return False
    return hmac.compare_digest(sign(body, app_secret).encode(), header.strip().encode())
