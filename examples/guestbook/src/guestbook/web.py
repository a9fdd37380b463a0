"""The guestbook's WSGI application (metadata.yaml: entry.wsgi).

Every route is matched against PATH_INFO, and every URL the app generates starts
with SCRIPT_NAME, so it works mounted at any path of any virtual server.
Besides the guestbook itself it has endpoints that let tests and operators see
what the server gives the app: /env, /config, /log, /print, /crash, /import.
"""

import html
import importlib
import json
import logging
import os
import sys
import time
from urllib.parse import parse_qs

from guestbook import settings, store

logger = logging.getLogger("guestbook")

MAX_ENTRY_LENGTH = 2000

STATIC_DIR = os.path.normpath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "static", "guestbook"))

LEVELS = {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}


def application(environ, start_response):
    path = environ.get("PATH_INFO") or "/"
    method = environ.get("REQUEST_METHOD", "GET")
    query = parse_qs(environ.get("QUERY_STRING", ""))
    if path == "/" and method in ("GET", "HEAD"):
        return _page(environ, start_response)
    if path == "/sign" and method == "POST":
        return _sign(environ, start_response)
    if path == "/health":
        return _text(start_response, "200 OK", "ok")
    if path == "/version":
        return _text(start_response, "200 OK", os.environ.get("PYAPP_VERSION", ""))
    if path == "/env":
        return _json(start_response, _environment(environ))
    if path == "/config":
        return _json(start_response, settings.masked(settings.load()))
    if path == "/log":
        return _log(start_response, query)
    if path == "/print":
        print(_first(query, "msg", "hello from guestbook"), flush=True)
        return _text(start_response, "200 OK", "printed")
    if path == "/crash":
        raise RuntimeError("crash requested by GET /crash")
    if path == "/import":
        return _json(start_response, _import(_first(query, "module", "")))
    if path.startswith("/static/"):
        return _static(start_response, path[len("/static/"):])
    return _text(start_response, "404 Not Found", "not found: " + path)


def _page(environ, start_response):
    values = settings.load()
    site = values.get("site", {})
    title = html.escape(site.get("title") or "My guestbook")
    theme = "dark" if site.get("theme") == "dark" else "light"
    base = html.escape(environ.get("SCRIPT_NAME", ""), quote=True)
    items = "\n".join(
        '<div class="entry"><p>%s</p><time>%s</time></div>'
        % (html.escape(text), time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(created)))
        for text, created in store.latest(settings.entries_per_page(values))
    )
    body = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>%(title)s</title>
<link rel="stylesheet" href="%(base)s/static/guestbook.css">
</head>
<body class="%(theme)s">
<h1>%(title)s</h1>
<form method="post" action="%(base)s/sign">
<textarea name="text" rows="3" maxlength="%(max)d" required></textarea>
<button type="submit">Sign</button>
</form>
<div id="entries">
%(items)s
</div>
</body>
</html>
""" % {"title": title, "base": base, "theme": theme, "items": items, "max": MAX_ENTRY_LENGTH}
    data = body.encode("utf-8")
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                              ("Content-Length", str(len(data)))])
    return [data]


def _sign(environ, start_response):
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    form = parse_qs(environ["wsgi.input"].read(min(length, 64 * 1024)).decode("utf-8", "replace"))
    text = _first(form, "text", "").strip()
    if not text or len(text) > MAX_ENTRY_LENGTH:
        return _text(start_response, "400 Bad Request",
                     "expected a non-empty 'text' of at most %d characters" % MAX_ENTRY_LENGTH)
    store.add(text)
    logger.info("new guestbook entry (%d characters)", len(text))
    start_response("303 See Other", [("Location", environ.get("SCRIPT_NAME", "") + "/"),
                                     ("Content-Length", "0")])
    return [b""]


def _environment(environ):
    """One flat object: request variables, X-Forwarded-* headers, PYAPP_* variables."""
    result = {
        "SCRIPT_NAME": environ.get("SCRIPT_NAME", ""),
        "PATH_INFO": environ.get("PATH_INFO", ""),
        "HTTP_HOST": environ.get("HTTP_HOST"),
        "cwd": os.getcwd(),
        "executable": sys.executable,
        "pid": os.getpid(),
    }
    result.update((key, value) for key, value in environ.items() if key.startswith("HTTP_X_FORWARDED_"))
    result.update((key, value) for key, value in os.environ.items() if key.startswith("PYAPP_"))
    return result


def _log(start_response, query):
    level = _first(query, "level", "INFO").upper()
    if level not in LEVELS:
        return _text(start_response, "400 Bad Request", "expected level to be one of " + ", ".join(sorted(LEVELS)))
    logger.log(getattr(logging, level), _first(query, "msg", "hello from guestbook"))
    return _text(start_response, "200 OK", "logged")


def _import(module):
    result = {"module": module, "ok": False, "error": None}
    try:
        importlib.import_module(module)
        result["ok"] = True
    except Exception as error:  # report any failure to the caller, that is the point
        result["error"] = "%s: %s" % (type(error).__name__, error)
    return result


def _static(start_response, name):
    # normally the web server serves these; this fallback helps when the app is
    # reached on its socket directly. Only plain file names, no paths.
    if "/" in name or name.startswith(".") or not name:
        return _text(start_response, "404 Not Found", "not found")
    file = os.path.join(STATIC_DIR, name)
    if not os.path.isfile(file):
        return _text(start_response, "404 Not Found", "not found")
    with open(file, "rb") as static:
        data = static.read()
    kind = "text/css" if name.endswith(".css") else "application/octet-stream"
    start_response("200 OK", [("Content-Type", kind), ("Content-Length", str(len(data)))])
    return [data]


def _first(values, key, default):
    return values.get(key, [default])[0]


def _text(start_response, status, text):
    data = text.encode("utf-8")
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(data)))])
    return [data]


def _json(start_response, value):
    data = json.dumps(value, indent=2, sort_keys=True).encode("utf-8")
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]
