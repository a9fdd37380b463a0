"""The settings of {{name}}: the operator's (configuration.yaml, in the file
PYAPP_CONFIG_FILE names) and the database PyApp Server gives the app."""
import configparser
import json
import os


def _config():
    parser = configparser.ConfigParser(interpolation=None)
    path = os.environ.get("PYAPP_CONFIG_FILE")
    if path and os.path.exists(path):
        parser.read(path, encoding="utf-8")
    return parser["site"] if parser.has_section("site") else {}


def _text(raw):
    raw = (raw or "").strip()
    return json.loads(raw) if raw.startswith('"') else raw


_SITE = _config()
TITLE = _text(_SITE.get("title")) or "{{name}}"
SECRET_KEY = _text(_SITE.get("secret_key")) or "local-development-only"
_URL = os.environ.get("PYAPP_DATABASE_MAIN_URL", "")
DATABASE = _URL[len("sqlite:///"):] if _URL.startswith("sqlite:///") else "local.sqlite3"
