"""Composition root of the notification service (uvicorn runs `create_app` as a factory)."""

from fastapi import FastAPI

from notification.bootstrap import bootstrap
from shared.runtime import build_app


def create_app() -> FastAPI:
    """The notification service's ASGI application."""
    return build_app(bootstrap())
