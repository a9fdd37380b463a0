"""The WSGI callable the app server serves: the app's own entry (PYAPP_ENTRY, a
``module:attribute``; PYAPP_ENTRY_KIND ``wsgi`` or ``factory``) wrapped so that
``pyapp_runtime.context.request_path`` holds the request path while it runs, and so
that each request's status and duration are counted (``pyapp_runtime.metrics``) once
its response body is finished. Pure WSGI: the same under gunicorn and uWSGI."""
import importlib
import os
import time

from . import context
from . import metrics

_now = time.perf_counter
_observe = metrics.observe


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
    """Keeps the request path set while the response body is produced; counts the
    request when the server closes the body (its last byte was handed over)."""

    __slots__ = ("_result", "_status", "_started")

    def __init__(self, result, status=None, started=None):
        self._result = result
        self._status = status
        self._started = started

    def __iter__(self):
        return iter(self._result)

    def close(self):
        try:
            close = getattr(self._result, "close", None)
            if close is not None:
                close()
        finally:
            context.request_path.set(None)
            if self._status is not None:
                _observe(self._status[0], _now() - self._started)


class RequestContext:
    """WSGI middleware that records SCRIPT_NAME + PATH_INFO for each request and, unless
    ``PYAPP_METRICS=0``, its status and duration."""

    def __init__(self, app, measure=None):
        self.app = app
        self.measure = metrics.ENABLED if measure is None else measure

    def __call__(self, environ, start_response):
        context.request_path.set(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""))
        if not self.measure:
            try:
                result = self.app(environ, start_response)
            except BaseException:
                context.request_path.set(None)
                raise
            return _ClosingIterable(result)
        started = _now()
        # an app that raises before start_response answered 500 as far as anyone knows
        status = [500]

        def counting_start_response(status_line, headers, *exc_info):
            # parsed by the sender thread, off the request path
            status[0] = status_line
            return start_response(status_line, headers, *exc_info)

        try:
            result = self.app(environ, counting_start_response)
        except BaseException:
            context.request_path.set(None)
            _observe(status[0], _now() - started)
            raise
        return _ClosingIterable(result, status, started)


application = RequestContext(load_entry(os.environ["PYAPP_ENTRY"], os.environ.get("PYAPP_ENTRY_KIND", "wsgi")))
