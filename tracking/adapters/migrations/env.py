"""Alembic's entry into the read model's migrations.

At start `migrate(engine)` hands its open connection in `config.attributes["connection"]`.
A developer writing a revision passes a URL instead, e.g. from the project root:
    alembic -c tracking/adapters/migrations/alembic.ini -x url=sqlite:///rm.sqlite upgrade head
    alembic -c tracking/adapters/migrations/alembic.ini -x url=sqlite:///rm.sqlite \
        revision --autogenerate -m "what changed"
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine, pool

from tracking.adapters.tables import metadata

config = context.config
target_metadata = metadata


def run_migrations(connection: Connection) -> None:
    """Migrate over a live connection; SQLite alters tables by copying them (batch mode)."""
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Use the caller's connection, else connect to the URL given with `-x url=...`."""
    shared: Connection | None = config.attributes.get("connection")
    if shared is not None:
        run_migrations(shared)
        return
    url = context.get_x_argument(as_dictionary=True).get("url")
    url = url or config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("give the read model's URL: alembic ... -x url=<SQLAlchemy URL> ...")
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            run_migrations(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("the read model's migrations run online only")
run_migrations_online()
