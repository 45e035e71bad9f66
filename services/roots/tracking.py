"""Composition root of the tracking service (uvicorn runs `create_app` with factory=True)."""

from fastapi import FastAPI

from services.roots import settled
from shared.runtime import build_app
from tracking.bootstrap import bootstrap


def create_app() -> FastAPI:
    """The tracking service's ASGI application."""
    return settled(build_app(bootstrap()))
