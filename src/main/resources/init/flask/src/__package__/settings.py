"""The settings of {{name}}: the operator's (configuration.yaml, in the file
PYAPP_CONFIG_FILE names) and the database PyApp Server gives the app. Without them
(on a developer's machine) the app runs with local defaults."""
import configparser
import json
import os
from pathlib import Path

SRC_DIR = Path(__file__).resolve().parent.parent


def _config():
    parser = configparser.ConfigParser(interpolation=None)
    path = os.environ.get("PYAPP_CONFIG_FILE")
    if path and os.path.exists(path):
        parser.read(path, encoding="utf-8")
    return parser["flask"] if parser.has_section("flask") else {}


def _text(raw):
    raw = (raw or "").strip()
    return json.loads(raw) if raw.startswith('"') else raw


_FLASK = _config()
SECRET_KEY = _text(_FLASK.get("secret_key")) or "local-development-only"
ADMIN_PASSWORD = _text(_FLASK.get("admin_password")) or "admin"
TITLE = _text(_FLASK.get("title")) or "{{name}}"
# sqlite:////srv/pyapp/apps/{{name}}/data/db/main.sqlite3 on the server
DATABASE_URL = os.environ.get("PYAPP_DATABASE_MAIN_URL") or "sqlite:///" + str(SRC_DIR / "local.sqlite3")
