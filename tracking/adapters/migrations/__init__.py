"""Alembic migrations of the case read model; `tracking.adapters.engine.migrate` runs them."""

from pathlib import Path

SCRIPT_LOCATION = Path(__file__).parent
