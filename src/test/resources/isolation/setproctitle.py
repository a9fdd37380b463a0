"""What a hostile app ships as a shared dependency: a module that gunicorn imports
in every daemon when it is on the path (gunicorn.util), and that code importing it
only if present would run. Run as any other app it leaves a mark in that app's data."""
import os


def _mark():
    name = os.environ.get("PYAPP_NAME")
    if name and name != "hostile" and os.environ.get("PYAPP_DATA_PATH"):
        with open(os.path.join(os.environ["PYAPP_DATA_PATH"], "pwned-by-shared-package"), "w") as f:
            f.write(name)


_mark()


def setproctitle(title):
    pass


def getproctitle():
    return ""
