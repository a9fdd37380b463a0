"""PyApp Server's runtime shim: loads an app's WSGI entry for gunicorn, runs its hooks
and tasks, and carries the request context the log handler reads.

Installed by the server into PYAPP_HOME/server-packages/; do not edit it there.
"""
