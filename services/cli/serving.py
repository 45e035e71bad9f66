"""Running one ASGI application factory in the foreground, as every `lapor serve` does."""

from __future__ import annotations


def run(factory: str, host: str, port: int) -> None:
    """uvicorn on `host:port` with the project's logging (no access log: numbers, addresses)."""
    import uvicorn

    uvicorn.run(factory, factory=True, host=host, port=port, log_config=None, access_log=False)
