"""Lifecycle hooks (metadata.yaml: hooks). PyApp Server calls them with no arguments.

Each one records that it ran in $PYAPP_DATA_PATH/hooks.log (so tests can see it)
and logs a line.
"""

import logging
import os
import time

from guestbook import store

logger = logging.getLogger("guestbook.hooks")


def _record(hook):
    version = os.environ.get("PYAPP_VERSION", "?")
    logger.info("hook %s for version %s", hook, version)
    data = os.environ.get("PYAPP_DATA_PATH")
    if data:
        os.makedirs(data, exist_ok=True)
        with open(os.path.join(data, "hooks.log"), "a", encoding="utf-8") as log:
            log.write("%s %s %s\n" % (hook, version, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())))


def post_install():
    store.init()
    _record("post-install")


def pre_update():
    # migrations belong here: the new release prepares the database before it starts
    store.init()
    _record("pre-update")


def post_update():
    _record("post-update")


def pre_delete():
    _record("pre-delete")
