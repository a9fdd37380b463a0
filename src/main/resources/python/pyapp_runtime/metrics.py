"""Request metrics of an app process, aggregated in the process.

The WSGI middleware (``pyapp_runtime.wsgi``) calls ``record((status, seconds))`` once
per finished request (``observe(status, seconds)`` is the same for other callers): that
is the deque's own ``append``, a C call, so nothing else happens on the request path (no
Python frame, no lock, no parsing).
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
import collections
import operator
import os

__all__ = ["BOUNDS", "ENABLED", "INTERVAL", "observe", "pending", "record", "take"]

#: Upper bounds (seconds) of the latency histogram; Prometheus' default buckets.
BOUNDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

ENABLED = os.environ.get("PYAPP_METRICS", "1") not in ("0", "false", "off", "no")

#: Seconds between two shipments of the accumulated delta.
INTERVAL = float(os.environ.get("PYAPP_METRICS_INTERVAL", "2"))

#: The most requests waiting to be aggregated (a sender that cannot keep up loses the
#: oldest, never blocks a request).
MAX_PENDING = 200000

# the request path only appends (status line, seconds) to a deque: atomic under the GIL,
# no lock, no parsing; the sender thread swaps the deque and aggregates it when it ships
_pending = collections.deque(maxlen=MAX_PENDING)
_append = _pending.append
# the deque swapped out last time: a request that fetched its append just before the
# swap lands there, and is counted with the next shipment
_previous = collections.deque()
_waker = None
#: ``record((status, seconds))`` counts one finished request. Look it up on the module at
#: each call (``metrics.record``), never keep it: it is the current deque's ``append``
#: (rebound when ``take()`` swaps the deque), or ``_record_and_wake`` while a waker is set.
record = _append
_first = operator.itemgetter(0)
_second = operator.itemgetter(1)


def set_waker(callback):
    """``callback()`` is called on the next counted request, until it is set to None
    again: the sender uses it to start its thread in a process that logs nothing, then
    takes it away so that the request path does not pay for it."""
    global _waker, record
    _waker = callback
    record = _append if callback is None else _record_and_wake


def _record_and_wake(item):
    _append(item)
    waker = _waker
    if waker is not None:
        try:
            waker()
        except Exception:  # counting must never fail a request
            pass


def observe(status, seconds):
    """Counts one finished request: its status (the WSGI status line, or an int) and how
    long it took."""
    record((status, seconds))


def _code(status):
    if type(status) is int:
        return status
    try:
        return int(status[:3])
    except (TypeError, ValueError):
        return 0


def pending():
    """Whether something was counted since the last ``take()``."""
    return bool(_pending) or bool(_previous)


def take():
    """What was observed since the last call, as the wire form; None if nothing."""
    global _pending, _append, _previous, record
    if not _pending and not _previous:
        return None
    swapped = _pending
    _pending = collections.deque(maxlen=MAX_PENDING)
    _append = _pending.append
    if _waker is None:
        record = _append
    items = list(_previous)
    _previous.clear()
    items.extend(swapped)
    swapped.clear()
    _previous = swapped
    if not items:
        return None
    # C-speed aggregation: a Counter of the status lines, the sorted durations cut at
    # each bound
    statuses = {}
    for status, count in collections.Counter(map(_first, items)).items():
        code = _code(status)
        statuses[code] = statuses.get(code, 0) + count
    durations = sorted(map(_second, items))
    buckets = []
    below = 0
    for bound in BOUNDS:
        upto = bisect.bisect_right(durations, bound)
        buckets.append(upto - below)
        below = upto
    buckets.append(len(durations) - below)
    return {"requests": {str(code): count for code, count in statuses.items()},
            "le": list(BOUNDS), "buckets": buckets, "sum": sum(durations)}


def _reset_after_fork():
    """A forked worker starts from zero: what the parent counted is the parent's."""
    _pending.clear()
    _previous.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_after_fork)
