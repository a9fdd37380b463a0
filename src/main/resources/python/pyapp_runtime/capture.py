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
a request that prints nothing pays one test of an empty dict). The lines become
records as the server makes them of the output files: a blank line is none, a line
longer than ``MAX_PARTIAL`` characters is shipped in pieces (a partial line too, once
it holds that much), and a traceback with its chained ones is one record (message:
its summary line, exception: the whole traceback).

When shipping is not available (``logship`` not installed, its sender failing to reach
the socket, its queue full) a write goes to the real stream: nothing printed is lost.
Everything else of the stream (``flush``, ``fileno``, ``isatty``, ``buffer``,
``encoding``...) is the original's.
"""
import re
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

#: (logger, thread ident) -> _Held: what the requests being served wrote and is not
#: shipped yet; empty unless a request printed a partial line or a traceback
PENDING = {}

# the longest traceback gathered into one record (its exception)
_MAX_TRACEBACK = 256 * 1024

_get_path = context.request_path.get
_get_ident = threading.get_ident


def _shipper():
    """logship's shipper of this process when records may be queued on it, else None."""
    return _logship.available_shipper() if _logship is not None else None


TRACEBACK = "Traceback (most recent call last):"
CHAINS = ("During handling of the above exception, another exception occurred:",
          "The above exception was the direct cause of the following exception:")
# the last line of a traceback, as the server's OutputFolder recognises it
_SUMMARY = re.compile(r"[A-Za-z_][\w.]{0,200}(: .*)?\Z", re.S)


class _Held:
    """What one thread's request wrote to one stream and is not shipped yet: a partial
    line, and a traceback (``traceback.print_exc()``) gathered until its summary line
    and the chained tracebacks after it, shipped as one record (message: the summary,
    exception: the traceback), as the server folds one read from the output files."""

    __slots__ = ("stream", "path", "chunks", "size", "traceback", "traceback_size", "after_summary")

    def __init__(self, stream, path):
        self.stream = stream
        self.path = path
        self.chunks = []
        self.size = 0
        self.traceback = None
        self.traceback_size = 0
        self.after_summary = False

    def empty(self):
        return not self.chunks and self.traceback is None

    def add(self, text):
        if "\n" not in text:
            self.chunks.append(text)
            self.size += len(text)
            if self.size >= MAX_PARTIAL:
                self._take_partial()
            return
        if self.chunks:
            text = "".join(self.chunks) + text
            self.chunks = []
            self.size = 0
        lines = text.split("\n")
        rest = lines.pop()
        for line in lines:
            self.line(line)
        if rest:
            self.chunks.append(rest)
            self.size = len(rest)
            if self.size >= MAX_PARTIAL:
                self._take_partial()

    def _take_partial(self):
        line = "".join(self.chunks)
        self.chunks = []
        self.size = 0
        self.line(line)

    def line(self, line):
        if line.endswith("\r"):
            line = line[:-1]
        if self.traceback is not None:
            if self._fold(line):
                return
            self.ship_traceback()
        if len(line) > MAX_PARTIAL:
            # stored in pieces, as the server stores a longer line of an output file
            for start in range(0, len(line), MAX_PARTIAL):
                self.stream._ship(self.path, line[start:start + MAX_PARTIAL], None)
        elif line == TRACEBACK:
            self.traceback = [line]
            self.traceback_size = len(line)
        elif line.strip():  # a blank line is no record, as in the output files
            self.stream._ship(self.path, line, None)

    def _fold(self, line):
        """Whether a line belongs to the traceback being gathered (then it is added)."""
        if self.after_summary:
            accepted = not line.strip() or line in CHAINS or line == TRACEBACK
            self.after_summary = accepted and line != TRACEBACK
        else:
            # frames are indented; the summary ends the traceback; anything else (one cut
            # short) is a line of its own
            accepted = line.startswith((" ", "\t"))
            if not accepted and _SUMMARY.match(line):
                accepted = self.after_summary = True
        if accepted:
            self.traceback.append(line)
            self.traceback_size += len(line) + 1
            if self.traceback_size > _MAX_TRACEBACK:
                self.ship_traceback()
        return accepted

    def ship_traceback(self):
        lines = self.traceback
        self.traceback = None
        self.after_summary = False
        while len(lines) > 1 and not lines[-1].strip():
            lines.pop()
        self.stream._ship(self.path, lines[-1], "\n".join(lines))

    def finish(self):
        """The request ended: ships the rest of a line and a gathered traceback."""
        if self.chunks:
            self._take_partial()
        if self.traceback is not None:
            self.ship_traceback()


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
        if not text:
            return 0
        key = (self._logger, _get_ident())
        held = PENDING.get(key)
        if held is not None and held.path != path:
            # what another request of this thread left (one not ended through the shim)
            del PENDING[key]
            held.finish()
            held = None
        if held is None:
            held = _Held(self, path)
            held.add(text)
            if not held.empty():
                PENDING[key] = held
        else:
            held.add(text)
            if held.empty():
                PENDING.pop(key, None)
        return len(text)

    def _ship(self, path, message, exception):
        """Queues one record, or writes its lines to the real stream when it cannot."""
        try:
            shipper = _shipper()
            if shipper is not None:
                if len(message) > _logship.MAX_MESSAGE:
                    message = message[:_logship.MAX_MESSAGE] + _logship.TRUNCATED
                if exception is not None and len(exception) > _logship.MAX_EXCEPTION:
                    exception = exception[:_logship.MAX_EXCEPTION] + _logship.TRUNCATED
                record = (time.time(), self._level, self._logger, message, exception,
                          threading.current_thread().name, path)
                if shipper.offer(record):
                    return
        except Exception:  # never raise into the app: the line goes to the stream instead
            pass
        self._stream.write((message if exception is None else exception) + "\n")

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
    """Ships what the current thread's request left on stdout and stderr."""
    ident = _get_ident()
    for logger in ("stdout", "stderr"):
        held = PENDING.pop((logger, ident), None)
        if held is not None:
            held.finish()


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
