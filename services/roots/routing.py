"""Composition root of the routing service (uvicorn runs `create_app` with factory=True)."""

from fastapi import FastAPI

from routing.bootstrap import bootstrap
from services.roots import settled
from shared.runtime import build_app


def create_app() -> FastAPI:
    """The routing service as an ASGI application."""
    return settled(build_app(bootstrap()))
