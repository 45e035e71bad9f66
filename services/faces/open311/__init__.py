"""Open311 GeoReport v2 for civic-tech clients: a channel adapter and a reader at the edge."""

from fastapi import FastAPI


def create_app() -> FastAPI:
    """The Open311 ASGI application (uvicorn factory)."""
    from services.faces.open311.app import build

    return build()
