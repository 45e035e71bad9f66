"""Fixtures of the WhatsApp adapter's unit tests (fakes live in whatsapp_fakes)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from whatsapp_fakes import NOW

from services.adapters.whatsapp.store import WhatsAppStore
from shared.clock import FixedClock


@pytest.fixture
def store(tmp_path: Path) -> WhatsAppStore:
    return WhatsAppStore(sa.create_engine(f"sqlite:///{tmp_path / 'whatsapp.sqlite'}"))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)
