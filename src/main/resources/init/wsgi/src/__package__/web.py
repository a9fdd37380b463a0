"""The WSGI app (metadata.yaml: entry). Mounted below a path, it sees the path as
SCRIPT_NAME and builds its links from it; its static files come from the web server."""
import html
import sqlite3
from datetime import datetime, timezone

from . import settings


def application(environ, start_response):
    path = environ.get("PATH_INFO") or "/"
    root = environ.get("SCRIPT_NAME", "")
    if path == "/health":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]
    if path != "/":
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]
    with sqlite3.connect(settings.DATABASE) as db:
        db.execute("INSERT INTO visits VALUES (?)", (datetime.now(timezone.utc).isoformat(),))
        visits = db.execute("SELECT COUNT(*) FROM visits").fetchone()[0]
    title = html.escape(settings.TITLE)
    body = ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>%s</title>"
            "<link rel='stylesheet' href='%s/static/style.css'></head>"
            "<body><h1>%s</h1><p>%d visits.</p></body></html>") % (title, html.escape(root), title, visits)
    data = body.encode("utf-8")
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(data)))])
    return [data]
