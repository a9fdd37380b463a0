"""Runs one hook or task: ``python -m pyapp_runtime.run ROLE module:callable``.
The callable is called with no arguments; the exit code is 0 when it returns, 1 when
it raises (the traceback is printed to stderr).

What a hook or a task logs through ``logging`` is part of its output (as
``LEVEL logger: message`` lines), so a failing hook's output shows the error a
library logged before it exited (Flask-Migrate logs it, then calls sys.exit(1)).
A task's records also reach the server's log store through the log socket; a
hook's reach it as its output, which the server logs line by line (logger
``pyapp.deploy``), so none is stored twice."""
import logging
import sys
import traceback


def _echo_logging():
    """The output shows what the process logs, not only what it prints."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)


def main(argv):
    if len(argv) != 2:
        print("usage: python -m pyapp_runtime.run hook|task module:callable", file=sys.stderr)
        return 2
    role, target = argv
    if role != "hook":
        try:
            from pyapp_runtime import logship
            logship.install(role)
        except ImportError:
            pass
        except Exception as ex:
            print("pyapp_runtime: log handler not installed: %s" % ex, file=sys.stderr)
    _echo_logging()
    try:
        module_name, _, attribute = target.partition(":")
        import importlib
        obj = importlib.import_module(module_name)
        for part in attribute.split("."):
            obj = getattr(obj, part)
        obj()
    except SystemExit as ex:
        return ex.code if isinstance(ex.code, int) else (0 if ex.code is None else 1)
    except BaseException:
        traceback.print_exc()
        return 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
