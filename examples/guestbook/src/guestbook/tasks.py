"""Recurring tasks (metadata.yaml: tasks). PyApp Server calls them with no arguments."""

import logging
import os
import time

logger = logging.getLogger("guestbook.tasks")

# session files older than this are removed
MAX_AGE_SECONDS = 24 * 3600


def purge():
    """Removes stale files from the sessions directory and records the run."""
    removed = 0
    sessions = os.environ.get("PYAPP_WRITABLE_SESSIONS")
    if sessions and os.path.isdir(sessions):
        cutoff = time.time() - MAX_AGE_SECONDS
        for entry in os.scandir(sessions):
            if entry.is_file(follow_symlinks=False) and entry.stat().st_mtime < cutoff:
                os.remove(entry.path)
                removed += 1
    logger.info("purge-sessions removed %d stale session(s)", removed)
    data = os.environ.get("PYAPP_DATA_PATH")
    if data:
        os.makedirs(data, exist_ok=True)
        with open(os.path.join(data, "tasks.log"), "a", encoding="utf-8") as log:
            log.write("purge-sessions %s removed=%d\n"
                      % (time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), removed))
