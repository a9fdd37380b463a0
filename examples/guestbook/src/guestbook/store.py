"""The guestbook's entries, in the sqlite database PyApp Server gives the app."""

import os
import sqlite3
import tempfile
import time

SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    text TEXT NOT NULL,
    created REAL NOT NULL
)
"""


def database_path():
    """The file behind PYAPP_DATABASE_MAIN_URL ('sqlite:///' + absolute path)."""
    url = os.environ.get("PYAPP_DATABASE_MAIN_URL", "")
    prefix = "sqlite:///"
    if url.startswith(prefix):
        return url[len(prefix):]
    # outside PyApp Server (e.g. a quick local run): a file beside the data
    base = os.environ.get("PYAPP_DATA_PATH") or tempfile.gettempdir()
    return os.path.join(base, "guestbook.sqlite3")


def connect():
    path = database_path()
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    # one connection per call: gunicorn runs requests on several threads
    connection = sqlite3.connect(path, timeout=10)
    connection.execute(SCHEMA)
    return connection


def init():
    """Creates the schema (idempotent); the install and update hooks call it."""
    with connect() as connection:
        connection.execute(SCHEMA)


def add(text):
    with connect() as connection:
        connection.execute("INSERT INTO entries (text, created) VALUES (?, ?)", (text, time.time()))


def latest(limit):
    """The newest entries first, as (text, created) tuples."""
    with connect() as connection:
        return connection.execute(
            "SELECT text, created FROM entries ORDER BY id DESC LIMIT ?", (limit,)
        ).fetchall()
