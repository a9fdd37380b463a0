"""Request context shared by the WSGI wrapper and the log handler."""
from contextvars import ContextVar

#: SCRIPT_NAME + PATH_INFO of the request being handled, or None outside a request.
request_path = ContextVar("pyapp_request_path", default=None)
