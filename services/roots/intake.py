"""Composition root of the intake service (uvicorn factory)."""

from fastapi import FastAPI

from intake.bootstrap import bootstrap
from services.roots import settled
from shared.runtime import build_app


def create_app() -> FastAPI:
    """The intake ASGI application."""
    return settled(build_app(bootstrap()))
