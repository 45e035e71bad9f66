"""Composition root of the notification service (uvicorn runs `create_app` as a factory)."""

from fastapi import FastAPI

from notification.bootstrap import bootstrap
from services.roots import settled
from shared.runtime import build_app


def create_app() -> FastAPI:
    """The notification service's ASGI application."""
    return settled(build_app(bootstrap()))
