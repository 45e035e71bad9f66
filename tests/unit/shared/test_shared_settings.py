"""Shared settings map themselves onto eventsourcing's environment and SQLAlchemy URLs."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from shared.settings import CommonSettings


def test_without_a_database_server_each_service_gets_its_own_sqlite_file(tmp_path: Path) -> None:
    env = CommonSettings(state_dir=tmp_path).eventsourcing_env("intake")
    assert env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite"
    assert env["SQLITE_DBNAME"] == str(tmp_path.resolve() / "intake-events.sqlite")


def test_a_database_server_gives_each_service_its_own_postgres_database() -> None:
    common = CommonSettings(database_url="postgresql://lapor:rahasia@db.local:6543/postgres")
    env = common.eventsourcing_env("tracking")
    assert env["PERSISTENCE_MODULE"] == "eventsourcing.postgres"
    assert (env["POSTGRES_DBNAME"], env["POSTGRES_HOST"], env["POSTGRES_PORT"]) == (
        "lapor_tracking",
        "db.local",
        "6543",
    )
    assert (env["POSTGRES_USER"], env["POSTGRES_PASSWORD"]) == ("lapor", "rahasia")


def test_read_models_use_psycopg_on_the_service_database() -> None:
    common = CommonSettings(
        database_url="postgresql://lapor@db.local:5432/postgres", instance="kota"
    )
    assert (
        common.read_model_url("tracking")
        == "postgresql+psycopg://lapor@db.local:5432/kota_tracking"
    )


def test_settings_come_from_lapor_prefixed_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAPOR_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")
    monkeypatch.setenv("LAPOR_AUTH_TOKENS", '{"abc": "admin"}')
    common = CommonSettings()
    assert common.kafka_bootstrap_servers == "kafka:9092"
    assert common.auth_tokens == {"abc": "admin"}


def test_an_instance_name_must_be_safe_for_database_names() -> None:
    with pytest.raises(ValidationError):
        CommonSettings(instance="drop table; --")
