"""Alembic environment: runs on the connection `Store.upgrade` hands over, or on a URL."""

from alembic import context
from sqlalchemy import create_engine

from bot.store.installations import TABLES
from bot.store.models import Base

config = context.config
target_metadata = [Base.metadata, TABLES]


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite://")
    with engine.begin() as own_connection:
        context.configure(connection=own_connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()


run_migrations()
