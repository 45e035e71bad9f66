"""Database plumbing: each service's own PostgreSQL database, created on first start."""

from __future__ import annotations

import contextlib
from urllib.parse import urlsplit

import psycopg
from psycopg import sql


def ensure_database(server_url: str, name: str) -> None:
    """Create database `name` on the server unless it exists (idempotent, race-safe)."""
    url = urlsplit(server_url)
    conninfo = psycopg.conninfo.make_conninfo(
        host=url.hostname or "127.0.0.1",
        port=url.port or 5432,
        user=url.username or "postgres",
        password=url.password or "",
        dbname=(url.path or "/postgres").lstrip("/") or "postgres",
    )
    with psycopg.connect(conninfo, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists:
            return
        with contextlib.suppress(psycopg.errors.DuplicateDatabase):
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
