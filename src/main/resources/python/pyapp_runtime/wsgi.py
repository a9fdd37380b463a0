"""The WSGI callable gunicorn serves: the app's own entry (PYAPP_ENTRY, a
``module:attribute``; PYAPP_ENTRY_KIND ``wsgi`` or ``factory``) wrapped so that
``pyapp_runtime.context.request_path`` holds the request path while it runs."""
import importlib
import os

from . import context


def load_entry(target, kind="wsgi"):
    module_name, _, attribute = target.partition(":")
    if not module_name or not attribute:
        raise ValueError("entry %r is not module:attribute" % target)
    obj = importlib.import_module(module_name)
    for part in attribute.split("."):
        obj = getattr(obj, part)
    if kind == "factory":
        obj = obj()
    if not callable(obj):
        raise TypeError("entry %r is not a WSGI callable" % target)
    return obj


class _ClosingIterable:
    """Keeps the request path set while the response body is produced."""

    def __init__(self, result):
        self._result = result

    def __iter__(self):
        return iter(self._result)

    def close(self):
        try:
            close = getattr(self._result, "close", None)
            if close is not None:
                close()
        finally:
            context.request_path.set(None)


class RequestContext:
    """WSGI middleware that records SCRIPT_NAME + PATH_INFO for each request."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        context.request_path.set(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""))
        try:
            result = self.app(environ, start_response)
        except BaseException:
            context.request_path.set(None)
            raise
        return _ClosingIterable(result)


application = RequestContext(load_entry(os.environ["PYAPP_ENTRY"], os.environ.get("PYAPP_ENTRY_KIND", "wsgi")))
