"""The WSGI callable every app server serves (gunicorn and uWSGI): the app's own entry
(PYAPP_ENTRY, a ``module:attribute``; PYAPP_ENTRY_KIND ``wsgi`` or ``factory``) wrapped
so that ``pyapp_runtime.context.request_path`` holds the request path while it runs, and
so that each request's status and duration are counted (``pyapp_runtime.metrics``) once
its response body is finished. Pure WSGI: the same under gunicorn and uWSGI.

Importing it installs the log handler in the process that serves (idempotent: under
gunicorn its ``post_fork`` hook did already; uWSGI loads this module in each worker).
"""
import importlib
import io
import os
import sys
import time

from . import context
from . import metrics

_now = time.perf_counter
_set_path = context.request_path.set


def _restore_stdout():
    """uWSGI's Python plugin points sys.stdout at sys.stderr; give it back its own file
    (descriptor 1), so that printed lines are captured as stdout, as under gunicorn."""
    if "uwsgi" not in sys.modules or sys.stdout is not sys.stderr:
        return
    try:
        sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8",
                                      errors="backslashreplace", line_buffering=True, write_through=True)
    except OSError as ex:  # no descriptor 1: printed lines stay on stderr
        print("pyapp_runtime: stdout not restored: %s" % ex, file=sys.stderr)


def _install_log_handler():
    try:
        from pyapp_runtime import logship
        logship.install("worker")
    except ImportError:
        pass
    except Exception as ex:  # the app must run even when its log shipping does not
        print("pyapp_runtime: log handler not installed: %s" % ex, file=sys.stderr)


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
            _set_path(None)
            if self._status is not None:
                metrics.count_status(self._status[0])
                metrics.add_duration(_now() - self._started)


def apply_mount_prefix(environ, prefix):
    """Moves a mount prefix from PATH_INFO to SCRIPT_NAME.

    Apache's mod_proxy_uwsgi cannot send the prefix as SCRIPT_NAME for every path, so
    the managed configuration sends the whole path and the prefix as the variable
    PYAPP_SCRIPT_NAME (a client cannot set it: its headers arrive as HTTP_*). The app
    then sees what nginx, lighttpd and the HTTP path send: SCRIPT_NAME the prefix,
    PATH_INFO the rest ("" for the prefix itself).
    """
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    if path == prefix or path.startswith(prefix + "/"):
        environ["SCRIPT_NAME"] = prefix
        environ["PATH_INFO"] = path[len(prefix):]


class RequestContext:
    """WSGI middleware that records SCRIPT_NAME + PATH_INFO for each request and, unless
    ``PYAPP_METRICS=0``, its status and duration."""

    def __init__(self, app, measure=None):
        self.app = app
        self.measure = metrics.ENABLED if measure is None else measure

    def __call__(self, environ, start_response):
        # the request path: kept lean (every microsecond here is a few per cent of a
        # hello world under uWSGI), so module globals are bound once, at import
        if "PYAPP_SCRIPT_NAME" in environ:
            prefix = environ.pop("PYAPP_SCRIPT_NAME")
            if prefix:
                apply_mount_prefix(environ, prefix)
        _set_path(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""))
        if not self.measure:
            try:
                result = self.app(environ, start_response)
            except BaseException:
                _set_path(None)
                raise
            if type(result) is list:
                # a body the app produced whole: nothing of the app runs after this
                _set_path(None)
                return result
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
            _set_path(None)
            metrics.count_status(status[0])
            metrics.add_duration(_now() - started)
            raise
        if type(result) is list:
            # a body the app produced whole (a hello world, most plain WSGI apps): the
            # request is counted now, and the server iterates the list itself, with no
            # Python-level wrapper on its fast path
            _set_path(None)
            metrics.count_status(status[0])
            metrics.add_duration(_now() - started)
            return result
        return _ClosingIterable(result, status, started)


_restore_stdout()
_install_log_handler()
application = RequestContext(load_entry(os.environ["PYAPP_ENTRY"], os.environ.get("PYAPP_ENTRY_KIND", "wsgi")))
