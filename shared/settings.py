"""Settings every service shares (prefix `LAPOR_`), and their mapping onto eventsourcing."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Self
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class CommonSettings(BaseSettings):
    """Shared settings: the broker, the database server, the state folder, auth."""

    model_config = SettingsConfigDict(env_prefix="LAPOR_", extra="ignore")

    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    kafka_security_protocol: Literal["PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL"] = Field(
        default="PLAINTEXT",
        description="How every Kafka client of this process connects; SASL_* needs a principal",
    )
    kafka_sasl_mechanism: Literal["SCRAM-SHA-512", "SCRAM-SHA-256"] = "SCRAM-SHA-512"
    kafka_username: str | None = Field(default=None, description="This process's Kafka principal")
    kafka_password: SecretStr | None = None
    database_url: str | None = Field(
        default=None,
        description="A PostgreSQL server (postgresql://user:pw@host:port/db); each service uses "
        "its own database on it. Unset: SQLite files in the state folder.",
    )
    instance: str = Field(
        default="lapor",
        pattern=r"^[a-z][a-z0-9_]{0,30}$",
        description="Names this deployment's databases (<instance>_<service>) and consumer "
        "groups (<instance>-<service>-<subscription>), so two systems can share a server",
    )
    state_dir: Path = Path(".lapor")
    auth_tokens: dict[str, str | dict[str, str]] = Field(
        default_factory=dict,
        description="JSON object: SHA-256 hex digest of a bearer token -> role, or "
        '{"role": ..., "name": ...} for a person\'s token',
    )
    auth_tokens_file: Path | None = Field(
        default=None,
        description="Legacy: a JSON file of issued tokens, digest -> {role, name}; re-read when "
        "it changes (`lapor tokens migrate` publishes it on lapor.tokens.v1)",
    )
    auth_tokens_topic: bool = Field(
        default=True,
        description="Project the tokens `lapor tokens issue|revoke` publish on lapor.tokens.v1 "
        "(each service into its own table, a face in memory)",
    )
    test_mode: bool = Field(default=False, description="Enables the clock endpoint for tests")
    max_message_bytes: int = 65_536
    identity_topic_retention_days: float = Field(
        default=7,
        gt=0,
        description="How long lapor.intake.v1 and lapor.deadletter.v1 (identity) keep records",
    )
    log_format: str = "console"
    log_level: str = "INFO"
    record_attempts: int = Field(
        default=4,
        ge=1,
        le=20,
        description="Tries of a record whose processing fails (the store answering) before it "
        "is dead-lettered as processing-failed",
    )
    retry_backoff_seconds: float = Field(
        default=0.2, gt=0, le=60, description="First wait before a retry; doubles each time"
    )
    retry_backoff_max_seconds: float = Field(
        default=5.0, gt=0, le=600, description="Longest wait between tries of one record"
    )
    unavailable_backoff_max_seconds: float = Field(
        default=30.0, gt=0, le=600, description="Longest wait for an unreachable event store"
    )
    relay_gather_seconds: float = Field(
        default=0.0,
        ge=0,
        le=0.1,
        description="After a write wakes the outbox relay, how long it waits for more writes "
        "to send with them (fewer rounds, later records)",
    )

    def database_name(self, service: str) -> str:
        """The database (PostgreSQL) a service owns on the shared server."""
        return f"{self.instance}_{service}"

    def eventsourcing_env(self, service: str) -> dict[str, str]:
        """The environment keys eventsourcing reads, for one service's event store."""
        if not self.database_url:
            path = self.state_dir.resolve() / f"{service}-events.sqlite"
            return {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": str(path),
                "SQLITE_LOCK_TIMEOUT": "10",
            }
        url = urlsplit(self.database_url)
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": self.database_name(service),
            "POSTGRES_HOST": url.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(url.port or 5432),
            "POSTGRES_USER": url.username or "postgres",
            "POSTGRES_PASSWORD": url.password or "",
            "POSTGRES_POOL_SIZE": "5",
            "POSTGRES_MAX_OVERFLOW": "5",
            "PROCESS_RECORDER_TOPIC": "shared.pgstore:OneTripProcessRecorder",
        }

    def read_model_url(self, service: str) -> str:
        """The SQLAlchemy URL of a service's read-model tables."""
        if not self.database_url:
            return f"sqlite:///{self.state_dir.resolve() / f'{service}-views.sqlite'}"
        url = urlsplit(self.database_url)
        netloc = url.netloc
        return f"postgresql+psycopg://{netloc}/{self.database_name(service)}"

    def ensure_state_dir(self) -> None:
        """SQLite files live in the state folder; make sure it exists."""
        self.state_dir.mkdir(parents=True, exist_ok=True)

    @model_validator(mode="after")
    def _sasl_needs_credentials(self) -> Self:
        if self.kafka_security_protocol != "PLAINTEXT" and not (
            self.kafka_username and self.kafka_password
        ):
            raise ValueError(
                f"LAPOR_KAFKA_SECURITY_PROTOCOL={self.kafka_security_protocol} needs "
                "LAPOR_KAFKA_USERNAME and LAPOR_KAFKA_PASSWORD"
            )
        return self
