"""Composition roots of the four services (uvicorn factories)."""

from __future__ import annotations

import gc

from fastapi import FastAPI


def settled(app: FastAPI) -> FastAPI:
    """The built service, with what it loaded to start (modules, models, templates) moved out of
    the cyclic garbage collector's way: those objects live as long as the process, and every
    full collection under load would trace them again (issue F3; `gc.freeze`)."""
    gc.collect()
    gc.freeze()
    return app
