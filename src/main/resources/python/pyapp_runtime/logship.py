"""Ships the log records of an app process to the PyApp management server.

``install(role)`` attaches one handler to the root logger. gunicorn's own
``gunicorn.error`` records are left to gunicorn's error log on stderr, which the
server reads (one record per line at its level, logger ``gunicorn``), so each
is stored once and a daemon that fails to start still shows why. The handler
never blocks and never raises into the app: it formats the record (message,
exception with traceback, request path) and appends it to a bounded in-process
queue; a background thread sends the queue in batches over the unix socket named
by ``PYAPP_LOG_SOCKET``. When the queue is full a record is dropped and counted,
and the count travels with the next batch. ``pyapp_runtime.capture`` queues the
lines an app prints inside a request on the same shipper (``offer``: refused while
the socket cannot be reached or the queue is full, so the line goes to the stream).

Framing: one JSON object per line (SOCK_STREAM)::

    {"app": ..., "release": ..., "pid": ..., "role": ..., "dropped": N,
     "records": [[time, levelno, logger, message, exception, thread, path], ...],
     "metrics": {...}}

``metrics`` (optional) is what ``pyapp_runtime.metrics`` counted since the previous
batch that carried it: the same thread sends it at most every
``metrics.INTERVAL`` seconds, with the records or alone.

The socket is the app's own (``apps/<name>/run/logs.sock``): the server takes the
app of every record from it, and the release from the connection's first batch.
A line stays under ``MAX_LINE`` bytes (the server drops longer ones whole): a
message is cut at ``MAX_MESSAGE`` characters and an exception at
``MAX_EXCEPTION``, as the server would, and a batch that would be longer is sent
as several lines.

Standard library only.
"""

import atexit
import collections
import json
import logging
import os
import socket
import sys
import threading
import time
import traceback

__all__ = ["install", "flush", "available_shipper", "ShipHandler"]

QUEUE_SIZE = int(os.environ.get("PYAPP_LOG_QUEUE", "100000"))
BATCH_SIZE = 1000
MAX_MESSAGE = 64 * 1024
MAX_EXCEPTION = 256 * 1024
MAX_LINE = 1024 * 1024 - 1024
TRUNCATED = " [truncated]"
IDLE_WAIT = 0.05
# the longest the sender sleeps with nothing to do (it is woken for records and flushes)
MAX_IDLE = 5.0
RETRY_WAIT = 0.5

try:  # request counts of the WSGI middleware, shipped with the batches
    from pyapp_runtime import metrics as _metrics
except Exception:  # pragma: no cover - metrics.py is optional here
    _metrics = None

try:  # the runtime's ContextVar with the path of the request being served
    from pyapp_runtime.context import request_path as _request_path
except Exception:  # pragma: no cover - context.py is optional here
    _request_path = None


def _current_path():
    if _request_path is None:
        return None
    try:
        return _request_path.get(None)
    except Exception:
        return None


class _Shipper:
    """The queue and the thread that empties it. One per process (rebuilt after fork)."""

    def __init__(self, address, app, release, role):
        self.address = address
        self.app = app
        self.release = release
        self.role = role
        self.pid = os.getpid()
        self.queue = collections.deque()
        self.dropped = 0
        self.drop_lock = threading.Lock()
        self.wake = threading.Event()
        self.idle = threading.Event()
        self.idle.set()
        self.sock = None
        self.thread = None
        self.start_lock = threading.Lock()
        self.pending = None
        self.metrics_sent = time.monotonic()
        # whether the last send failed (the socket is gone or refuses): until one
        # succeeds, offer() refuses, and pyapp_runtime.capture writes to the real stream
        self.failing = False

    def put(self, item):
        if len(self.queue) >= QUEUE_SIZE:
            with self.drop_lock:
                self.dropped += 1
            return
        self.queue.append(item)
        if self.thread is None:
            self._start()
        elif not self.wake.is_set() and (self.idle.is_set() or len(self.queue) >= BATCH_SIZE):
            # the sender sleeps until a record arrives (then gathers a batch for up to
            # IDLE_WAIT) or a full batch is waiting
            self.wake.set()

    def offer(self, item):
        """Queues a record unless the sender cannot reach the socket or the queue is
        full; returns whether it was queued (the caller keeps the record otherwise)."""
        if self.failing or len(self.queue) >= QUEUE_SIZE:
            return False
        self.put(item)
        return True

    def ensure_started(self):
        if self.thread is None:
            self._start()

    def _start(self):
        with self.start_lock:
            if self.thread is None:
                thread = threading.Thread(target=self._run, name="pyapp-logship", daemon=True)
                self.thread = thread
                thread.start()

    def _run(self):
        while True:
            if not self.queue and self.pending is None:
                metrics = self._due_metrics()
                if metrics is None:
                    self.idle.set()
                    if not self.queue:
                        # no polling: a put() wakes the sender, else the metrics when due
                        self.wake.wait(self._until_metrics())
                    self.wake.clear()
                    if self.queue and len(self.queue) < BATCH_SIZE:
                        # woken by a record: let a batch gather for a moment (a full
                        # batch or flush() ends the wait early)
                        self.idle.clear()
                        self.wake.wait(IDLE_WAIT)
                        self.wake.clear()
                    continue
                self.pending = self._line([], metrics)
            self.idle.clear()
            if self.pending is None:
                self.pending = self._next_line()
            if self._send(self.pending):
                self.pending = None
            else:
                time.sleep(RETRY_WAIT)

    def _until_metrics(self):
        """Seconds until the counted requests are due to be shipped (at most MAX_IDLE)."""
        if _metrics is None:
            return MAX_IDLE
        left = _metrics.INTERVAL - (time.monotonic() - self.metrics_sent)
        return min(MAX_IDLE, max(IDLE_WAIT, left))

    def _due_metrics(self):
        if _metrics is None:
            return None
        now = time.monotonic()
        if now - self.metrics_sent < _metrics.INTERVAL:
            return None
        self.metrics_sent = now
        return _metrics.take()

    def _next_line(self):
        records = []
        queue = self.queue
        while queue and len(records) < BATCH_SIZE:
            records.append(queue.popleft())
        return self._line(records, self._due_metrics())

    def _line(self, records, metrics):
        with self.drop_lock:
            dropped, self.dropped = self.dropped, 0
        return b"".join(self._lines(records, dropped, metrics))

    def _lines(self, records, dropped, metrics):
        batch = {"app": self.app, "release": self.release, "pid": self.pid, "role": self.role,
                 "dropped": dropped, "records": records}
        if metrics is not None:
            batch["metrics"] = metrics
        line = (json.dumps(batch, separators=(",", ":"), default=str) + "\n").encode("utf-8", "replace")
        if len(line) <= MAX_LINE or not records:
            return [line]
        if len(records) > 1:
            half = len(records) // 2
            return self._lines(records[:half], dropped, metrics) + self._lines(records[half:], 0, None)
        # one record alone too long (escaped text): shorten its exception, then its message
        record = list(records[0])
        for index in (4, 3):
            if record[index] and len(record[index]) > 1024:
                record[index] = record[index][:len(record[index]) // 4] + TRUNCATED
                return self._lines([tuple(record)], dropped, metrics)
        return []

    def _send(self, data):
        try:
            if self.sock is None:
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    sock.settimeout(10)
                    sock.connect(self.address)
                except OSError:
                    sock.close()
                    raise
                self.sock = sock
            self.sock.sendall(data)
            self.failing = False
            return True
        except OSError:
            self._close()
            self.failing = True
            return False

    def _close(self):
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass
            self.sock = None

    def flush(self, timeout):
        """Waits until everything queued was sent, or the timeout passed."""
        deadline = time.monotonic() + timeout
        # what was counted since the last shipment goes too (at exit)
        self.metrics_sent = 0.0
        if self.thread is None:
            if not self.queue and (_metrics is None or not _metrics.pending()):
                return True
            self._start()
        self.wake.set()
        while time.monotonic() < deadline:
            if not self.queue and self.pending is None and self.idle.is_set():
                return True
            self.wake.set()
            time.sleep(0.01)
        return False


class ShipHandler(logging.Handler):
    """Formats records in the calling thread and queues them for the shipper."""

    def __init__(self, shipper, owner=None):
        super().__init__(logging.NOTSET)
        self._shipper = shipper
        self._owner = owner
        self._exception_formatter = logging.Formatter()

    @property
    def shipper(self):
        # a second handler (gunicorn's) follows the first one's shipper, even after fork
        return self._owner.shipper if self._owner is not None else self._shipper

    @shipper.setter
    def shipper(self, shipper):
        self._shipper = shipper

    def createLock(self):
        # emit() only appends to a deque: no lock needed, so logging never waits here
        self.lock = None

    def acquire(self):
        pass

    def release(self):
        pass

    def handle(self, record):
        rv = self.filter(record)
        if rv:
            self.emit(record)
        return rv

    def emit(self, record):
        try:
            message = record.getMessage()
            if len(message) > MAX_MESSAGE:
                message = message[:MAX_MESSAGE] + TRUNCATED
            exception = None
            if record.exc_info:
                exception = self._exception_formatter.formatException(record.exc_info)
            elif record.exc_text:
                exception = record.exc_text
            if record.stack_info:
                stack = self._exception_formatter.formatStack(record.stack_info)
                exception = stack if exception is None else exception + "\n" + stack
            if exception is not None and len(exception) > MAX_EXCEPTION:
                exception = exception[:MAX_EXCEPTION] + TRUNCATED
            name = record.name
            if name == "gunicorn.error":
                name = "gunicorn"
            self.shipper.put((record.created, record.levelno, name, message, exception,
                              record.threadName, _current_path()))
        except Exception:
            # never raise into the app; a record that cannot be formatted is lost
            with self.shipper.drop_lock:
                self.shipper.dropped += 1


_handler = None
_install_lock = threading.Lock()


def _reinit_after_fork():
    """A forked child (a gunicorn worker) gets its own queue, thread and connection."""
    global _handler
    if _handler is None:
        return
    old = _handler.shipper
    _handler.shipper = _Shipper(old.address, old.app, old.release, old.role)
    if _metrics is not None:
        # the child's sender starts with its first counted request
        _metrics.set_waker(_wake_shipper)


def _wake_shipper():
    handler = _handler
    if handler is not None:
        handler.shipper.ensure_started()
        _metrics.set_waker(None)


def _excepthook(kind, value, tb):
    if _handler is not None and not issubclass(kind, KeyboardInterrupt):
        logging.getLogger("pyapp").critical("Uncaught exception", exc_info=(kind, value, tb))
        flush(2.0)
    _previous_excepthook(kind, value, tb)


_previous_excepthook = sys.excepthook


def install(role="worker", level=None):
    """Attaches the shipping handler to the root and gunicorn loggers.

    ``role`` says what kind of process this is (worker, master, hook, task) and
    travels with every batch. ``level`` (default: env ``PYAPP_LOG_LEVEL``, else
    DEBUG) is set on the root logger so that every record an app makes reaches
    the server. Returns the handler, or None when ``PYAPP_LOG_SOCKET`` is unset.
    Calling it again returns the installed handler.
    """
    global _handler, _previous_excepthook
    with _install_lock:
        if _handler is not None:
            return _handler
        address = os.environ.get("PYAPP_LOG_SOCKET")
        if not address:
            return None
        shipper = _Shipper(address, os.environ.get("PYAPP_NAME"), os.environ.get("PYAPP_RELEASE"), role)
        handler = ShipHandler(shipper)
        root = logging.getLogger()
        # gunicorn's error log goes to stderr, where the server reads it: should its
        # records propagate, the root handler leaves them to that, so none is stored twice
        handler.addFilter(lambda record: not record.name.startswith("gunicorn."))
        root.addHandler(handler)
        root.setLevel(level or os.environ.get("PYAPP_LOG_LEVEL", "DEBUG"))
        _handler = handler
        if _metrics is not None:
            _metrics.set_waker(_wake_shipper)
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=_reinit_after_fork)
        atexit.register(flush, 5.0)
        _previous_excepthook = sys.excepthook
        sys.excepthook = _excepthook
        return handler


def available_shipper():
    """The shipper of this process when it is installed and its last send did not fail,
    else None (``pyapp_runtime.capture`` then leaves printed lines on the real stream)."""
    handler = _handler
    if handler is None:
        return None
    shipper = handler.shipper
    return None if shipper.failing else shipper


def flush(timeout=5.0):
    """Waits until queued records were sent (called at exit). Returns whether they were."""
    handler = _handler
    if handler is None:
        return True
    return handler.shipper.flush(timeout)
