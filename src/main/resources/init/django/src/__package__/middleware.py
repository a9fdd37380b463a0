"""Cookies scoped to the mount path: two apps on one host name keep their own session
and CSRF cookies (Django sets them for / otherwise)."""
from django.conf import settings


class MountCookiePath:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        path = request.META.get("SCRIPT_NAME", "").rstrip("/") + "/"
        for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME):
            if name in response.cookies:
                response.cookies[name]["path"] = path
        return response
