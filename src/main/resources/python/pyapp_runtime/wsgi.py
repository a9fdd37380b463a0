"""The WSGI callable every app server serves (gunicorn and uWSGI): the app's own entry
(PYAPP_ENTRY, a ``module:attribute``; PYAPP_ENTRY_KIND ``wsgi`` or ``factory``) wrapped
so that ``pyapp_runtime.context.request_path`` holds the request path while it runs, and
so that each request's status and duration are counted (``pyapp_runtime.metrics``) once
its response body is finished. Pure WSGI: the same under gunicorn and uWSGI.

Importing it installs the log handler in the process that serves (idempotent: under
gunicorn its ``post_fork`` hook did already; uWSGI loads this module in each worker),
and then ``pyapp_runtime.capture``, so that a line the app prints inside a request is a
record with the request's path.
"""
import importlib
import inspect
import io
import os
import sys
import time

from . import capture
from . import context
from . import metrics

_now = time.perf_counter
_set_path = context.request_path.set
# what requests being served printed and is not shipped yet (empty unless one printed a
# partial line or a traceback)
_pending = capture.PENDING


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


# how many processes in a row may end while they load the app (``os._exit``, a signal,
# out of memory: nothing the process itself can catch) before a load counts as failed
LOAD_DEATHS = 3


class _LoadWatch:
    """Counts the processes that ended while they loaded the app, which their master
    would otherwise start again and again: each load leaves a marker named after its
    PID namespace and pid in ``tmp/.pyapp-loading/`` (the app's own directory) and
    removes it once the app is loaded or failed to load; a marker of this namespace
    whose process is gone is a process that ended while it loaded. Markers of a process
    still alive are left alone (another worker loading beside this one). Each sandbox
    has a PID namespace of its own, so the live daemon and a candidate starting beside
    it (an upgrade) may both load as pid 3: the namespace in the name keeps their
    markers apart, and a marker of another namespace counts for nobody here (it is
    removed once older than STALE_MARK seconds: its sandbox ended long ago). The
    server reads a marker newer than a daemon's start as a load under way, and lets the
    daemon's first health check wait for it."""

    STALE_MARK = 600

    def __init__(self, directory):
        self._directory = directory
        self._marker = None
        self._namespace = self._pid_namespace()

    @classmethod
    def of_environment(cls):
        tmp = os.environ.get("PYAPP_TMP_PATH")
        return cls(os.path.join(tmp, ".pyapp-loading")) if tmp else None

    @staticmethod
    def _pid_namespace():
        try:
            link = os.readlink("/proc/self/ns/pid")  # pid:[4026532280]
            return "".join(c for c in link if c.isdigit()) or "0"
        except OSError:
            return "0"

    def begin(self):
        """Marks this load; raises when LOAD_DEATHS earlier loads ended with their
        process (the markers are then cleared, so that the next master starts counting
        afresh)."""
        try:
            os.makedirs(self._directory, mode=0o700, exist_ok=True)
            ended = self._ended()
            if len(ended) >= LOAD_DEATHS:
                self._remove(ended)
                raise RuntimeError(
                    "the app's process ended while it was loaded, %d times in a row (os._exit, "
                    "a signal or out of memory?): its master would start it again forever"
                    % len(ended))
            self._marker = os.path.join(self._directory, "%s-%d" % (self._namespace, os.getpid()))
            with open(self._marker, "w"):
                pass
        except OSError:
            self._marker = None  # no place to count in: the app loads unwatched

    def end(self, loaded):
        """This load is over: loaded (earlier deaths no longer count) or failed."""
        if self._marker is None:
            return
        self._remove([self._marker] + (self._ended() if loaded else []))

    def _ended(self):
        ended = []
        stale = []
        for name in os.listdir(self._directory):
            path = os.path.join(self._directory, name)
            namespace, _, pid = name.rpartition("-")
            if namespace != self._namespace or not pid.isdigit():
                try:
                    if time.time() - os.lstat(path).st_mtime > self.STALE_MARK:
                        stale.append(path)
                except OSError:
                    pass
                continue
            try:
                os.kill(int(pid), 0)
            except ProcessLookupError:
                ended.append(path)
            except OSError:
                pass  # alive (another user's pid is not one of ours, but alive)
        self._remove(stale)
        return ended

    @staticmethod
    def _remove(paths):
        for path in paths:
            try:
                os.unlink(path)
            except OSError:
                pass


def load_entry(target, kind="wsgi", watch=None):
    """The app's WSGI callable. An app that exits while it is loaded (``sys.exit("SECRET
    not set")`` at import) fails to load like one that raises: a worker that simply
    ended would be started again and again by its master (gunicorn's and uWSGI's), the
    app shown running and no crash counted; a load error ends the master (gunicorn
    halts, uWSGI's ``--need-app``), which the server counts as a crash. A process that
    ends while it loads (``os._exit``, a signal) cannot be caught; ``watch`` (a
    ``_LoadWatch``) makes the LOAD_DEATHS-th such end in a row a load error."""
    module_name, _, attribute = target.partition(":")
    if not module_name or not attribute:
        raise ValueError("entry %r is not module:attribute" % target)
    if watch is not None:
        watch.begin()
    loaded = False
    try:
        obj = importlib.import_module(module_name)
        for part in attribute.split("."):
            obj = getattr(obj, part)
        if kind == "factory":
            obj = obj()
        loaded = True
    except SystemExit as ex:
        raise RuntimeError("the app exited while it was loaded (SystemExit: %s)" % (ex.code,)) from None
    finally:
        if watch is not None:
            watch.end(loaded)
    if not callable(obj):
        raise TypeError("entry %r is not a WSGI callable" % target)
    if _is_asgi(obj):
        raise TypeError("entry %r is an ASGI app (it is called with await): PyApp Server serves WSGI apps; "
                        "serve it through an ASGI-to-WSGI adapter such as a2wsgi's ASGIMiddleware, or use "
                        "the project's WSGI entry (Django: wsgi.py, not asgi.py)" % target)
    return obj


def _is_asgi(obj):
    """Whether an entry is an ASGI app (FastAPI, Starlette, Quart, Django's ASGIHandler,
    an ``async def``): a WSGI server would answer every request with a TypeError."""
    call = obj if inspect.isfunction(obj) or inspect.ismethod(obj) else getattr(type(obj), "__call__", None)
    return inspect.iscoroutinefunction(call)


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


class _Body:
    """A response body the app still produces while the server iterates it (anything but
    a list): keeps the request path set until the server closes it, then counts the
    request (its last byte was handed over, or its iteration failed)."""

    __slots__ = ("_result", "_status", "_started")

    def __init__(self, result, status=None, started=None):
        self._result = result
        # a callable that answers the status line given last (read at close: a generator
        # may call start_response only when it is first iterated)
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
            # set, not reset: a token is bound to the context that made it, and the
            # server's close() needs no particular one
            _set_path(None)
            if _pending:
                capture.end_request()
            if self._status is not None:
                metrics.count_status(self._status())
                metrics.add_duration(_now() - self._started)


def wrap(app, measure=None):
    """The WSGI callable that runs ``app`` with SCRIPT_NAME + PATH_INFO in
    ``context.request_path`` and, unless ``measure`` is false (default: not
    ``PYAPP_METRICS=0``), counts each request's status and duration.

    The status counted is the last one given to ``start_response`` (500 if the app
    raised before calling it), whether the app raised or not. A body the app returns as a
    list is counted when the app returns; any other body when the server closes it.

    A plain function with the request's state in locals (no instance, no per-request
    object but the ``start_response`` wrapper): every ~0.1 us here is a few tenths of
    a per cent of a hello world on a threaded uWSGI worker (bench/shim_micro.py).
    """
    if measure is None:
        measure = metrics.ENABLED
    set_path = _set_path
    reset_path = context.request_path.reset
    now = _now
    # what a request left of a printed line or traceback is shipped when it ends; a
    # request that printed nothing pays only this dict's truth test
    pending = _pending
    end_request = capture.end_request

    if not measure:
        def application(environ, start_response):
            if "PYAPP_SCRIPT_NAME" in environ:
                prefix = environ.pop("PYAPP_SCRIPT_NAME")
                if prefix:
                    apply_mount_prefix(environ, prefix)
            if "PATH_INFO" not in environ:
                environ["PATH_INFO"] = ""
            token = set_path(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""))
            try:
                result = app(environ, start_response)
            except BaseException:
                reset_path(token)
                if pending:
                    end_request()
                raise
            if type(result) is list:
                # a body the app produced whole: nothing of the app runs after this
                reset_path(token)
                if pending:
                    end_request()
                return result
            return _Body(result)
        return application

    def application(environ, start_response):
        if "PYAPP_SCRIPT_NAME" in environ:
            prefix = environ.pop("PYAPP_SCRIPT_NAME")
            if prefix:
                apply_mount_prefix(environ, prefix)
        if "PATH_INFO" not in environ:
            # lighttpd sends none to a uWSGI app for its mount path itself (/prefix):
            # the app sees "" there, as from nginx and Apache, where Werkzeug would take
            # a missing one for "/" (a page at /prefix whose relative links then miss)
            environ["PATH_INFO"] = ""
        token = set_path(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""))
        # an app that raises before start_response answered 500 as far as anyone knows;
        # the line is kept as given (parsed by the sender thread, off the request path)
        status = 500

        def capture(status_line, headers, exc_info=None):
            nonlocal status
            status = status_line
            return start_response(status_line, headers, exc_info)

        started = now()
        try:
            result = app(environ, capture)
        except BaseException:
            reset_path(token)
            if pending:
                end_request()
            metrics.count_status(status)
            metrics.add_duration(now() - started)
            raise
        if type(result) is list:
            # a body the app produced whole (a hello world, most plain WSGI apps): the
            # request is counted now, and the server iterates the list itself, with no
            # Python-level wrapper on its fast path
            reset_path(token)
            if pending:
                end_request()
            metrics.count_status(status)
            metrics.add_duration(now() - started)
            return result
        return _Body(result, lambda: status, started)

    return application


def _capture_output():
    try:
        capture.install()
    except Exception as ex:  # printed lines then stay on the real streams, as before
        print("pyapp_runtime: printed lines not captured: %s" % ex, file=sys.stderr)


_restore_stdout()
_install_log_handler()
_capture_output()
application = wrap(load_entry(os.environ["PYAPP_ENTRY"], os.environ.get("PYAPP_ENTRY_KIND", "wsgi"),
                              _LoadWatch.of_environment()))
