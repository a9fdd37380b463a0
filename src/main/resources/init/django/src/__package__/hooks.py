"""Lifecycle hooks (metadata.yaml: hooks), run by PyApp Server in the release's
environment with src/ as working directory. What they print and log is in the
install's progress and in the app's log (logger pyapp.deploy)."""
import os


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "{{package}}.settings")
    import django

    django.setup()
    from django.core.management import call_command

    return call_command


def post_install():
    """The first install: create the database and collect the static files."""
    call_command = _django()
    call_command("migrate", interactive=False)
    call_command("collectstatic", interactive=False, verbosity=1)


def pre_update():
    """Each upgrade, before the new release starts: migrate, collect its static files.
    A rollback does not reverse migrations: keep them compatible with the release
    before (add columns, then drop them one release later)."""
    call_command = _django()
    call_command("migrate", interactive=False)
    call_command("collectstatic", interactive=False, verbosity=1)
