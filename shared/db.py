"""Database plumbing: each service's own PostgreSQL database, created on first start."""

from __future__ import annotations

import contextlib
from urllib.parse import urlsplit

import psycopg
from psycopg import sql

from shared.settings import CommonSettings


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


def event_store_env(
    common: CommonSettings, service: str, overrides: dict[str, str] | None = None
) -> dict[str, str]:
    """A service's eventsourcing environment, its database or state folder made ready."""
    env = {**common.eventsourcing_env(service), **(overrides or {})}
    module = env.get("PERSISTENCE_MODULE")
    if module == "eventsourcing.postgres" and common.database_url:
        name = env.get("POSTGRES_DBNAME") or common.database_name(service)
        ensure_database(common.database_url, name)
    elif module == "eventsourcing.sqlite":
        common.ensure_state_dir()
    return env
