"""Lifecycle hooks (metadata.yaml: hooks), run by PyApp Server in the release's
environment with src/ as working directory. What they print and log is in the
install's progress and in the app's log (logger pyapp.deploy)."""
import os

from alembic import command
from alembic.config import Config


def migrate():
    """Brings the database to the release's newest migration. A rollback does not
    reverse migrations: keep them compatible with the release before."""
    config = Config(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "alembic.ini"))
    command.upgrade(config, "head")
    # prints the revision the database is at, such as "0002 (head)"
    command.current(config)
