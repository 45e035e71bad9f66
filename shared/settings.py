"""Settings every service shares (prefix `LAPOR_`), and their mapping onto eventsourcing."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class CommonSettings(BaseSettings):
    """Shared settings: the broker, the database server, the state folder, auth."""

    model_config = SettingsConfigDict(env_prefix="LAPOR_", extra="ignore")

    kafka_bootstrap_servers: str = "127.0.0.1:9092"
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
        description="JSON object: SHA-256 hex digest of a bearer token -> role "
        '(or {"role": ..., "name": ...} naming its holder)',
    )
    test_mode: bool = Field(default=False, description="Enables the clock endpoint for tests")
    max_message_bytes: int = 65_536
    log_format: str = "console"
    log_level: str = "INFO"

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
