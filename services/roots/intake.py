"""Composition root of the intake service (uvicorn factory)."""

from fastapi import FastAPI

from intake.bootstrap import bootstrap
from shared.runtime import build_app


def create_app() -> FastAPI:
    """The intake ASGI application."""
    return build_app(bootstrap())
