"""The WSGI entry PyApp Server runs (metadata.yaml: entry)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "{{package}}.settings")

application = get_wsgi_application()
