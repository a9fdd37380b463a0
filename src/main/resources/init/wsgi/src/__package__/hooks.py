"""Lifecycle hooks (metadata.yaml: hooks): the database schema, before a release starts."""
import sqlite3

from . import settings


def migrate():
    with sqlite3.connect(settings.DATABASE) as db:
        db.execute("CREATE TABLE IF NOT EXISTS visits (at TEXT NOT NULL)")
    print("database ready:", settings.DATABASE)
