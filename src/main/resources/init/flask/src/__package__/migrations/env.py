"""Alembic's environment: the database PyApp Server gives the app. Logging is set up
by PyApp Server (the hook's output and the app's log), so it is left as it is."""
from alembic import context

from {{package}} import settings
from {{package}}.db import Base, engine

target_metadata = Base.metadata


def run_migrations_offline():
    context.configure(url=settings.DATABASE_URL, target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
