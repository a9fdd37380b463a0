"""Request metrics of an app process, aggregated in the process.

The WSGI middleware (``pyapp_runtime.wsgi``) calls ``observe(status, seconds)`` once
per finished request: a lock, a dict increment and a bucket increment, nothing else.
``logship``'s sender thread calls ``take()`` every ``INTERVAL`` seconds and ships what
accumulated since the previous call (a delta) with its next batch over the log socket,
so a request never waits on the network and the server adds the deltas up.

Wire form (the ``metrics`` member of a logship batch)::

    {"requests": {"200": 41, "404": 1}, "le": [0.005, ..., 10.0],
     "buckets": [n0, ..., n11], "sum": 1.25}

``buckets`` holds the count of requests per bucket (not cumulative); the last one is
for requests slower than the last bound. ``PYAPP_METRICS=0`` turns the measuring off.

Standard library only; works the same under gunicorn and uWSGI (pure WSGI).
"""

import bisect
import os
import threading

__all__ = ["BOUNDS", "ENABLED", "INTERVAL", "observe", "pending", "take"]

#: Upper bounds (seconds) of the latency histogram; Prometheus' default buckets.
BOUNDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

ENABLED = os.environ.get("PYAPP_METRICS", "1") not in ("0", "false", "off", "no")

#: Seconds between two shipments of the accumulated delta.
INTERVAL = float(os.environ.get("PYAPP_METRICS_INTERVAL", "2"))

_lock = threading.Lock()
_statuses = {}
_buckets = [0] * (len(BOUNDS) + 1)
_sum = [0.0]
_bisect = bisect.bisect_left
_waker = None


def set_waker(callback):
    """``callback()`` is called when a request is counted after a ``take()`` found
    nothing: the sender uses it to start its thread in a process that logs nothing."""
    global _waker
    _waker = callback


def observe(status, seconds):
    """Counts one finished request: its HTTP status code and how long it took."""
    index = _bisect(BOUNDS, seconds)
    with _lock:
        first = not _statuses
        _statuses[status] = _statuses.get(status, 0) + 1
        _buckets[index] += 1
        _sum[0] += seconds
    if first and _waker is not None:
        try:
            _waker()
        except Exception:  # counting must never fail a request
            pass


def pending():
    """Whether something was counted since the last ``take()``."""
    return bool(_statuses)


def take():
    """What was observed since the last call, as the wire form; None if nothing."""
    global _statuses, _buckets
    with _lock:
        if not _statuses:
            return None
        statuses, buckets, total = _statuses, _buckets, _sum[0]
        _statuses = {}
        _buckets = [0] * (len(BOUNDS) + 1)
        _sum[0] = 0.0
    return {"requests": {str(code): count for code, count in statuses.items()},
            "le": list(BOUNDS), "buckets": buckets, "sum": total}


def _reset_after_fork():
    """A forked worker starts from zero: what the parent counted is the parent's."""
    global _lock, _statuses, _buckets
    _lock = threading.Lock()
    _statuses = {}
    _buckets = [0] * (len(BOUNDS) + 1)
    _sum[0] = 0.0


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_after_fork)
