"""What an app prints while it serves a request, shipped as log records with the
request's path (SPEC: a stdout line is INFO with logger ``stdout``, a stderr line
WARNING with logger ``stderr``, and ``path`` is the request path).

``install()`` (called by ``pyapp_runtime.wsgi`` in the process that serves, never by
hooks or tasks) replaces ``sys.stdout`` and ``sys.stderr`` with a ``RequestStream``
around each. Outside a request a write goes to the real stream, as before. Inside one
(``context.request_path`` set) the text is gathered per thread until a newline, and each
whole line is queued on ``logship``'s shipper, with the time, the thread and the path,
like a ``logging`` record. What is left of a line when the request ends is shipped then
(``end_request``, which the WSGI wrapper calls only when ``PENDING`` holds something, so
a request that prints nothing pays one test of an empty dict). A partial line is
shipped once it holds ``MAX_PARTIAL`` characters, and a line is cut at
``logship.MAX_MESSAGE`` as the server would.

When shipping is not available (``logship`` not installed, its sender failing to reach
the socket, its queue full) a write goes to the real stream: nothing printed is lost.
Everything else of the stream (``flush``, ``fileno``, ``isatty``, ``buffer``,
``encoding``...) is the original's.
"""
import sys
import threading
import time

from . import context

try:
    from . import logship as _logship
except ImportError:  # pragma: no cover - logship.py is optional here
    _logship = None

__all__ = ["install", "end_request", "RequestStream", "PENDING"]

#: the most characters of one line gathered before it is shipped as a line of its own
MAX_PARTIAL = 64 * 1024

#: (logger, thread ident) -> [stream, path, chunks, size]: the partial lines of the
#: requests being served; empty unless a request printed text without its newline
PENDING = {}

_get_path = context.request_path.get
_get_ident = threading.get_ident


def _shipper():
    """logship's shipper of this process when records may be queued on it, else None."""
    return _logship.available_shipper() if _logship is not None else None


class RequestStream:
    """A text stream that ships the lines written inside a request and passes every
    other use on to the stream it wraps."""

    def __init__(self, stream, logger, level):
        self._stream = stream
        self._logger = logger
        self._level = level

    def write(self, text):
        path = _get_path(None)
        if path is None or type(text) is not str:
            # outside a request, or not text (the real stream raises as it would)
            return self._stream.write(text)
        key = (self._logger, _get_ident())
        entry = PENDING.get(key)
        if entry is not None and entry[1] != path:
            # a line left by another request of this thread (not ended through the shim)
            del PENDING[key]
            self._ship(entry[1], "".join(entry[2]))
            entry = None
        if "\n" not in text:
            if not text:
                return 0
            if entry is None:
                PENDING[key] = [self, path, [text], len(text)]
            else:
                entry[2].append(text)
                entry[3] += len(text)
                if entry[3] >= MAX_PARTIAL:
                    del PENDING[key]
                    self._ship(path, "".join(entry[2]))
            return len(text)
        if entry is not None:
            del PENDING[key]
            lines = ("".join(entry[2]) + text).split("\n")
        else:
            lines = text.split("\n")
        rest = lines.pop()
        for line in lines:
            self._ship(path, line)
        if rest:
            PENDING[key] = [self, path, [rest], len(rest)]
        return len(text)

    def _ship(self, path, line):
        """Queues one line as a record, or writes it to the real stream when it cannot."""
        if line.endswith("\r"):
            line = line[:-1]
        try:
            shipper = _shipper()
            if shipper is not None:
                message = line
                if len(message) > _logship.MAX_MESSAGE:
                    message = message[:_logship.MAX_MESSAGE] + _logship.TRUNCATED
                record = (time.time(), self._level, self._logger, message, None,
                          threading.current_thread().name, path)
                if shipper.offer(record):
                    return
        except Exception:  # never raise into the app: the line goes to the stream instead
            pass
        self._stream.write(line + "\n")

    def writelines(self, lines):
        # through write(), so that lines written this way inside a request are shipped too
        for line in lines:
            self.write(line)

    def flush(self):
        # a partial line stays gathered: only whole lines are shipped (or the request's end)
        return self._stream.flush()

    def fileno(self):
        return self._stream.fileno()

    def isatty(self):
        return self._stream.isatty()

    def __getattr__(self, name):
        return getattr(self._stream, name)

    def __repr__(self):
        return "<pyapp_runtime.capture.RequestStream %s around %r>" % (self._logger, self._stream)


def end_request():
    """Ships what the current thread's request left of a line on stdout and stderr."""
    ident = _get_ident()
    for logger in ("stdout", "stderr"):
        entry = PENDING.pop((logger, ident), None)
        if entry is not None:
            entry[0]._ship(entry[1], "".join(entry[2]))


_installed = False


def install():
    """Wraps sys.stdout (INFO, ``stdout``) and sys.stderr (WARNING, ``stderr``) once, if
    ``logship`` ships this process's records; returns whether the streams are wrapped."""
    global _installed
    if _installed:
        return True
    if _shipper() is None:
        return False
    if sys.stdout is not None and not isinstance(sys.stdout, RequestStream):
        sys.stdout = RequestStream(sys.stdout, "stdout", 20)
    if sys.stderr is not None and not isinstance(sys.stderr, RequestStream):
        sys.stderr = RequestStream(sys.stderr, "stderr", 30)
    _installed = True
    return True
