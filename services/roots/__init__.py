"""Composition roots of the four services (uvicorn factories)."""
