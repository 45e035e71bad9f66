"""Revision 0003 gives cases projected before it their masked public title and text."""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from tracking.adapters.engine import migrate, read_model_engine
from tracking.adapters.migrations import SCRIPT_LOCATION


def test_cases_projected_before_the_public_face_get_it_masked(tmp_path: Path) -> None:
    engine = read_model_engine(f"sqlite:///{tmp_path / 'read_model.sqlite'}")
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0002")
        conn.execute(
            text(
                "INSERT INTO cases (report_id, tracking_id, status, kind, channel, rahasia, anonim,"
                " title, text, received_at, deadline_warned, deadline_missed, updated_at)"
                " VALUES (:id, 'LPR-OLD00001', 'Arsip', 'pengaduan', 'sms', 0, 1, :title, :text,"
                " '2024-08-12 01:00:00.000000', 0, 0, '2024-08-12 01:00:00.000000')"
            ),
            {"id": uuid4().hex, "title": "WA 081234567890", "text": "email saya a.b@gmail.com"},
        )
    migrate(engine)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT public_title, public_text, hidden, flags FROM cases")).one()
    assert tuple(row) == ("WA [nomor telepon disamarkan]", "email saya [email disamarkan]", 0, 0)
