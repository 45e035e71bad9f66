"""The citizens' form and status pages, the staff desks and the public dashboard (port 8106)."""

from fastapi import FastAPI


def create_app() -> FastAPI:
    """The web ASGI application (uvicorn factory)."""
    from services.faces.web.app import build

    return build()
