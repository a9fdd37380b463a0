"""gunicorn settings every app daemon shares (``-c python:pyapp_runtime.gunicorn_conf``).
Binding, workers and threads come from the command line."""
import sys

# only the local web server may set SCRIPT_NAME and the forwarding headers
# (unix socket peers are always trusted by gunicorn)
forwarded_allow_ips = "127.0.0.1,::1"
capture_output = False
graceful_timeout = 20
# the app's socket is 0660: its run/ directory gives it the web server's group
umask = 0o117
# gunicorn 26's control socket defaults to $HOME/.gunicorn/gunicorn.ctl, one path for
# every master of a user; the server does not use it
control_socket_disable = True


def _install_log_handler(role):
    try:
        from pyapp_runtime import logship
    except ImportError:
        return
    try:
        logship.install(role)
    except Exception as ex:  # the app must run even when its log shipping does not
        print("pyapp_runtime: log handler not installed: %s" % ex, file=sys.stderr)


def on_starting(server):
    _install_log_handler("master")


def post_fork(server, worker):
    _install_log_handler("worker")
