"""A WSGI app for the mount tests: echoes what the web server passed on as JSON and
logs every request path to ECHO_LOG, to prove which requests reached it."""
import json, os, time, urllib.parse, wsgiref.util

LOG = os.environ.get("ECHO_LOG")
NAME = os.environ.get("ECHO_NAME", "a")

def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if LOG:
        with open(LOG, "a") as f:
            f.write(environ.get("SCRIPT_NAME", "") + path + "\n")
    if path == "/slow":
        # answers after ?seconds=N: longer than the web server's app timeout is a 504
        seconds = float(urllib.parse.parse_qs(environ.get("QUERY_STRING", "")).get("seconds", ["0"])[0])
        time.sleep(seconds)
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "5")])
        return [b"late\n"]
    if path == "/redirect":
        start_response("302 Found", [("Location", wsgiref.util.application_uri(environ).rstrip("/") + "/target")])
        return [b""]
    body = json.dumps({
        "backend": NAME,
        "script_name": environ.get("SCRIPT_NAME", ""),
        "path_info": path,
        "host": environ.get("HTTP_HOST"),
        "x_forwarded_for": environ.get("HTTP_X_FORWARDED_FOR"),
        "x_forwarded_proto": environ.get("HTTP_X_FORWARDED_PROTO"),
        "x_forwarded_host": environ.get("HTTP_X_FORWARDED_HOST"),
        "x_forwarded_port": environ.get("HTTP_X_FORWARDED_PORT"),
        "scheme": environ.get("wsgi.url_scheme"),
        "remote_addr": environ.get("REMOTE_ADDR"),
        "url": wsgiref.util.request_uri(environ),
        "app_url": wsgiref.util.application_uri(environ),
    }).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def hello(environ, start_response):
    """The benchmark's hello world."""
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "12")])
    return [b"Hello world\n"]
